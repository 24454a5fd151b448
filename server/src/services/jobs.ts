import fs from 'fs';
import os from 'os';
import { randomUUID } from 'crypto';
import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../contracts';
import { RUN_UID } from '../content-types';
import type { PluginConfig } from '../config';

const CLEANUP_EVERY_MS = 10 * 60 * 1000;

/**
 * The worker loop every instance runs. Jobs are claimed in the database: PostgreSQL rows are locked
 * with FOR UPDATE SKIP LOCKED; SQLite serialises writers. A claim carries a heartbeat; a job whose
 * heartbeat is stale (its worker died) is claimed again and resumes from its last committed chunk.
 */
const createJobsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const config = () => strapi.config.get(`plugin::${PLUGIN_ID}.jobs`) as PluginConfig['jobs'];
  const service = (name: string) => strapi.plugin(PLUGIN_ID).service(name);
  const table = () => strapi.db.metadata.get(RUN_UID).tableName;
  const col = (name: string) => (strapi.db.metadata.get(RUN_UID).attributes[name] as any).columnName ?? name;

  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let stopping = false;
  let lastCleanup = 0;

  /** Takes the oldest queued job, or a running one whose worker stopped beating. */
  const claim = async (): Promise<number | null> => {
    const knex = strapi.db.connection;
    const staleBefore = Date.now() - config().staleAfterMs;
    const candidate = knex(table())
      .select('id')
      .where(col('status'), 'queued')
      .orWhere((q: any) => q.where(col('status'), 'running').where(col('heartbeat'), '<', staleBefore))
      .orderBy('id')
      .limit(1);
    if (strapi.db.dialect.client === 'postgres') candidate.forUpdate().skipLocked();
    const rows = await knex(table())
      .whereIn('id', candidate)
      .update({ [col('status')]: 'running', [col('claimedBy')]: workerId, [col('heartbeat')]: Date.now() })
      .returning('id');
    const row = rows[0];
    return row === undefined ? null : Number(typeof row === 'object' ? row.id : row);
  };

  const work = async () => {
    for (let runId = await claim(); runId !== null && !stopping; runId = stopping ? null : await claim()) {
      try {
        await service('executor').execute(runId);
      } catch (error) {
        strapi.log.error(`bulk-actions: job ${runId} stopped: ${(error as Error).message}`);
      }
    }
  };

  const cleanupExports = async () => {
    if (Date.now() - lastCleanup < CLEANUP_EVERY_MS) return;
    lastCleanup = Date.now();
    const before = new Date(Date.now() - config().exportRetentionHours * 3600_000);
    const expired = await strapi.db.query(RUN_UID).findMany({
      select: ['id', 'outputPath'],
      where: { outputPath: { $notNull: true }, finishedAt: { $lt: before } },
    });
    for (const run of expired) {
      await fs.promises.rm(run.outputPath, { force: true });
      await strapi.db.query(RUN_UID).update({ where: { id: run.id }, data: { outputPath: null } });
    }
  };

  const tick = () => {
    if (current || stopping) return;
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
    workerId,

    /** Starts the loop (bootstrap), unless this instance is configured not to work jobs. */
    start() {
      if (!config().worker || timer) return;
      stopping = false;
      timer = setInterval(tick, config().pollIntervalMs);
      timer.unref?.();
    },

    /** Picks up a freshly queued job without waiting for the next poll. */
    wake() {
      if (timer) setImmediate(tick);
    },

    /** True while this instance is shutting down: runs stop between chunks and are left for others. */
    isStopping: () => stopping,

    /** Stops the loop (destroy): the job in hand pauses at its next chunk and is released to others. */
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = null;
      await current;
    },

    /** Gives a paused job back at once instead of waiting for its heartbeat to go stale. */
    async release(runId: number) {
      await strapi.db.connection(table())
        .where({ id: runId, [col('claimedBy')]: workerId })
        .update({ [col('claimedBy')]: null, [col('heartbeat')]: 0 });
    },
  };
};

export default createJobsService;
export type JobsService = ReturnType<typeof createJobsService>;
