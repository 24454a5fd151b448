import type { Core } from '@strapi/strapi';
import { forbidden } from '../../errors';
import { PLUGIN_ID } from '../../contracts';
import type { BulkActionDefinition } from '../../types';
import { getService } from '../../utils/services';
import { getModel, hasDraftAndPublish } from '../../utils/models';

/** The minimal CASL ability surface we rely on (ctx.state.userAbility). */
export interface UserAbility {
  can: (action: string, subject?: unknown, field?: string) => boolean;
}

type Where = Record<string, unknown>;

/** One locale version of a document and whether the user may act on it. */
export interface LocaleVersion {
  locale: string;
  permitted: boolean;
}

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

    /** The user's abilities as RBAC gives them now (a run acting later than its request); null when gone or blocked. */
    async userAbility(userId: number | null): Promise<UserAbility | null> {
      if (!userId) return null;
      const user = await strapi.db.query('admin::user').findOne({ where: { id: userId }, populate: ['roles'] });
      if (!user || user.blocked || user.isActive === false) return null;
      return strapi.service('admin::permission').engine.generateUserAbility(user);
    },

    /**
     * The locale versions (draft rows) of these documents, each with whether the user may act on it
     * with these permission words: every RBAC condition evaluated on that locale's row, so i18n's
     * locale condition (`properties.locales`) and conditions such as "is creator" apply per locale.
     */
    async localeAccess(
      ability: UserAbility | null, uid: string, words: string[], documentIds: string[],
      /** versions that no longer exist (an undo re-creates them): checked as the Content Manager checks a new entry, with create */
      recorded?: Map<string, Record<string, Record<string, unknown>>>
    ): Promise<Map<string, LocaleVersion[]>> {
      const access = new Map<string, LocaleVersion[]>(documentIds.map((documentId) => [documentId, []]));
      if (!documentIds.length) return access;
      // each locale's draft row stands for its version (every version has one)
      const drafts: Where = hasDraftAndPublish(getModel(strapi, uid)) ? { publishedAt: { $null: true } } : {};
      const and = (...parts: Where[]): Where => ({ $and: parts.filter((part) => Object.keys(part).length) });
      const permitted = ability ? this.actionWhere(ability, uid, { permissions: words } as BulkActionDefinition) : null;
      const rowsOf = async (where: Where) =>
        (await strapi.db.query(uid as any).findMany({ select: ['documentId', 'locale'], where, orderBy: { id: 'asc' } })) as Array<{ documentId: string; locale: string }>;
      const inIds = { documentId: { $in: documentIds } };
      const versions = await rowsOf(and(drafts, inIds));
      const allowed =
        permitted === null ? new Set<string>()
        : Object.keys(permitted).length === 0 ? null
        : new Set((await rowsOf(and(drafts, inIds, permitted))).map((row) => `${row.documentId}\u0000${row.locale}`));
      for (const { documentId, locale } of versions) {
        if (!locale) continue;
        access.get(documentId)?.push({ locale, permitted: allowed === null || allowed.has(`${documentId}\u0000${locale}`) });
      }
      for (const [documentId, byLocale] of recorded ?? []) {
        const known = access.get(documentId);
        if (!known) continue;
        for (const [locale, entity] of Object.entries(byLocale)) {
          if (known.some((version) => version.locale === locale)) continue;
          known.push({ locale, permitted: Boolean(ability) && this.canOnEntity(ability!, uid, ['read', 'create', ...words], { ...entity, locale }) });
        }
      }
      return access;
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
