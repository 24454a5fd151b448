import type { Core } from '@strapi/strapi';
import type { ListRunsQuery, Run, RunFailure, RunStatus } from '../contracts';
import { RUN_UID } from '../content-types';

/** At most this many failures are kept per run row. */
export const MAX_FAILURES = 1000;

const toIso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

/** A row of the audit log as the API shows it. */
export const toRun = (row: any): Run => ({
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
  status: row.status,
  params: row.params ?? null,
  message: row.message ?? null,
  failures: row.failures ?? [],
  startedAt: toIso(row.startedAt)!,
  finishedAt: toIso(row.finishedAt),
  durationMs: row.durationMs ?? null,
  idempotencyKey: row.idempotencyKey ?? null,
});

export interface RunStart {
  action: string;
  contentType: string;
  locale: string | null;
  userId: number;
  userName: string;
  selectionKind: 'documentIds' | 'query';
  total: number;
  params: Record<string, unknown> | null;
  idempotencyKey?: string | null;
}

export interface RunOutcome {
  status: RunStatus;
  succeeded: number;
  skipped: number;
  failed: number;
  skippedReasons: Record<string, number>;
  failures: RunFailure[];
  message: string | null;
}

/** The audit log: one row per run, written when it starts and completed when it ends. */
const createRunsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const query = () => strapi.db.query(RUN_UID);

  return {
    async start(run: RunStart): Promise<Run> {
      const row = await query().create({
        data: { ...run, status: 'running', startedAt: new Date(), processed: 0, succeeded: 0, skipped: 0, failed: 0, failures: [] },
      });
      return toRun(row);
    },

    async finish(run: Run, outcome: RunOutcome): Promise<Run> {
      const finishedAt = new Date();
      const row = await query().update({
        where: { id: run.id },
        data: {
          ...outcome,
          processed: outcome.succeeded + outcome.skipped + outcome.failed,
          failures: outcome.failures.slice(0, MAX_FAILURES),
          finishedAt,
          durationMs: finishedAt.getTime() - new Date(run.startedAt).getTime(),
        },
      });
      return toRun(row);
    },

    async findOne(id: number): Promise<Run | null> {
      const row = await query().findOne({ where: { id } });
      return row ? toRun(row) : null;
    },

    async findByIdempotencyKey(userId: number, idempotencyKey: string): Promise<Run | null> {
      const row = await query().findOne({ where: { userId, idempotencyKey } });
      return row ? toRun(row) : null;
    },

    async findPage({ page, pageSize, contentType, action, status, user }: ListRunsQuery) {
      const where: Record<string, unknown> = {};
      if (contentType) where.contentType = contentType;
      if (action) where.action = action;
      if (status) where.status = status;
      if (user) where.userId = user;
      const [rows, total] = await Promise.all([
        query().findMany({ where, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], offset: (page - 1) * pageSize, limit: pageSize }),
        query().count({ where }),
      ]);
      return {
        results: rows.map(toRun),
        pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total },
      };
    },
  };
};

export default createRunsService;
export type RunsService = ReturnType<typeof createRunsService>;
