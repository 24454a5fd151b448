import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { RUN_ENTRIES_LIMIT, type Run, type RunEntriesResponse } from '../../contracts';
import { RUN_UID } from '../../content-types';
import type { UserAbility } from './permissions';
import { PLUGIN_PERMISSIONS } from '../../constants';
import { columnName, findModel } from '../../utils/models';
import { getService } from '../../utils/services';

export interface RunReader {
  ability: UserAbility;
  user: { id: number };
}

type Where = Record<string, unknown>;

/**
 * Who may see a run, in one place: the list, its counts and filters, the run page and every run
 * sub-route (failures, download, cancel, retry) ask this service.
 *
 * The rule: a run is visible to its owner; to anyone else only with `runs.read` and, on the run's
 * content type, every permission its action needs (for an action no longer registered there: read
 * on the content type, when it still exists). Anyone else is told the run does not exist.
 */
const createRunAccessService = ({ strapi }: { strapi: Core.Strapi }) => {
  /** The permission words a reader who is not the owner needs, for one (content type, action) pair. */
  const wordsFor = (contentType: string, action: string): string[] => {
    const definition = getService(strapi, 'actions').get(contentType, action);
    if (definition) return ['read', ...definition.permissions];
    return findModel(strapi, contentType) ? ['read'] : [];
  };

  const mayReadOthers = (ability: UserAbility, contentType: string, action: string) => {
    if (!ability.can(PLUGIN_PERMISSIONS.runsRead)) return false;
    const permissions = getService(strapi, 'permissions');
    return wordsFor(contentType, action).every((word) => ability.can(permissions.rbacAction(word), contentType));
  };

  return {
    mayRead(reader: RunReader, run: Pick<Run, 'userId' | 'contentType' | 'action'>): boolean {
      return run.userId === reader.user.id || mayReadOthers(reader.ability, run.contentType, run.action);
    },

    /**
     * The entries a visible run skipped or failed (the first RUN_ENTRIES_LIMIT), each with its main
     * field when this reader may read the entry now: one query for every label, within the reader's
     * read conditions, so a skip for lack of permission names nothing the reader could not open.
     */
    async entries(reader: RunReader, run: Run): Promise<RunEntriesResponse['data']> {
      const { entries, truncated } = await getService(strapi, 'chunks').notDone(run.id, RUN_ENTRIES_LIMIT);
      const scope = findModel(strapi, run.contentType) ? getService(strapi, 'permissions').readWhere(reader.ability, run.contentType) : null;
      const labels = scope
        ? await getService(strapi, 'selection').labels(run.contentType, entries.map((entry) => entry.documentId), scope, run.locale)
        : new Map<string, string>();
      return {
        entries: entries.map((entry) => ({ ...entry, label: labels.get(entry.documentId) ?? null })),
        failed: run.failed,
        skipped: run.skipped,
        truncated,
      };
    },

    /** The run, when this reader may see it; otherwise a 404 that says no more than "no such run". */
    async findVisible(reader: RunReader, id: number): Promise<Run> {
      const run = await getService(strapi, 'runs').findOne(id);
      if (run && this.mayRead(reader, run)) return run;
      throw new errors.NotFoundError(`No run ${id}`);
    },

    /**
     * The same rule as a where clause over the runs table, so pages and counts never include a run
     * the single-run route would hide. The pairs (content type, action) present in the table are
     * few (bounded by the registered actions), so they are read and judged one by one.
     */
    async visibleWhere(reader: RunReader): Promise<Where> {
      const own: Where = { userId: reader.user.id };
      if (!reader.ability.can(PLUGIN_PERMISSIONS.runsRead)) return own;
      const { tableName } = strapi.db.metadata.get(RUN_UID);
      const column = (name: string) => columnName(strapi, RUN_UID, name);
      const pairs: Array<Record<string, string>> = await strapi.db
        .connection(tableName)
        .distinct(`${column('contentType')} as contentType`, `${column('action')} as action`);
      const actionsByType = new Map<string, string[]>();
      for (const { contentType, action } of pairs) {
        if (!mayReadOthers(reader.ability, contentType, action)) continue;
        actionsByType.set(contentType, [...(actionsByType.get(contentType) ?? []), action]);
      }
      const others = [...actionsByType].map(([contentType, actions]) => ({ contentType, action: { $in: actions } }));
      return others.length ? { $or: [own, ...others] } : own;
    },
  };
};

export default createRunAccessService;
export type RunAccessService = ReturnType<typeof createRunAccessService>;
