import type { Core } from '@strapi/strapi';
import type { ContentTypeSummary } from '../contracts';

/** Which content types the plugin can act on: the collection types the Content Manager shows. */
const createContentTypesService = ({ strapi }: { strapi: Core.Strapi }) => ({
  isActionable(uid: string): boolean {
    // a uid comes from the URL: `constructor` must not find Object's member
    if (typeof uid !== 'string' || !Object.hasOwn(strapi.contentTypes, uid)) return false;
    const model = strapi.contentTypes[uid as keyof typeof strapi.contentTypes] as any;
    if (!model || model.kind !== 'collectionType') return false;
    if (!uid.startsWith('api::')) return false;
    return model.pluginOptions?.['content-manager']?.visible !== false;
  },

  summarize(uid: string): ContentTypeSummary {
    const model = strapi.contentTypes[uid as keyof typeof strapi.contentTypes] as any;
    return {
      uid,
      displayName: model.info?.displayName ?? uid,
      draftAndPublish: Boolean(model.options?.draftAndPublish),
      localized: Boolean(model.pluginOptions?.i18n?.localized),
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
