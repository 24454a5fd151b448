import type { Core } from '@strapi/strapi';
import type { ContentTypeSummary } from '../../contracts';
import { findModel, getModel, hasDraftAndPublish, isLocalized } from '../../utils/models';

/** Which content types the plugin can act on: the collection types the Content Manager shows. */
const createContentTypesService = ({ strapi }: { strapi: Core.Strapi }) => ({
  isActionable(uid: string): boolean {
    // a uid comes from the URL: findModel looks up own keys only (`constructor` finds nothing)
    const model = findModel(strapi, uid);
    if (!model || model.kind !== 'collectionType') return false;
    if (!uid.startsWith('api::')) return false;
    return model.pluginOptions?.['content-manager']?.visible !== false;
  },

  summarize(uid: string): ContentTypeSummary {
    const model = getModel(strapi, uid);
    return {
      uid,
      displayName: model.info?.displayName ?? uid,
      draftAndPublish: hasDraftAndPublish(model),
      localized: isLocalized(model),
    };
  },

  /** Actionable content types, optionally limited to those the given ability may read. */
  list(userAbility?: { can: (action: string, subject: string) => boolean }): ContentTypeSummary[] {
    return Object.keys(strapi.contentTypes)
      .filter((uid) => this.isActionable(uid))
      .filter((uid) => !userAbility || userAbility.can('plugin::content-manager.explorer.read', uid))
      .sort()
      .map((uid) => this.summarize(uid));
  },
});

export default createContentTypesService;
