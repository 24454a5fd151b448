import type { Core } from '@strapi/strapi';
import type { RunFailure } from '../../contracts';
import type { PluginConfig } from '../../config';
import { CHUNK_GROUP, MAX_FAILURES } from '../../constants';
import { chunk, rangeOf } from '../../utils/arrays';
import { yieldToEventLoop } from '../../utils/event-loop';
import { addCountsByKey, addLocaleCounts, createQueue, outcomeOf, type ChunkCounts, type ChunkRow, type Knex, type Outcomes } from './queue';

export type { ChunkRow, EntryOutcome, Outcomes } from './queue';

/** Thrown inside an entry's transaction when another worker took the chunk over: the entry rolls back. */
export class ChunkLost extends Error {
  constructor() {
    super('Another worker took the chunk over');
    this.name = 'ChunkLost';
  }
}

/** The run finished (settled) while this chunk was in hand: its transaction rolls back. */
class RunSettled extends Error {}

/** How many chunks one call of a query-mode handler takes: `size` now, at most `max` (see processBatch). */
export interface ChunkGroup {
  size: number;
  max: number;
}

/**
 * The next group's size from the last one's: as many chunks as fit in CHUNK_GROUP.forMs at the pace
 * just measured, at most twice as many as before (one slow group of a run that sped up costs little),
 * at least one. The event loop waits for a whole group, so the bound also keeps its lag low.
 */
export const nextGroupSize = (group: ChunkGroup, chunks: number, ms: number) => {
  const fit = Math.floor(CHUNK_GROUP.forMs / Math.max(ms / chunks, 0.01));
  return Math.max(1, Math.min(group.max, chunks * 2, fit));
};

/** A chunk's own outcomes out of its group's (entries of other chunks left out). */
const outcomesOfChunk = (row: ChunkRow, outcomes: Outcomes): Outcomes => {
  const own: Outcomes = {};
  if (!Object.keys(outcomes).length) return own;
  for (const documentId of row.documentIds) {
    const outcome = outcomeOf(outcomes, documentId);
    if (outcome) own[documentId] = outcome;
  }
  return own;
};

/**
 * The frozen selection of a run, stored as ordered chunks of documentIds. Every worker of every
 * instance claims chunks of the same run; a chunk is completed in the same transaction as its changes,
 * its part of the run's file and the run's counters, so after a crash the run continues from its
 * committed chunks: nothing is applied twice, nothing skipped. The SQL is in ./queue.
 */
