import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { PLUGIN_ID, REPLACEABLE_BUILT_INS, type Settings } from '../../contracts';
import { getService } from '../../utils/services';

/**
 * Which actions are enabled per content type. Nothing is enabled by default; the app's config may
 * pre-enable; what an administrator saves (plugin store) overrides the config per content type.
 */
const createSettingsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const store = () => strapi.store({ type: 'plugin', name: PLUGIN_ID, key: 'settings' });
  const configured = (): Settings['contentTypes'] => strapi.config.get(`plugin::${PLUGIN_ID}.contentTypes`) ?? {};
  const actions = () => getService(strapi, 'actions');
  const contentTypes = () => getService(strapi, 'content-types');

  /** Own entries only: a content-type uid comes from a request. */
  const entryOf = (settings: Settings['contentTypes'], uid: string) => (Object.hasOwn(settings, uid) ? settings[uid] : undefined);

  const saved = async (): Promise<Settings['contentTypes']> => ((await store().get({})) as Settings | null)?.contentTypes ?? {};

  return {
    /** Effective settings of every actionable content type. */
    async get(): Promise<Settings> {
      const fromStore = await saved();
      const fromConfig = configured();
      const result: Settings['contentTypes'] = {};
      for (const { uid } of contentTypes().list()) {
        const entry = entryOf(fromStore, uid) ?? entryOf(fromConfig, uid);
        result[uid] = { actions: entry?.actions ?? [], replaceBuiltIns: entry?.replaceBuiltIns ?? false };
      }
      return { contentTypes: result };
    },

    /**
     * Which of Strapi's bulk buttons the list view hides for this content type: those whose plugin
     * action of the same name is among `listed` (enabled, and permitted to the user), when the content
     * type's settings say so.
     */
    async replacedBuiltIns(uid: string, listed: string[]): Promise<string[]> {
      const entry = entryOf(await saved(), uid) ?? entryOf(configured(), uid);
      if (!entry?.replaceBuiltIns) return [];
      return REPLACEABLE_BUILT_INS.filter((name) => listed.includes(name));
    },

    /** Names of the actions enabled for a content type (`'*'` expanded). */
    async enabledActions(uid: string): Promise<string[]> {
      const entry = entryOf(await saved(), uid) ?? entryOf(configured(), uid);
      const available = actions().list(uid).map((definition: { name: string }) => definition.name);
      if (!entry) return [];
      return entry.actions.includes('*') ? available : available.filter((name: string) => entry.actions.includes(name));
    },

    async isEnabled(uid: string, name: string) {
      return (await this.enabledActions(uid)).includes(name);
    },

    /** Replaces the settings of the content types named in `update`; the others keep theirs. */
    async update(update: Settings): Promise<Settings> {
      const problems: string[] = [];
      for (const [uid, { actions: names }] of Object.entries(update.contentTypes)) {
        if (!contentTypes().isActionable(uid)) {
          problems.push(`contentTypes.${uid}: not a collection type bulk actions can act on`);
          continue;
        }
        const available = actions().list(uid).map((definition: { name: string }) => definition.name);
        for (const name of names) {
          if (name !== '*' && !available.includes(name)) {
            problems.push(`contentTypes.${uid}.actions: "${name}" is not an action available to ${uid}`);
          }
        }
      }
      if (problems.length) throw new errors.ValidationError(problems.join('; '));

      const current = await saved();
      // a null-prototype map: no key of a request can reach Object's members
      const next: Settings['contentTypes'] = Object.assign(Object.create(null), current);
      for (const [uid, entry] of Object.entries(update.contentTypes)) {
        next[uid] = { actions: [...new Set(entry.actions)], ...(entry.replaceBuiltIns ? { replaceBuiltIns: true } : {}) };
      }
      await store().set({ value: { contentTypes: next } });
      return this.get();
    },
  };
};

export default createSettingsService;
export type SettingsService = ReturnType<typeof createSettingsService>;
