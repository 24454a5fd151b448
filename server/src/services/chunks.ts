import type { Core } from '@strapi/strapi';
import type { RunFailure } from '../contracts';
import { RUN_CHUNK_UID, RUN_UID } from '../content-types';
import { MAX_FAILURES } from './runs';
import { chunk } from './selection';

/** What happened to one entry of a chunk; entries without an outcome are done when the chunk completes. */
export type EntryOutcome = { done: true } | { skipped: string } | { failed: string };
export type Outcomes = Record<string, EntryOutcome>;

export interface ChunkRow {
  id: number;
  runId: number;
  position: number;
  documentIds: string[];
  status: 'pending' | 'done';
  outcomes: Outcomes | null;
}

/** Entries per chunk: one UPDATE per chunk in query mode, one transaction per entry in documents mode. */
export const CHUNK_SIZE = { query: 500, documents: 50 } as const;

type Knex = Core.Strapi['db']['connection'];

/**
 * The frozen selection of a run, stored as ordered chunks of documentIds. A chunk is completed in the
 * same transaction as its changes and the run's counters, so after a crash the run continues from its
 * last committed chunk: nothing is applied twice, nothing skipped.
 */
const createChunksService = ({ strapi }: { strapi: Core.Strapi }) => {
  const chunks = () => strapi.db.query(RUN_CHUNK_UID);
  const isPostgres = () => strapi.db.dialect.client === 'postgres';
  const table = (uid: string) => strapi.db.metadata.get(uid).tableName;
  const column = (uid: string, attribute: string) => (strapi.db.metadata.get(uid).attributes[attribute] as any).columnName ?? attribute;

  const tally = (row: ChunkRow, outcomes: Outcomes) => {
    const skippedReasons: Record<string, number> = {};
    const failures: RunFailure[] = [];
    for (const [documentId, outcome] of Object.entries(outcomes)) {
      if ('skipped' in outcome) skippedReasons[outcome.skipped] = (skippedReasons[outcome.skipped] ?? 0) + 1;
      else if ('failed' in outcome) failures.push({ documentId, reason: outcome.failed });
    }
    const skipped = Object.values(skippedReasons).reduce((a, b) => a + b, 0);
    return { skippedReasons, failures, skipped, succeeded: row.documentIds.length - skipped - failures.length };
  };

  return {
    /** Writes the selection; call inside the transaction that creates the run. */
    async freeze(runId: number, documentIds: string[], size: number) {
      const rows = chunk(documentIds, size).map((ids, position) => ({
        runId, position, documentIds: ids, status: 'pending', outcomes: {}, succeeded: 0, skipped: 0, failed: 0,
      }));
      for (const batch of chunk(rows, 50)) await chunks().createMany({ data: batch });
    },

    async nextPending(runId: number, after = -1): Promise<ChunkRow | null> {
      return chunks().findOne({
        where: { runId, status: 'pending', position: { $gt: after } },
        orderBy: { position: 'asc' },
      }) as Promise<ChunkRow | null>;
    },

    /** Every entry of a run that failed, in selection order (not capped like the run's failure list). */
    async failedDocumentIds(runId: number): Promise<string[]> {
      const rows = await chunks().findMany({ where: { runId, failed: { $gt: 0 } }, select: ['outcomes'], orderBy: { position: 'asc' } });
      return rows.flatMap((row: { outcomes: Outcomes | null }) =>
        Object.entries(row.outcomes ?? {})
          .filter(([, outcome]) => 'failed' in outcome)
          .map(([documentId]) => documentId)
      );
    },

    /** Byte length of the output committed so far (exports resume from there). */
    async committedOutputOffset(runId: number): Promise<number> {
      const last = await chunks().findOne({
        where: { runId, status: 'done', outputOffset: { $notNull: true } },
        orderBy: { position: 'desc' },
      });
      return last ? Number(last.outputOffset) : 0;
    },

    /**
     * Records entry outcomes of a chunk still in progress (documents mode, one entry at a time): one
     * plain UPDATE, inside the entry's transaction when `trx` is given.
     */
    async saveOutcomes(chunkId: number, outcomes: Outcomes, trx: Knex = strapi.db.connection) {
      await trx(table(RUN_CHUNK_UID))
        .where({ id: chunkId })
        .update({ [column(RUN_CHUNK_UID, 'outcomes')]: JSON.stringify(outcomes) });
    },

    /**
     * Runs `work` for a chunk in one transaction that also completes the chunk and adds its counts to
     * the run. The chunk row is locked first (PostgreSQL), so if two workers ever hold the same chunk,
     * the second finds it done and applies nothing. Returns false in that case.
     */
    async process(
      runId: number,
      row: ChunkRow,
      work: (trx: Knex) => Promise<{ outcomes: Outcomes; outputOffset?: number | null }>
    ): Promise<boolean> {
      return strapi.db.transaction(async ({ trx }) => {
        const lock = trx(table(RUN_CHUNK_UID)).where({ id: row.id }).first(column(RUN_CHUNK_UID, 'status'));
        const current = await (isPostgres() ? lock.forUpdate() : lock);
        if (!current || current[column(RUN_CHUNK_UID, 'status')] !== 'pending') return false;

        const { outcomes, outputOffset = null } = await work(trx);
        const counts = tally(row, outcomes);
        // one plain UPDATE (the Query Engine's update would read the row, with its documentIds, twice)
        const chunkCol = (attribute: string) => column(RUN_CHUNK_UID, attribute);
        await trx(table(RUN_CHUNK_UID))
          .where({ id: row.id })
          .update({
            [chunkCol('status')]: 'done',
            [chunkCol('outcomes')]: JSON.stringify(outcomes),
            [chunkCol('succeeded')]: counts.succeeded,
            [chunkCol('skipped')]: counts.skipped,
            [chunkCol('failed')]: counts.failures.length,
            [chunkCol('outputOffset')]: outputOffset,
            [chunkCol('updatedAt')]: new Date(),
          });

        // counters by increments; the JSON columns by read-modify-write under the run row's lock, only
        // when this chunk has something to add to them
        const runs = table(RUN_UID);
        const col = (attribute: string) => column(RUN_UID, attribute);
        const plus = (attribute: string, n: number) => trx.raw('?? + ?', [col(attribute), n]);
        const lists: Record<string, string> = {};
        if (counts.skipped > 0 || counts.failures.length > 0) {
          const read = trx(runs).where({ id: runId }).first(col('skippedReasons'), col('failures'));
          const run = await (isPostgres() ? read.forUpdate() : read);
          const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
          const reasons: Record<string, number> = { ...(parse(run?.[col('skippedReasons')]) ?? {}) };
          for (const [reason, n] of Object.entries(counts.skippedReasons)) reasons[reason] = (reasons[reason] ?? 0) + n;
          const failures = [...((parse(run?.[col('failures')]) as RunFailure[] | null) ?? []), ...counts.failures].slice(0, MAX_FAILURES);
          lists[col('skippedReasons')] = JSON.stringify(reasons);
          lists[col('failures')] = JSON.stringify(failures);
        }
        await trx(runs)
          .where({ id: runId })
          .update({
            [col('processed')]: plus('processed', row.documentIds.length),
            [col('succeeded')]: plus('succeeded', counts.succeeded),
            [col('skipped')]: plus('skipped', counts.skipped),
            [col('failed')]: plus('failed', counts.failures.length),
            ...lists,
            [col('heartbeat')]: Date.now(),
          });
        return true;
      });
    },
  };
};

export default createChunksService;
export type ChunksService = ReturnType<typeof createChunksService>;
