import type { ActionMessages } from './actions';

export const RUN_STATUSES = ['scheduled', 'queued', 'running', 'succeeded', 'partial', 'failed', 'interrupted', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * A sentence a run's handler wrote (run.message): `text` in English, as the audit log's `message`
 * keeps it; `id` and `values` let the admin say it in the editor's language (a react-intl message id
 * of the plugin's or the project's translations, with ICU plurals on the values).
 */
export interface RunNote {
  level: 'info' | 'warning' | 'error';
  text: string;
  id?: string;
  values?: Record<string, string | number>;
}

/** Per locale code, counts by outcome (`done`, or a skip reason such as `forbidden`). */
export type LocaleCounts = Record<string, Record<string, number>>;

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
  /**
   * Runs over every locale (the built-ins' `allLocales`): per locale, how many of its versions were
   * done or skipped and why (e.g. `{ en: { done: 3 }, fr: { done: 2, forbidden: 1 } }`); null otherwise.
   */
  localeCounts: LocaleCounts | null;
  status: RunStatus;
  params: Record<string, unknown> | null;
  /** every sentence of the run in English, then the counts: for the audit log's readers and webhooks */
  message: string | null;
  /** the handler's sentences and the error that stopped the run, for the admin to translate */
  notes: RunNote[];
  failures: RunFailure[];
  startedAt: string;
  /** a scheduled run: when a worker starts it (the selection was frozen at `startedAt`, the confirm) */
  runAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  idempotencyKey: string | null;
  /** a file the run produced (queued exports), downloadable by its owner from /runs/:id/download */
  download: { name: string; contentType: string } | null;
  /** whether this run can be undone (POST /runs/:id/revert), and why not */
  undo: RunUndo;
  /** the run this one undid (action `revert`) */
  revertOf: number | null;
  /** the run that undid this one */
  revertedBy: number | null;
}

/**
 * `available`: POST /runs/:id/revert would start. Otherwise `reason`: `not-revertible` (the action
 * records nothing to undo), `not-finished`, `reverted` (already undone by `revertedBy`), `purged`
 * (the records were kept `undo.retentionDays` and removed at `purgedAt`), `nothing-changed`.
 */
export interface RunUndo {
  available: boolean;
  reason: 'not-revertible' | 'not-finished' | 'reverted' | 'purged' | 'nothing-changed' | null;
  /** until when the records are kept (finished revertible runs) */
  expiresAt: string | null;
  purgedAt: string | null;
}

export interface RunResponse {
  data: { run: Run };
}

/** GET /runs/:id/entries: the entries a run skipped or failed, with their main field, in selection order. */
export interface RunEntry {
  documentId: string;
  outcome: 'failed' | 'skipped';
  /** the skip reason (a code such as `forbidden`) or the failure's message */
  reason: string;
  /** the entry's main field; null when the reader may not read it or the entry is gone */
  label: string | null;
}
export interface RunEntriesResponse {
  data: { entries: RunEntry[]; failed: number; skipped: number; truncated: boolean };
}
/** How many entries GET /runs/:id/entries lists at most (the failures CSV holds every failure). */
export const RUN_ENTRIES_LIMIT = 100;

/** GET /runs: a page of the audit log, optionally narrowed. */
export interface ListRunsQuery {
  page: number;
  pageSize: number;
  contentType?: string;
  action?: string;
  status?: RunStatus;
  user?: number;
}

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
  /** the English texts of the action's own skip reasons, by code */
  reasons: Record<string, string>;
  /** translation ids of the label, description and reasons */
  messages: ActionMessages;
}
export interface AvailableActionsResponse {
  data: AvailableAction[];
}
