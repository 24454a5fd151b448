import type { Core } from '@strapi/strapi';
import type { ListRunsQuery, Run, RunStatus, RunUndo, Selection } from '../../contracts';
import { RUN_UID } from '../../content-types';
import type { ActionOutput } from '../../types';
import { outputFileName } from './outputs';
import { getService } from '../../utils/services';
import { columnName, findModel } from '../../utils/models';

/**
 * The columns `toRun` reads. Never `request`: it holds the frozen selection (up to `maxSelection`
 * documentIds), which every progress poll would otherwise read and parse.
 */
const RUN_FIELDS = [
  'id', 'action', 'contentType', 'locale', 'userId', 'userName', 'selectionKind', 'total', 'processed', 'succeeded',
  'skipped', 'failed', 'skippedReasons', 'localeCounts', 'status', 'params', 'message', 'notes', 'failures', 'startedAt', 'runAt', 'finishedAt',
  'durationMs', 'idempotencyKey', 'outputPath', 'outputName', 'outputType', 'revertible', 'revertOf', 'revertedBy', 'undoPurgedAt',
] as const;

/**
 * A run row as the Query Engine returns the columns above (JSON columns already parsed, dates as
 * Date or ISO text depending on the database). Strapi types query results as `any`: this is where
 * they get a type, once.
 */
export interface RunRow {
  id: number;
  action: string;
  contentType: string;
  locale: string | null;
  userId: number | null;
  userName: string | null;
  selectionKind: Run['selectionKind'];
  total: number | null;
  processed: number | null;
  succeeded: number | null;
  skipped: number | null;
  failed: number | null;
  skippedReasons: Record<string, number> | null;
  localeCounts: Run['localeCounts'];
  status: RunStatus;
  params: Record<string, unknown> | null;
  message: string | null;
  notes: Run['notes'] | null;
  failures: Run['failures'] | null;
  startedAt: Date | string;
  runAt: Date | string | null;
  finishedAt: Date | string | null;
  durationMs: number | null;
  idempotencyKey: string | null;
  outputPath: string | null;
  outputName: string | null;
  outputType: string | null;
  revertible: boolean | number | null;
  revertOf: number | null;
  revertedBy: number | null;
  undoPurgedAt: Date | string | null;
}

/** RUN_FIELDS and RunRow name the same columns (a compile error otherwise). */
const sameColumns: [keyof RunRow] extends [(typeof RUN_FIELDS)[number]] ? ([(typeof RUN_FIELDS)[number]] extends [keyof RunRow] ? true : false) : false = true;
void sameColumns;

const toIso = (value: Date | string | null) => (value ? new Date(value).toISOString() : null);
const FINISHED: RunStatus[] = ['succeeded', 'partial', 'failed', 'interrupted', 'cancelled'];

const ACTIVE: RunStatus[] = ['scheduled', 'queued', 'running'];

/** Whether the run can be undone now, and why not (see RunUndo). */
const undoOf = (row: RunRow, retentionDays: number): RunUndo => {
  const finishedAt = row.finishedAt ? new Date(row.finishedAt).getTime() : null;
  const expiresAt = row.revertible && finishedAt !== null ? new Date(finishedAt + retentionDays * 86_400_000).toISOString() : null;
  const purgedAt = toIso(row.undoPurgedAt);
  const reason: RunUndo['reason'] = !row.revertible
    ? 'not-revertible'
    : ACTIVE.includes(row.status)
      ? 'not-finished'
      : row.revertedBy
        ? 'reverted'
        : purgedAt
          ? 'purged'
          : !row.succeeded
            ? 'nothing-changed'
            : null;
  return { available: reason === null, reason, expiresAt, purgedAt };
};

/** A row of the audit log as the API shows it; `retentionDays` (config undo.retentionDays) dates its undo. */
export const toRun = (row: RunRow, retentionDays = 30): Run => ({
  id: row.id,
  action: row.action,
  contentType: row.contentType,
  locale: row.locale ?? null,
  userId: row.userId ?? null,
  userName: row.userName ?? null,
  selectionKind: row.selectionKind,
  total: row.total ?? 0,
  processed: row.processed ?? 0,
  succeeded: row.succeeded ?? 0,
  skipped: row.skipped ?? 0,
  failed: row.failed ?? 0,
  skippedReasons: row.skippedReasons ?? {},
  localeCounts: row.localeCounts && Object.keys(row.localeCounts).length ? row.localeCounts : null,
  status: row.status,
  params: row.params ?? null,
  message: row.message ?? null,
  notes: row.notes ?? [],
  failures: row.failures ?? [],
  startedAt: toIso(row.startedAt)!,
  runAt: toIso(row.runAt),
  finishedAt: toIso(row.finishedAt),
  durationMs: row.durationMs ?? null,
  idempotencyKey: row.idempotencyKey ?? null,
  // a file lives in the database (outputs); a path is a file an older version wrote to a local disk
  download: row.outputName && !row.outputPath ? { name: row.outputName, contentType: row.outputType ?? 'application/octet-stream' } : null,
  undo: undoOf(row, retentionDays),
  revertOf: row.revertOf ?? null,
  revertedBy: row.revertedBy ?? null,
});