const createChunksService = ({ strapi }: { strapi: Core.Strapi }) => {
  const queue = createQueue(strapi, { maxFailures: MAX_FAILURES });
  const staleBefore = () =>
    Date.now() - (strapi.config.get('plugin::bulk-actions.jobs') as PluginConfig['jobs']).staleAfterMs;

  const tally = (row: ChunkRow, outcomes: Outcomes): ChunkCounts => {
    // every entry done (an export's chunks, most edits'): looking 500 fresh ids up in an empty object cost 0.3 ms a chunk
    if (!Object.keys(outcomes).length) {
      const entries = row.documentIds.length;
      return { entries, succeeded: entries, skipped: 0, failed: 0, skippedReasons: {}, failures: [], localeCounts: {} };
    }
    const skippedReasons: Record<string, number> = {};
    const failures: RunFailure[] = [];
    const localeCounts: Record<string, Record<string, number>> = {};
    // in the chunk's selection order, not the outcomes' key order (PostgreSQL's jsonb sorts keys)
    for (const documentId of row.documentIds) {
      if (!Object.hasOwn(outcomes, documentId)) continue;
      const outcome = outcomes[documentId];
      if ('skipped' in outcome) skippedReasons[outcome.skipped] = (skippedReasons[outcome.skipped] ?? 0) + 1;
      else if ('failed' in outcome) failures.push({ documentId, reason: outcome.failed });
      for (const [locale, what] of Object.entries(outcome.locales ?? {})) {
        const tally = (localeCounts[locale] ??= {});
        tally[what] = (tally[what] ?? 0) + 1;
      }
    }
    const skipped = Object.values(skippedReasons).reduce((a, b) => a + b, 0);
    return {
      entries: row.documentIds.length,
      succeeded: row.documentIds.length - skipped - failures.length,
      skipped,
      failed: failures.length,
      skippedReasons,
      failures,
      localeCounts,
    };
  };

  const addCounts = (total: ChunkCounts, counts: ChunkCounts) => {
    total.entries += counts.entries;
    total.succeeded += counts.succeeded;
    total.skipped += counts.skipped;
    total.failed += counts.failed;
    addCountsByKey(total.skippedReasons, counts.skippedReasons);
    total.failures.push(...counts.failures);
    addLocaleCounts(total.localeCounts, counts.localeCounts);
  };

  return {
    queue,
    staleBefore,

    /**
     * Writes the selection; call inside the transaction that creates the run. `rowIds` (beside
     * `documentIds`, when the selection was read in the run's scope): each chunk keeps the range of
     * its rows' ids, for handlers that read a chunk by id range.
     */
    async freeze(runId: number, documentIds: string[], size: number, rowIds?: number[]) {
      await queue.insertChunks(runId, chunk(documentIds, size), rowIds ? chunk(rowIds, size).map(rangeOf) : []);
    },

    /** The next chunk for this worker (see queue.claimChunk), or null when none is left to claim. */
    claim(runId: number, workerId: string): Promise<ChunkRow | null> {
      return queue.claimChunk(runId, workerId, staleBefore());
    },

    release(runId: number, workerId: string) {
      return queue.releaseChunks(runId, workerId);
    },

    /** Every entry of a run that failed, in selection order (not capped like the run's failure list). */
    /** Entries a run did: in its done chunks, neither skipped nor failed. */
    async succeededDocumentIds(runId: number): Promise<string[]> {
      const done = await queue.doneEntries(runId);
      return done.flatMap(({ documentIds, outcomes }) =>
        documentIds.filter((documentId) => {
          const outcome = Object.hasOwn(outcomes, documentId) ? outcomes[documentId] : undefined;
          return !outcome || 'done' in outcome;
        })
      );
    },

    async failedDocumentIds(runId: number): Promise<string[]> {
      // in selection order: a retry takes the failed entries in the order the run met them
      const chunksWithFailures = await queue.failedOutcomes(runId);
      return chunksWithFailures.flatMap(({ documentIds, outcomes }) =>
        documentIds.filter((documentId) => Object.hasOwn(outcomes, documentId) && 'failed' in outcomes[documentId])
      );
    },

    /** The first `limit` entries a run skipped or failed, in selection order, with the reason. */
    async notDone(runId: number, limit: number) {
      const entries: Array<{ documentId: string; outcome: 'failed' | 'skipped'; reason: string }> = [];
      let truncated = false;
      // in the chunk's selection order: a JSON object's key order is not kept (PostgreSQL's jsonb sorts keys)
      for (const { documentIds, outcomes } of await queue.notDoneEntries(runId)) {
        for (const documentId of documentIds) {
          if (!Object.hasOwn(outcomes, documentId)) continue;
          const outcome = outcomes[documentId];
          const entry =
            'failed' in outcome ? { documentId, outcome: 'failed' as const, reason: outcome.failed }
            : 'skipped' in outcome ? { documentId, outcome: 'skipped' as const, reason: outcome.skipped }
            : null;
          if (!entry) continue;
          if (entries.length === limit) truncated = true;
          else entries.push(entry);
        }
      }
      return { entries, truncated };
    },

    /**
     * Records entry outcomes of a chunk still in progress (documents mode, one entry at a time), inside
     * the entry's transaction when `trx` is given. Throws ChunkLost when the chunk is no longer ours.
     */
    async saveOutcomes(chunkId: number, workerId: string, outcomes: Outcomes, trx: Knex = strapi.db.connection) {
      if (!(await queue.saveOutcomes(trx, chunkId, workerId, outcomes))) throw new ChunkLost();
    },

    /**
     * Runs `work` for a claimed chunk in one transaction that also completes the chunk and adds its
     * counts to the run. Returns false, having applied nothing, when the chunk is no longer this
     * worker's (done, or taken over) or the run was settled meanwhile.
     */
    async process(runId: number, row: ChunkRow, workerId: string, work: (trx: Knex) => Promise<Outcomes>): Promise<boolean> {
      return (await this.processBatch(runId, row, workerId, (trx) => work(trx))).length > 0;
    },

    /**
     * Works a claimed chunk, then, in the same transaction, claims and works the run's next ones
     * while the transaction is younger than `forMs` (at most `maxChunks`): one commit and one update
     * of the run's counters for them all, where a commit costs as much as the work of a chunk
     * (SQLite syncs its file on each). Each chunk is still completed with its own outcomes, so a
     * crash resumes at a chunk boundary as before, and a transaction that fails leaves every chunk
     * of it pending. The time bound keeps row locks short; a turn of the event loop between groups
     * lets requests be read meanwhile (their queries wait for the commit on SQLite).
     *
     * `group`: `work` takes several consecutive chunks at once (up to `group.max`) while they are
     * quick, sized by how long the last group took (see nextGroupSize): a statement per chunk costs
     * about as much as its rows, so fewer, larger statements make the run faster; the size is carried
     * from one call to the next in `group.size`. Returns the chunks completed (none: the first was no
     * longer ours, or the run was settled meanwhile).
     */
    async processBatch(
      runId: number, first: ChunkRow, workerId: string, work: (trx: Knex, rows: ChunkRow[]) => Promise<Outcomes>,
      { forMs = 0, maxChunks = 1, group = { size: 1, max: 1 } }: { forMs?: number; maxChunks?: number; group?: ChunkGroup } = {}
    ): Promise<ChunkRow[]> {
      const started = Date.now();
      try {
        return await strapi.db.transaction(async ({ trx }) => {
          if (!(await queue.lockOwnChunk(trx, first.id, workerId))) return [];
          const done: ChunkRow[] = [];
          const total: ChunkCounts = { entries: 0, succeeded: 0, skipped: 0, failed: 0, skippedReasons: {}, failures: [], localeCounts: {} };
          // the claims lock the next chunks in this transaction (done ones are no longer claimable, ones in hand are left out)
          const claimNext = (inHand: ChunkRow[]) => queue.claimChunk(runId, workerId, staleBefore(), trx, inHand.map((row) => row.id));
          for (let rows: ChunkRow[] = [first]; rows.length; ) {
            for (let next; rows.length < Math.min(group.size, maxChunks - done.length) && (next = await claimNext(rows)); ) rows.push(next);
            const groupStarted = performance.now();
            const outcomes = await work(trx, rows);
            for (const row of rows) {
              const own = rows.length === 1 ? outcomes : outcomesOfChunk(row, outcomes);
              const counts = tally(row, own);
              await queue.completeChunk(trx, row.id, own, counts);
              addCounts(total, counts);
              done.push(row);
            }
            group.size = nextGroupSize(group, rows.length, performance.now() - groupStarted);
            const next = done.length < maxChunks && Date.now() - started < forMs ? await claimNext([]) : null;
            rows = next ? [next] : [];
            if (next) await yieldToEventLoop();
          }
          if (!(await queue.addToRun(trx, runId, total))) throw new RunSettled();
          return done;
        });
      } catch (error) {
        if (error instanceof RunSettled) return [];
        throw error;
      }
    },
  };
};

export default createChunksService;
export type ChunksService = ReturnType<typeof createChunksService>;
