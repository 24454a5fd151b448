import { z } from 'zod';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'interrupted', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunFailure {
  documentId: string;
  reason: string;
}

/** One run of an action, as the audit log keeps it. */
export interface Run {
  id: number;
  action: string;
  contentType: string;
  locale: string | null;
  userId: number | null;
  userName: string | null;
  selectionKind: 'documentIds' | 'query';
  total: number;
  /** entries dealt with so far (done, skipped or failed); equals total once finished */
  processed: number;
  succeeded: number;
  skipped: number;
  failed: number;
  skippedReasons: Record<string, number>;
  status: RunStatus;
  params: Record<string, unknown> | null;
  message: string | null;
  failures: RunFailure[];
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  idempotencyKey: string | null;
  /** a file the run produced (queued exports), downloadable by its owner from /runs/:id/download */
  download: { name: string; contentType: string } | null;
}

export interface RunResponse {
  data: { run: Run };
}

const positiveInt = (fallback: number, max: number) =>
  z.coerce.number({ invalid_type_error: 'must be a number' }).int().min(1).max(max).default(fallback);

export const listRunsQuerySchema = z
  .object({
    page: positiveInt(1, 1_000_000),
    pageSize: positiveInt(20, 100),
    contentType: z.string().min(1).max(200).optional(),
    action: z.string().min(1).max(100).optional(),
    status: z.enum(RUN_STATUSES).optional(),
    user: z.coerce.number().int().positive().optional(),
  })
  .strict();
export type ListRunsQuery = z.infer<typeof listRunsQuerySchema>;

export interface ListRunsResponse {
  data: Run[];
  meta: { pagination: { page: number; pageSize: number; pageCount: number; total: number } };
}

/** A content type's actions as the settings page lists them (enabled or not). */
export interface AvailableAction {
  name: string;
  label: string;
  description: string | null;
  destructive: boolean;
}
export interface AvailableActionsResponse {
  data: AvailableAction[];
}

export const runIdParamSchema = z.coerce.number({ invalid_type_error: 'must be a number' }).int().positive();