export interface RunStart {
  action: string;
  contentType: string;
  locale: string | null;
  userId: number;
  userName: string;
  selectionKind: 'documentIds' | 'query';
  total: number;
  /** audit copy (secrets redacted) */
  params: Record<string, unknown> | null;
  idempotencyKey?: string | null;
  /** skipped while resolving the selection (not-found, forbidden) */
  skippedReasons: Record<string, number>;
  /** the action records what it changes (its runs can be undone) */
  revertible?: boolean;
  /** a revert: the run it undoes */
  revertOf?: number | null;
  /** a scheduled run: when it starts */
  runAt?: Date | null;
}

/** What a worker needs to resume a run: kept on the row, not shown in the audit log. */
export interface JobState {
  params: Record<string, unknown> | null;
  selection: Selection;
  selectionSkipped: Record<string, number>;
  /** the file's name once a queued run started its file in the database */
  outputName: string | null;
  /** set only by older versions, which wrote the file to the local disk of one instance */
  outputPath: string | null;
  cancelRequested: boolean;
}

/** The audit log and job bookkeeping: one row per run. */
const createRunsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const query = () => strapi.db.query(RUN_UID);
  const retentionDays = () => (strapi.config.get(`plugin::bulk-actions.undo`) as { retentionDays: number }).retentionDays;
  const asRun = (row: RunRow) => toRun(row, retentionDays());
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

  return {
    /** A run that was stopped before any change (a signal interrupted it). */
    async recordInterrupted(run: RunStart, message: string): Promise<Run> {
      const now = new Date();
      const row = await query().create({
        data: {
          ...run, status: 'interrupted', message, startedAt: now, finishedAt: now, durationMs: 0,
          processed: 0, succeeded: 0, skipped: 0, failed: 0, skippedReasons: {}, failures: [],
        },
      });
      return asRun(row);
    },

    /** Creates the run row with its frozen selection, in one transaction: a run never exists without its chunks. */
    async create(
      run: RunStart,
      job: { status: 'scheduled' | 'queued' | 'running'; claimedBy: string | null; params: Record<string, unknown>; selection: Selection },
      permittedIds: string[],
      chunkSize: number,
      rowIds?: number[]
    ): Promise<Run> {
      return strapi.db.transaction(async () => {
        const skipped = sum(run.skippedReasons);
        const row = await query().create({
          data: {
            ...run,
            status: job.status,
            startedAt: new Date(),
            processed: skipped,
            succeeded: 0,
            skipped,
            failed: 0,
            failures: [],
            request: { params: job.params, selection: job.selection, selectionSkipped: run.skippedReasons },
            claimedBy: job.claimedBy,
            heartbeat: Date.now(),
            cancelRequested: false,
          },
        });
        await getService(strapi, 'chunks').freeze(row.id, permittedIds, chunkSize, rowIds);
        return asRun(row);
      });
    },

    async jobState(id: number): Promise<JobState> {
      const row = await query().findOne({ where: { id }, select: ['request', 'outputName', 'outputPath', 'cancelRequested'] });
      return {
        params: row?.request?.params ?? null,
        selection: row?.request?.selection ?? { documentIds: [] },
        selectionSkipped: row?.request?.selectionSkipped ?? {},
        outputName: row?.outputName ?? null,
        outputPath: row?.outputPath ?? null,
        cancelRequested: Boolean(row?.cancelRequested),
      };
    },

    /** Names the run's file (kept in the database, see outputs); the first worker to start it sets it. */
    async setOutput(id: number, output: ActionOutput) {
      const row = await query().findOne({ where: { id }, select: ['contentType'] });
      const model = findModel(strapi, row.contentType);
      const outputName = outputFileName(model, output.extension);
      await query().updateMany({
        where: { id, outputName: { $null: true } },
        data: { outputName, outputType: output.contentType, outputAssembly: output.assemble ?? 'text' },
      });
    },

    /** A scheduled run's time (run now); false when it is no longer scheduled. */
    async moveRunAt(id: number, runAt: Date): Promise<boolean> {
      const table = strapi.db.metadata.get(RUN_UID).tableName;
      const changed = await strapi.db.connection(table)
        .where({ id, [columnName(strapi, RUN_UID, 'status')]: 'scheduled' })
        .update({ [columnName(strapi, RUN_UID, 'runAt')]: runAt });
      return changed > 0;
    },

    /**
     * Asks a run to stop. A queued run is cancelled at once; a running one stops between chunks.
     * Returns the run as it stands (null when it does not exist).
     */
    async requestCancel(id: number): Promise<{ run: Run | null; cancelledNow: boolean }> {
      const cancelledNow = await strapi.db.connection(strapi.db.metadata.get(RUN_UID).tableName)
        .whereIn('status', ['queued', 'scheduled'])
        .where({ id })
        .update({ status: 'cancelled' })
        .then((n: number) => n > 0);
      if (!cancelledNow) await query().update({ where: { id, status: 'running' }, data: { cancelRequested: true } }).catch(() => undefined);
      return { run: await this.findOne(id), cancelledNow };
    },

    /**
     * Final status, once: returns null when another worker or request settled the run first. `decide`
     * gets the run's counts as they stand under the run row's lock (PostgreSQL): no chunk can be
     * counted between that read and the final status (chunks.process refuses a settled run).
     */
    async settle(id: number, decide: (counts: Run) => { status: RunStatus; message: string; notes: Run['notes'] }): Promise<Run | null> {
      return strapi.db.transaction(async ({ trx }) => {
        const table = strapi.db.metadata.get(RUN_UID).tableName;
        const col = (name: string) => columnName(strapi, RUN_UID, name);
        const lock = trx(table).where({ id }).first('id');
        await (strapi.db.dialect.client === 'postgres' ? lock.forUpdate() : lock);
        const current = await query().findOne({ where: { id }, select: ['status', 'startedAt', 'request', 'finishedAt'] });
        if (!current || current.finishedAt || (FINISHED.includes(current.status) && current.status !== 'cancelled')) return null;
        const counts = await this.findOne(id);
        const { status, message, notes } = decide(counts!);
        const finishedAt = new Date();
        // the status check in the WHERE makes "first to settle" atomic across processes
        const changed = await trx(table)
          .where({ id })
          .whereIn(col('status'), ['queued', 'running', 'cancelled'])
          .whereNull(col('finishedAt'))
          .update({ [col('status')]: status, [col('message')]: message, [col('claimedBy')]: null });
        if (!changed) return null;
        await query().update({
          where: { id },
          data: {
            finishedAt,
            notes,
            durationMs: finishedAt.getTime() - new Date(current.startedAt).getTime(),
            // parameters are kept for a worker only while the run can resume
            request: { ...current.request, params: null },
          },
        });
        return this.findOne(id);
      });
    },

    /** Claims the undo of a run (revertedBy -1 while the revert starts); false when another undo has it. */
    async markReverting(id: number): Promise<boolean> {
      const { count } = await query().updateMany({ where: { id, revertedBy: { $null: true } }, data: { revertedBy: -1 } });
      return count > 0;
    },

    /** The revert that undid the run (null: the revert did not start, the run can be undone again). */
    async markReverted(id: number, revertRunId: number | null) {
      await query().update({ where: { id }, data: { revertedBy: revertRunId } });
    },

    async findOne(id: number): Promise<Run | null> {
      const row = await query().findOne({ where: { id }, select: RUN_FIELDS });
      return row ? asRun(row) : null;
    },

    async findByIdempotencyKey(userId: number, idempotencyKey: string): Promise<Run | null> {
      const row = await query().findOne({ where: { userId, idempotencyKey }, select: RUN_FIELDS });
      return row ? asRun(row) : null;
    },

    /** A page of the audit log; `visible` (from the run-access service) limits it to what the reader may see. */
    async findPage({ page, pageSize, contentType, action, status, user }: ListRunsQuery, visible: Record<string, unknown>) {
      const filters: Record<string, unknown>[] = [visible];
      if (contentType) filters.push({ contentType });
      if (action) filters.push({ action });
      if (status) filters.push({ status });
      if (user) filters.push({ userId: user });
      const where = { $and: filters };
      const [rows, total] = await Promise.all([
        query().findMany({ where, select: RUN_FIELDS, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], offset: (page - 1) * pageSize, limit: pageSize }),
        query().count({ where }),
      ]);
      return {
        results: rows.map(asRun),
        pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total },
      };
    },
  };
};

export default createRunsService;
export type RunsService = ReturnType<typeof createRunsService>;
