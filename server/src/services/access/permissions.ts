import type { Core } from '@strapi/strapi';
import { forbidden } from '../../errors';
import { PLUGIN_ID } from '../../contracts';
import type { BulkActionDefinition } from '../../types';
import { getService } from '../../utils/services';

/** The minimal CASL ability surface we rely on (ctx.state.userAbility). */
export interface UserAbility {
  can: (action: string, subject?: unknown, field?: string) => boolean;
}

type Where = Record<string, unknown>;

const CONTENT_MANAGER = 'plugin::content-manager.explorer';
/** Permission words that are the Content Manager's own actions; any other word is a plugin RBAC action. */
const BUILT_IN_PERMISSION_WORDS = ['read', 'create', 'update', 'delete', 'publish'];
export const isBuiltInPermission = (word: string) => BUILT_IN_PERMISSION_WORDS.includes(word);

/**
 * Maps action permission words onto Strapi RBAC and turns RBAC conditions into database filters,
 * so "may this user do X to these records" is answered by the same rules as the Content Manager.
 */
const createPermissionsService = ({ strapi }: { strapi: Core.Strapi }) => {
  let bootstrapped = false;
  const registeredCustom = new Set<string>();

  const rbacAction = (word: string) =>
    isBuiltInPermission(word) ? `${CONTENT_MANAGER}.${word}` : `plugin::${PLUGIN_ID}.${word}`;

  const permissionsManager = (ability: UserAbility, uid: string) =>
    strapi.service('admin::permission').createPermissionsManager({ ability, model: uid });

  /** RBAC conditions of `action` for this user as a query-engine `where`; null when not allowed at all. */
  const conditionWhere = (ability: UserAbility, uid: string, action: string): Where | null => {
    const filters = permissionsManager(ability, uid).getQuery(action);
    if (filters === null || filters === undefined) return null;
    if (typeof filters === 'object' && Object.keys(filters).length === 0) return {};
    return strapi.get('query-params').transform(uid, { filters }).where ?? {};
  };

  /** Custom permission words of these actions, each with the content types it applies to. */
  const customWords = (definitions: readonly BulkActionDefinition[]) => {
    const subjectsByWord = new Map<string, Set<string>>();
    const allUids = getService(strapi, 'content-types').list().map((ct) => ct.uid);
    for (const definition of definitions) {
      for (const word of definition.permissions) {
        if (isBuiltInPermission(word)) continue;
        const subjects = subjectsByWord.get(word) ?? new Set<string>();
        const uids = definition.contentTypes === '*' ? allUids : definition.contentTypes;
        uids.forEach((uid: string) => subjects.add(uid));
        subjectsByWord.set(word, subjects);
      }
    }
    return subjectsByWord;
  };

  const registerCustom = async (word: string, subjects: string[]) => {
    if (registeredCustom.has(word)) return;
    registeredCustom.add(word);
    await strapi.service('admin::permission').actionProvider.registerMany([
      {
        section: 'contentTypes',
        displayName: word.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()),
        uid: word,
        pluginName: PLUGIN_ID,
        subjects,
        options: { applyToProperties: ['locales'] },
      },
    ]);
  };

  return {
    rbacAction,
    conditionWhere,

    /** Registers the plugin's own permissions and one RBAC action per custom permission word of these actions. */
    async registerPermissions(definitions: readonly BulkActionDefinition[]) {
      await strapi.service('admin::permission').actionProvider.registerMany([
        { section: 'plugins', displayName: 'Read settings', uid: 'settings.read', subCategory: 'settings', pluginName: PLUGIN_ID },
        { section: 'plugins', displayName: 'Edit settings', uid: 'settings.update', subCategory: 'settings', pluginName: PLUGIN_ID },
        { section: 'plugins', displayName: 'Read the audit log of runs', uid: 'runs.read', subCategory: 'runs', pluginName: PLUGIN_ID },
      ]);
      for (const [word, subjects] of customWords(definitions)) await registerCustom(word, [...subjects]);
      bootstrapped = true;
    },

    /** Actions registered after bootstrap still get their RBAC actions (`all`: every registered action). */
    async registerCustomPermissions(definition: BulkActionDefinition, all: readonly BulkActionDefinition[]) {
      if (!bootstrapped) return;
      const words = customWords(all);
      for (const word of definition.permissions) {
        if (words.has(word)) await registerCustom(word, [...words.get(word)!]);
      }
    },

    /** Does the user hold every permission of the action on this content type (ignoring conditions)? */
    missingPermission(ability: UserAbility, uid: string, definition: BulkActionDefinition): string | null {
      for (const word of definition.permissions) {
        if (!ability.can(rbacAction(word), uid)) return word;
      }
      return null;
    },

    assertCanRun(ability: UserAbility, uid: string, definition: BulkActionDefinition) {
      const missing = this.missingPermission(ability, uid, definition);
      if (missing) {
        throw forbidden(
          `You need the "${missing}" permission on ${uid} to run "${definition.label}"`
        );
      }
    },

    /**
     * The records this user may act on: every condition of every permission of the action, AND-ed.
     * `read` is always included: nothing the user cannot see is acted on.
     */
    actionWhere(ability: UserAbility, uid: string, definition: BulkActionDefinition): Where | null {
      const words = new Set(['read', ...definition.permissions]);
      const parts: Where[] = [];
      for (const word of words) {
        const where = conditionWhere(ability, uid, rbacAction(word));
        if (where === null) return null;
        // the same conditions twice (e.g. i18n's locale condition on read and on update) once
        const known = parts.some((part) => JSON.stringify(part) === JSON.stringify(where));
        if (Object.keys(where).length > 0 && !known) parts.push(where);
      }
      return parts.length === 0 ? {} : parts.length === 1 ? parts[0] : { $and: parts };
    },

    /**
     * Does the user hold every one of these permission words on this entity, conditions included
     * (evaluated on the object, as the Content Manager does for an entry being created)?
     */
    canOnEntity(ability: UserAbility, uid: string, words: string[], entity: Record<string, unknown>): boolean {
      const subject = permissionsManager(ability, uid).toSubject(entity, uid);
      return words.every((word) => ability.can(rbacAction(word), subject));
    },

    readWhere(ability: UserAbility, uid: string): Where | null {
      return conditionWhere(ability, uid, `${CONTENT_MANAGER}.read`);
    },

    /** Field-level permission of the Content Manager (read or update) on one attribute. */
    canUseField(ability: UserAbility, uid: string, field: string, action: 'read' | 'update') {
      return ability.can(`${CONTENT_MANAGER}.${action}`, uid, field);
    },

    /** The Content Manager's validation of list filters: private or unreadable fields are refused. */
    async validateListQuery(ability: UserAbility, uid: string, query: { filters?: unknown; _q?: string }) {
      const checker = strapi
        .plugin('content-manager')
        .service('permission-checker')
        .create({ userAbility: ability, model: uid });
      await checker.validateQuery(query);
    },
  };
};

export default createPermissionsService;
export type PermissionsService = ReturnType<typeof createPermissionsService>;
