/**
 * Every statement of the job queue in one place: which run a worker joins, chunk claims and their
 * heartbeats, chunk completion with the run's counters, and a run file's parts. The services that
 * call these (jobs, chunks, executor, outputs) hold the logic; this module holds the locks.
 *
 * Several instances share one database. On PostgreSQL a chunk is claimed with FOR UPDATE SKIP LOCKED,
 * so workers never wait for each other and never take the same chunk; SQLite has one process and
 * serialises writers. Exactly-once comes from completing a chunk (its changes, its file part, its
 * counters) in one transaction that first re-checks, under the chunk row's lock, that the chunk is
 * still pending and still ours.
 */
import type { Core } from '@strapi/strapi';
import { RUN_CHUNK_UID, RUN_OUTPUT_PART_UID, RUN_UID } from '../../content-types';
import type { RunFailure } from '../../contracts';
import type { RowRange } from '../../types';
import { columnName } from '../../utils/models';

export type Knex = Core.Strapi['db']['connection'];

/**
 * What happened to one entry of a chunk; entries without an outcome are done when the chunk completes.
 * `locales`: a run over every locale says what happened to each locale version (`done` or a skip reason).
 */
export type EntryOutcome = ({ done: true } | { skipped: string } | { failed: string }) & { locales?: Record<string, string> };
export type Outcomes = Record<string, EntryOutcome>;
/** An entry's outcome, own properties only: a documentId such as `constructor` names no outcome. */
export const outcomeOf = (outcomes: Outcomes, documentId: string): EntryOutcome | undefined =>
  Object.hasOwn(outcomes, documentId) ? outcomes[documentId] : undefined;

export interface ChunkRow {
  id: number;
  runId: number;
  position: number;
  documentIds: string[];
  /** the ids of these entries' rows in the run's scope lay in this range when the selection was frozen (a hint: rows can move) */
  rowRange: RowRange | null;
  status: 'pending' | 'done';
  outcomes: Outcomes | null;
  claimedBy: string | null;
}

export interface ChunkCounts {
  entries: number;
  succeeded: number;
  skipped: number;
  failed: number;
  skippedReasons: Record<string, number>;
  failures: RunFailure[];
  /** per locale, versions by outcome (runs over every locale) */
  localeCounts: Record<string, Record<string, number>>;
}

/** The header of a run's file sits before every chunk's part. */
export const HEADER_POSITION = -1;

const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

/** Adds counts by key (skip reasons, outcomes) into `into`. */
export const addCountsByKey = (into: Record<string, number>, more: Record<string, number>) => {
  for (const [key, n] of Object.entries(more)) into[key] = (into[key] ?? 0) + n;
  return into;
};

/** Adds counts by locale, then by outcome, into `into`. */
export const addLocaleCounts = (into: Record<string, Record<string, number>>, more: Record<string, Record<string, number>>) => {
  for (const [locale, outcomes] of Object.entries(more)) into[locale] = addCountsByKey({ ...(into[locale] ?? {}) }, outcomes);
  return into;
};

