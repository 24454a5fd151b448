import type { Core } from '@strapi/strapi';
import { SKIP_REASONS, runMessageId } from '../../contracts';
import { getService } from '../../utils/services';
import type { UserAbility } from '../access/permissions';

/** Due scheduled runs started per worker tick (the next tick takes the rest). */
const STARTED_PER_TICK = 10;

/**
 * Scheduled runs: the selection was frozen at confirm time; when the time comes, whichever
 * instance's worker sees the run first starts it, exactly once (see queue.startScheduled), after
 * checking the user's permissions again per record. Entries no longer permitted (or gone) are left
 * out of the chunks and counted as skipped, in the same transaction; the run is then queued like any
 * other and every instance's worker helps with it. A run whose action is no longer enabled for its
 * content type fails without changing anything.
 */
const createScheduleService = ({ strapi }: { strapi: Core.Strapi }) => {
  const queue = () => getService(strapi, 'chunks').queue;

  /** The run's user as RBAC sees them now; null when they no longer exist or are blocked. */
  const abilityOf = async (userId: number | null): Promise<UserAbility | null> => {
    if (!userId) return null;
    const user = await strapi.db.query('admin::user').findOne({ where: { id: userId }, populate: ['roles'] });
    if (!user || user.blocked || user.isActive === false) return null;
    return strapi.service('admin::permission').engine.generateUserAbility(user);
  };

  /** Starts one due run; false when another instance started it (or it was cancelled) first. */
  const start = async (runId: number): Promise<boolean> =>
    strapi.db.transaction(async ({ trx }) => {
      if (!(await queue().startScheduled(trx, runId, new Date()))) return false;
      const run = await getService(strapi, 'runs').findOne(runId);
      if (!run) return false;
      const chunks = await queue().pendingChunksIn(trx, runId);
      const frozen = chunks.flatMap((chunk) => chunk.documentIds);
      const definition = getService(strapi, 'actions').get(run.contentType, run.action);
      if (!definition || !(await getService(strapi, 'settings').isEnabled(run.contentType, run.action))) {
        // disabled (or removed) since it was scheduled: settled here, in the transaction that took
        // it, so no worker can pick the queued run up first; its chunks close without any change
        for (const chunk of chunks) await queue().narrowChunk(trx, chunk.id, []);
        const note = {
          level: 'error' as const,
          text: `The action "${run.action}" is no longer enabled for ${run.contentType}`,
          id: runMessageId('scheduled.disabled'),
          values: { action: run.action, contentType: run.contentType },
        };
        await getService(strapi, 'executor').settle(run, { messages: [note], status: 'failed' });
        return true;
      }
      const ability = await abilityOf(run.userId);
      let permitted = new Set<string>();
      let skipped: Record<string, number> = {};
      if (ability && !getService(strapi, 'permissions').missingPermission(ability, run.contentType, definition)) {
        const selection = await getService(strapi, 'selection').resolve({
          ability, uid: run.contentType, definition, selection: { documentIds: frozen }, locale: run.locale,
        });
        permitted = new Set(selection.permittedIds);
        skipped = selection.skipped;
      } else if (frozen.length) {
        skipped = { [SKIP_REASONS.forbidden]: frozen.length };
      }
      const left = frozen.length - permitted.size;
      if (!left) return true;
      for (const chunk of chunks) {
        const kept = chunk.documentIds.filter((id) => permitted.has(id));
        if (kept.length !== chunk.documentIds.length) await queue().narrowChunk(trx, chunk.id, kept);
      }
      await queue().addToRun(trx, runId, { entries: left, succeeded: 0, skipped: left, failed: 0, skippedReasons: skipped, failures: [], localeCounts: {} });
      return true;
    });

  return {
    /** Starts the scheduled runs that are due; returns how many this instance started. */
    async startDue(): Promise<number> {
      let started = 0;
      for (const runId of await queue().dueRuns(new Date(), STARTED_PER_TICK)) {
        try {
          if (await start(runId)) started += 1;
        } catch (error) {
          strapi.log.error(`bulk-actions: scheduled run ${runId} could not start: ${(error as Error).message}`);
        }
      }
      return started;
    },
  };
};

export default createScheduleService;
export type ScheduleService = ReturnType<typeof createScheduleService>;
