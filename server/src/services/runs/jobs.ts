import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../../contracts';
import type { PluginConfig } from '../../config';
import { getService } from '../../utils/services';

const CLEANUP_EVERY_MS = 10 * 60 * 1000;

/**
 * The worker loop every instance runs. Work is claimed in the database a chunk at a time (see
 * ./queue): every instance's worker joins the same queued run and claims its chunks, PostgreSQL rows
 * locked with FOR UPDATE SKIP LOCKED, SQLite serialising writers. A claim carries a heartbeat; a
 * chunk whose heartbeat is stale (its worker died) is claimed again by another worker.
 */
const createJobsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const worker = () => getService(strapi, 'worker');
  const config = () => strapi.config.get(`plugin::${PLUGIN_ID}.jobs`) as PluginConfig['jobs'];
  const queue = () => getService(strapi, 'chunks').queue;
  const staleBefore = () => Date.now() - config().staleAfterMs;

  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let lastCleanup = 0;

  /** Joins every run it can help with, oldest first; each run once per tick (the next poll comes back). */
  const work = async () => {
    // scheduled runs that are due become queued runs first (one instance starts each)
    await getService(strapi, 'schedule').startDue();
    const tried: number[] = [];
    while (!worker().isStopping()) {
      const runId: number | null = await queue().nextRun(worker().id, staleBefore(), tried);
      if (runId === null) return;
      tried.push(runId);
      if (!(await queue().joinRun(runId, staleBefore()))) continue;
      try {
        await getService(strapi, 'executor').execute(runId, { shared: true });
      } catch (error) {
        strapi.log.error(`bulk-actions: job ${runId} stopped: ${(error as Error).message}`);
      }
    }
  };

  const cleanupExports = async () => {
    if (Date.now() - lastCleanup < CLEANUP_EVERY_MS) return;
    lastCleanup = Date.now();
    await getService(strapi, 'outputs').purgeExpired(config().exportRetentionHours);
    const undo = strapi.config.get(`plugin::${PLUGIN_ID}.undo`) as PluginConfig['undo'];
    await getService(strapi, 'undo').purgeExpired(undo.retentionDays);
    await getService(strapi, 'uploads').purgeExpired();
  };

  const tick = () => {
    if (current || worker().isStopping()) return;
    current = (async () => {
      try {
        await work();
        await cleanupExports();
      } catch (error) {
        strapi.log.error(`bulk-actions: worker error: ${(error as Error).message}`);
      } finally {
        current = null;
      }
    })();
  };

  return {
    /** Starts the loop (bootstrap), unless this instance is configured not to work jobs. */
    start() {
      if (!config().worker || timer) return;
      worker().setStopping(false);
      timer = setInterval(tick, config().pollIntervalMs);
      timer.unref?.();
    },

    /** Picks up a freshly queued job without waiting for the next poll. */
    wake() {
      if (timer) setImmediate(tick);
    },

    /** Stops the loop (destroy): the run in hand pauses at its next chunk, its claims released to others. */
    async stop() {
      worker().setStopping(true);
      if (timer) clearInterval(timer);
      timer = null;
      await current;
    },

  };
};

export default createJobsService;
export type JobsService = ReturnType<typeof createJobsService>;