export function createQueue(strapi: Core.Strapi, { maxFailures }: { maxFailures: number }) {
  const knex = () => strapi.db.connection;
  const isPostgres = () => strapi.db.dialect.client === 'postgres';
  const table = (uid: string) => strapi.db.metadata.get(uid as any).tableName;
  const column = (uid: string, attribute: string) => columnName(strapi, uid, attribute);
  const runs = () => table(RUN_UID);
  const chunks = () => table(RUN_CHUNK_UID);
  const parts = () => table(RUN_OUTPUT_PART_UID);
  const r = (attribute: string) => column(RUN_UID, attribute);
  const c = (attribute: string) => column(RUN_CHUNK_UID, attribute);
  const p = (attribute: string) => column(RUN_OUTPUT_PART_UID, attribute);

  const toChunk = (raw: any): ChunkRow => ({
    id: Number(raw.id),
    runId: Number(raw[c('runId')]),
    position: Number(raw[c('position')]),
    documentIds: parse(raw[c('documentIds')]) ?? [],
    rowRange: raw[c('firstRowId')] === null || raw[c('firstRowId')] === undefined ? null : { first: Number(raw[c('firstRowId')]), last: Number(raw[c('lastRowId')]) },
    status: raw[c('status')],
    outcomes: parse(raw[c('outcomes')]) ?? {},
    claimedBy: raw[c('claimedBy')] ?? null,
  });
  const CHUNK_COLUMNS = () => ['id', ...['runId', 'position', 'documentIds', 'firstRowId', 'lastRowId', 'status', 'outcomes', 'claimedBy'].map(c)];

  /** A run's chunks matching `which`, in selection order: their entries and outcomes (read only). */
  const entriesOf = async (runId: number, which: (where: any) => any): Promise<Array<{ documentIds: string[]; outcomes: Outcomes }>> => {
    const rows = await knex()(chunks()).where({ [c('runId')]: runId }).where(which).orderBy(c('position')).select(c('documentIds'), c('outcomes'));
    return rows.map((row: any) => ({ documentIds: parse(row[c('documentIds')]) ?? [], outcomes: parse(row[c('outcomes')]) ?? {} }));
  };

  /** A pending chunk nobody works: unclaimed, ours already, or claimed by a worker whose heartbeat went stale. */
  const claimable = (q: any, workerId: string, staleBefore: number, prefix = '') =>
    q
      .where(`${prefix}${c('status')}`, 'pending')
      .where((w: any) =>
        w
          .whereNull(`${prefix}${c('claimedBy')}`)
          .orWhere(`${prefix}${c('claimedBy')}`, workerId)
          .orWhere(`${prefix}${c('heartbeat')}`, '<', staleBefore)
      );

  return {
    // ---------------------------------------------------------------- runs a worker joins

    /**
     * The oldest run this worker can help with, or null. No lock: several workers may join one run,
     * the chunk claims below keep them apart. A run is skipped while an instance holds it exclusively
     * (an inline run inside a request, `claimedBy` set and beating). It is picked when it has a chunk
     * to claim and is not being cancelled, or when no worker holds any of its chunks (all done but
     * not settled, or cancelled: the run needs settling by someone).
     */
    async nextRun(workerId: string, staleBefore: number, exclude: number[]): Promise<number | null> {
      const db = knex();
      const chunksOfRun = (q: any) =>
        q.select(db.raw('1')).from({ k: chunks() }).whereRaw('?? = ??', [`k.${c('runId')}`, 'r.id']).where(`k.${c('status')}`, 'pending');
      const row = await db({ r: runs() })
        .first('r.id')
        .whereIn(`r.${r('status')}`, ['queued', 'running'])
        .where((w: any) => w.whereNull(`r.${r('claimedBy')}`).orWhere(`r.${r('heartbeat')}`, '<', staleBefore))
        .whereNotIn('r.id', exclude)
        .where((w: any) =>
          w
            .where((open: any) =>
              open
                .where((n: any) => n.whereNull(`r.${r('cancelRequested')}`).orWhere(`r.${r('cancelRequested')}`, false))
                .whereExists(function (this: any) {
                  claimable(chunksOfRun(this), workerId, staleBefore, 'k.');
                })
            )
            .orWhereNotExists(function (this: any) {
              chunksOfRun(this).whereNotNull(`k.${c('claimedBy')}`).where(`k.${c('heartbeat')}`, '>=', staleBefore);
            })
        )
        .orderBy('r.id');
      return row ? Number(row.id) : null;
    },

    /**
     * Marks a run running and shared by every worker. The WHERE repeats the conditions, so an
     * exclusive holder that beat in the meantime keeps its run, and a run cancelled while queued is
     * not started (one UPDATE: whoever changes the row first wins).
     */
    async joinRun(runId: number, staleBefore: number): Promise<boolean> {
      const changed = await knex()(runs())
        .where({ id: runId })
        .whereIn(r('status'), ['queued', 'running'])
        .where((w: any) => w.whereNull(r('claimedBy')).orWhere(r('heartbeat'), '<', staleBefore))
        .update({ [r('status')]: 'running', [r('claimedBy')]: null });
      return changed > 0;
    },

    /** Gives an exclusive run back at once (shutdown) instead of waiting for its heartbeat to go stale. */
    async releaseRun(runId: number, workerId: string) {
      await knex()(runs())
        .where({ id: runId, [r('claimedBy')]: workerId })
        .update({ [r('claimedBy')]: null, [r('heartbeat')]: 0 });
    },

    /**
     * The heartbeat of what this worker holds: the run when it holds it exclusively, and its pending
     * chunk claims. Both UPDATEs only touch rows carrying this worker's id, so a worker that was taken
     * over cannot revive its claim.
     */
    async beat(runId: number, workerId: string) {
      const now = Date.now();
      await knex()(runs()).where({ id: runId, [r('claimedBy')]: workerId }).update({ [r('heartbeat')]: now });
      await knex()(chunks())
        .where({ [c('runId')]: runId, [c('claimedBy')]: workerId, [c('status')]: 'pending' })
        .update({ [c('heartbeat')]: now });
    },

    /** Between chunks: cancelled? still exclusive to whom? still open? */
    async control(runId: number): Promise<{ cancelRequested: boolean; claimedBy: string | null; open: boolean }> {
      const row = await knex()(runs()).where({ id: runId }).first(r('cancelRequested'), r('claimedBy'), r('status'), r('finishedAt'));
      return {
        cancelRequested: Boolean(row?.[r('cancelRequested')]),
        claimedBy: row?.[r('claimedBy')] ?? null,
        open: Boolean(row) && ['queued', 'running'].includes(row[r('status')]) && !row[r('finishedAt')],
      };
    },

    // ---------------------------------------------------------------- scheduled runs

    /** Scheduled runs whose time has come, oldest first (read without locks: startScheduled decides). */
    async dueRuns(now: Date, limit: number): Promise<number[]> {
      const rows = await knex()(runs()).select('id').where(r('status'), 'scheduled').where(r('runAt'), '<=', now).orderBy(r('runAt')).limit(limit);
      return rows.map((row: { id: number }) => Number(row.id));
    },

    /**
     * First statement of starting a scheduled run, in the transaction that re-checks its entries:
     * the status test in the WHERE lets exactly one instance take it (the row stays locked until
     * commit on PostgreSQL; SQLite serialises writers). False: another instance took it, or it was
     * cancelled or is not due.
     */
    async startScheduled(trx: Knex, runId: number, now: Date): Promise<boolean> {
      const changed = await trx(runs())
        .where({ id: runId, [r('status')]: 'scheduled' })
        .where(r('runAt'), '<=', now)
        .update({ [r('status')]: 'queued', [r('heartbeat')]: Date.now() });
      return changed > 0;
    },

    /** The pending chunks of a run, in the transaction that starts it. */
    async pendingChunksIn(trx: Knex, runId: number): Promise<ChunkRow[]> {
      const rows = await trx(chunks()).select(CHUNK_COLUMNS()).where({ [c('runId')]: runId, [c('status')]: 'pending' }).orderBy(c('position'));
      return rows.map(toChunk);
    },

    /** Keeps only these entries in a pending chunk; a chunk left empty is done (nothing to work). */
    async narrowChunk(trx: Knex, chunkId: number, documentIds: string[]) {
      await trx(chunks())
        .where({ id: chunkId })
        .update({
          [c('documentIds')]: JSON.stringify(documentIds),
          ...(documentIds.length ? {} : { [c('status')]: 'done', [c('updatedAt')]: new Date() }),
        });
    },

    // ---------------------------------------------------------------- chunks

    /** Writes a run's frozen selection; inside the transaction that creates the run (the Query Engine joins it). */
    async insertChunks(runId: number, documentIdChunks: string[][], rowRanges: Array<RowRange | null> = []) {
      const rows = documentIdChunks.map((ids, position) => ({
        runId, position, documentIds: ids, firstRowId: rowRanges[position]?.first ?? null, lastRowId: rowRanges[position]?.last ?? null,
        status: 'pending', outcomes: {}, succeeded: 0, skipped: 0, failed: 0,
      }));
      for (let i = 0; i < rows.length; i += 50) await strapi.db.query(RUN_CHUNK_UID).createMany({ data: rows.slice(i, i + 50) });
    },

    /**
     * Claims the first claimable chunk of a run for this worker, and only that one. PostgreSQL: the
     * inner SELECT locks the row it picks and skips rows other workers are claiming this instant
     * (SKIP LOCKED), then re-checks the conditions on the row's latest version; the outer UPDATE
     * repeats them. Two workers therefore never leave with the same chunk, unless one of them went
     * stale. Inside a chunk's transaction (`db`), the claim commits or rolls back with the chunk.
     *
     * `id = (SELECT ...)`, not `id IN (SELECT ...)`: an uncorrelated scalar subquery is an InitPlan,
     * run once per statement. An IN may be planned as a nested-loop semi join that runs the
     * subquery again for every row of the outer scan; each run skips the rows this statement has
     * already updated and locks the next one, so a single UPDATE claimed every pending chunk of the
     * run (the plan PostgreSQL picks, for one, while the chunks table has no statistics yet) and the
     * other instances' workers found nothing left to claim.
     */
    async claimChunk(runId: number, workerId: string, staleBefore: number, db: Knex = knex(), inHand: number[] = []): Promise<ChunkRow | null> {
      // `inHand`: chunks this worker claimed in the same transaction and has not completed yet (a group)
      const pick = claimable(db(chunks()).select('id').where(c('runId'), runId), workerId, staleBefore).whereNotIn('id', inHand).orderBy(c('position')).limit(1);
      if (isPostgres()) pick.forUpdate().skipLocked();
      const rows = await claimable(db(chunks()).where('id', pick), workerId, staleBefore)
        .update({ [c('claimedBy')]: workerId, [c('heartbeat')]: Date.now() })
        .returning(CHUNK_COLUMNS());
      return rows[0] ? toChunk(rows[0]) : null;
    },

    /** Lets go of this worker's pending chunks (shutdown, cancel) so others need not wait for staleness. */
    async releaseChunks(runId: number, workerId: string) {
      await knex()(chunks())
        .where({ [c('runId')]: runId, [c('claimedBy')]: workerId, [c('status')]: 'pending' })
        .update({ [c('claimedBy')]: null, [c('heartbeat')]: 0 });
    },

    /**
     * First statement of a chunk's completion transaction: locks the chunk row (PostgreSQL) and says
     * whether it is still pending and ours. A worker that lost its claim (it went stale and was taken
     * over) or finds the chunk done applies nothing.
     */
    async lockOwnChunk(trx: Knex, chunkId: number, workerId: string): Promise<boolean> {
      const lock = trx(chunks()).where({ id: chunkId }).first(c('status'), c('claimedBy'));
      const row = await (isPostgres() ? lock.forUpdate() : lock);
      return Boolean(row) && row[c('status')] === 'pending' && row[c('claimedBy')] === workerId;
    },

    /** Marks the chunk done with its outcomes, under the lock taken by lockOwnChunk. The claim stays recorded. */
    async completeChunk(trx: Knex, chunkId: number, outcomes: Outcomes, counts: ChunkCounts) {
      await trx(chunks())
        .where({ id: chunkId })
        .update({
          [c('status')]: 'done',
          [c('outcomes')]: JSON.stringify(outcomes),
          [c('succeeded')]: counts.succeeded,
          [c('skipped')]: counts.skipped,
          [c('failed')]: counts.failed,
          [c('updatedAt')]: new Date(),
        });
    },

    /**
     * Adds a chunk's counts to its run, in the chunk's transaction: counters as increments in SQL
     * (never read-modify-write), the JSON lists under the run row's lock (FOR UPDATE), only when the
     * chunk has something to add. Refuses (false) once the run is settled, so a chunk can never be
     * counted after the run's final status and message were written: the caller rolls back.
     */
    async addToRun(trx: Knex, runId: number, counts: ChunkCounts): Promise<boolean> {
      const plus = (attribute: string, n: number) => trx.raw('?? + ?', [r(attribute), n]);
      const lists: Record<string, string> = {};
      const perLocale = Object.keys(counts.localeCounts).length > 0;
      if (counts.skipped > 0 || counts.failed > 0 || perLocale) {
        const read = trx(runs()).where({ id: runId }).first(r('skippedReasons'), r('failures'), r('localeCounts'));
        const run = await (isPostgres() ? read.forUpdate() : read);
        const reasons = addCountsByKey({ ...(parse(run?.[r('skippedReasons')]) ?? {}) }, counts.skippedReasons);
        const failures = [...((parse(run?.[r('failures')]) as RunFailure[] | null) ?? []), ...counts.failures].slice(0, maxFailures);
        lists[r('skippedReasons')] = JSON.stringify(reasons);
        lists[r('failures')] = JSON.stringify(failures);
        if (perLocale) {
          const byLocale = addLocaleCounts({ ...(parse(run?.[r('localeCounts')]) ?? {}) }, counts.localeCounts);
          lists[r('localeCounts')] = JSON.stringify(byLocale);
        }
      }
      const changed = await trx(runs())
        .where({ id: runId })
        .whereNull(r('finishedAt'))
        .update({
          [r('processed')]: plus('processed', counts.entries),
          [r('succeeded')]: plus('succeeded', counts.succeeded),
          [r('skipped')]: plus('skipped', counts.skipped),
          [r('failed')]: plus('failed', counts.failed),
          ...lists,
          [r('heartbeat')]: Date.now(),
        });
      return changed > 0;
    },

    /**
     * Entry outcomes of a chunk in progress (documents mode), in the transaction of their entries:
     * only while the chunk is still claimed by this worker, so entries of a chunk taken over by
     * another worker roll back instead of being applied twice. The UPDATE locks the chunk row until commit.
     */
    async saveOutcomes(trx: Knex, chunkId: number, workerId: string, outcomes: Outcomes): Promise<boolean> {
      const changed = await trx(chunks())
        .where({ id: chunkId, [c('claimedBy')]: workerId, [c('status')]: 'pending' })
        .update({ [c('outcomes')]: JSON.stringify(outcomes) });
      return changed > 0;
    },

    /** Chunks of a run not done yet (settle when there are none). */
    async pendingChunks(runId: number): Promise<number> {
      const row = await knex()(chunks()).where({ [c('runId')]: runId, [c('status')]: 'pending' }).count({ n: '*' }).first();
      return Number(row?.n ?? 0);
    },

    /** Pending chunks some live worker holds (a cancelled run is settled by the last one to let go). */
    async liveClaims(runId: number, staleBefore: number): Promise<number> {
      const row = await knex()(chunks())
        .where({ [c('runId')]: runId, [c('status')]: 'pending' })
        .whereNotNull(c('claimedBy'))
        .where(c('heartbeat'), '>=', staleBefore)
        .count({ n: '*' })
        .first();
      return Number(row?.n ?? 0);
    },

    async doneChunks(runId: number): Promise<number> {
      const row = await knex()(chunks()).where({ [c('runId')]: runId, [c('status')]: 'done' }).count({ n: '*' }).first();
      return Number(row?.n ?? 0);
    },

    /** The entries of a run's done chunks with their outcomes, in selection order. */
    doneEntries: (runId: number) => entriesOf(runId, (where) => where.where(c('status'), 'done')),

    /** The chunks of a run with a failed entry: their entries (in selection order) and outcomes. */
    failedOutcomes: (runId: number) => entriesOf(runId, (where) => where.where(c('failed'), '>', 0)),

    /** The chunks of a run with a skipped or failed entry: their entries (in selection order) and outcomes. */
    notDoneEntries: (runId: number) => entriesOf(runId, (where) => where.where(c('failed'), '>', 0).orWhere(c('skipped'), '>', 0)),

    // ---------------------------------------------------------------- a run's file, in parts

    /**
     * The file's header, once per run: every worker that joins an export asks for it, the run row's
     * lock (PostgreSQL) makes them take turns, and the first one inserts it.
     */
    async writeHeaderOnce(runId: number, text: string) {
      await strapi.db.transaction(async ({ trx }) => {
        const lock = trx(runs()).where({ id: runId }).first('id');
        await (isPostgres() ? lock.forUpdate() : lock);
        const exists = await trx(parts()).where({ [p('runId')]: runId, [p('position')]: HEADER_POSITION }).first('id');
        if (!exists) await trx(parts()).insert({ [p('runId')]: runId, [p('position')]: HEADER_POSITION, [p('content')]: text });
      });
    },

    /** A chunk's part of the file, in the chunk's completion transaction: both commit or neither. */
    async writePart(trx: Knex, runId: number, position: number, text: string) {
      await trx(parts()).insert({ [p('runId')]: runId, [p('position')]: position, [p('content')]: text });
    },

    /** The next parts of a run's file in position order (keyset paging: the caller keeps the last position). */
    async readParts(runId: number, afterPosition: number, limit: number): Promise<Array<{ position: number; content: string }>> {
      const rows = await knex()(parts())
        .where(p('runId'), runId)
        .where(p('position'), '>', afterPosition)
        .orderBy(p('position'))
        .limit(limit)
        .select(p('position'), p('content'));
      return rows.map((row: any) => ({ position: Number(row[p('position')]), content: row[p('content')] ?? '' }));
    },

    /**
     * Retention: drops the files of these (expired) runs. The run rows are locked with SKIP LOCKED
     * (PostgreSQL), so when several instances purge at once each run is purged by one of them and
     * the others skip it; parts and the run's download go in one transaction. Returns how many runs
     * this call purged and their legacy file paths (files written by older versions) to remove.
     */
    async purgeOutputs(runIds: number[]): Promise<{ purged: number; legacyFiles: string[] }> {
      if (!runIds.length) return { purged: 0, legacyFiles: [] };
      return strapi.db.transaction(async ({ trx }) => {
        const pick = trx(runs()).whereIn('id', runIds).whereNotNull(r('outputName')).select('id', r('outputPath'));
        const locked = await (isPostgres() ? pick.forUpdate().skipLocked() : pick);
        if (!locked.length) return { purged: 0, legacyFiles: [] };
        const ids = locked.map((row: any) => row.id);
        await trx(parts()).whereIn(p('runId'), ids).delete();
        await trx(runs()).whereIn('id', ids).update({ [r('outputName')]: null, [r('outputPath')]: null });
        return { purged: ids.length, legacyFiles: locked.map((row: any) => row[r('outputPath')]).filter(Boolean) };
      });
    },

    /** Indexes the workers' lookups use (constant SQL, no input); bootstrap, tolerant of a concurrent boot. */
    async ensureIndexes() {
      const db = knex();
      const indexes: Array<[string, string, string[]]> = [
        [chunks(), `${chunks()}_run_status_position`, [c('runId'), c('status'), c('position')]],
        [parts(), `${parts()}_run_position`, [p('runId'), p('position')]],
      ];
      for (const [tableName, name, columns] of indexes) {
        if (!(await db.schema.hasTable(tableName))) continue;
        try {
          await db.raw(`CREATE INDEX IF NOT EXISTS ?? ON ?? (${columns.map(() => '??').join(', ')})`, [name, tableName, ...columns]);
        } catch (error) {
          // another instance created it at the same moment
          strapi.log.debug(`bulk-actions: index ${name}: ${(error as Error).message}`);
        }
      }
    },
  };
}

export type Queue = ReturnType<typeof createQueue>;
