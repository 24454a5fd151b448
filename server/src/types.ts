/**
 * The developer's API: what `register()` accepts and what a handler receives.
 * Import these types from 'strapi-plugin-bulk-actions/strapi-server'.
 */
import type { Core, Schema, UID } from '@strapi/strapi';
import type { ActionMessages, ActionMode, ConfirmOptions, FormFieldDefinition, PlannedField, Run, RunFailure, Selection } from './contracts';

export type BuiltInPermission = 'read' | 'create' | 'update' | 'delete' | 'publish';

export interface RunUser {
  id: number;
  email?: string;
  displayName: string;
}

/** Everything a handler may use. One context per run; `params` are already validated. */
export interface RunContext<Params extends Record<string, unknown> = Record<string, any>> {
  uid: UID.ContentType;
  /** the locale acted on; null for content types without i18n */
  locale: string | null;
  user: RunUser;
  params: Params;
  /** entries the run may act on (the frozen, permitted selection) */
  count: number;
  /**
   * Query mode: one set-based UPDATE of every entry of the selection (their draft rows in this
   * locale), chunked, in one transaction, with updatedAt/updatedBy set. Non-localized attributes are
   * written to every locale of those documents. Resolves to the number of documents changed.
   */
  updateAll(data: Record<string, unknown>): Promise<number>;
  /**
   * Documents mode: calls `fn` for each entry of the selection, loaded through the Document Service
   * chunk by chunk. An exception marks that entry failed with its message; the run goes on.
   */
  eachDocument(
    fn: (document: Record<string, any> & { documentId: string; locales?: string[] }) => Promise<void> | void,
    /**
     * `load: false` hands `fn` only `{ documentId }` (for work that needs no fields, e.g. publish).
     * `locales: true` (localized content types): `fn` also gets `locales`, the document's locale
     * versions the user may act on now (see `localeAccess`); the others are counted `forbidden` per
     * locale. `fn` reports each locale with `countLocale`; undo records the locales counted `done`.
     * An entry with no locale done is skipped (for the reason a locale gave).
     * `sideBySide: n`: up to n entries of a transaction are worked at once (Promise-wise, in that one
     * transaction), for `fn`s that do not depend on each other's order or state; as always, an entry
     * that throws rolls its group back and the group's entries are worked again one per transaction.
     * `publishes: true`: `fn` only publishes the document (its draft stays as it is); undo then reads
     * only the documents that had a published version (the others' undo unpublishes them).
     */
    options?: { concurrency?: number; populate?: unknown; load?: boolean; locales?: boolean; sideBySide?: number; publishes?: boolean }
  ): Promise<void>;
  /**
   * Localized content types: each document's locale versions and whether the run's user may act on
   * each with the action's permissions (or these), RBAC conditions evaluated on that locale's row as
   * they stand now (i18n's locale conditions included).
   */
  localeAccess(
    documentIds: string[],
    options?: {
      permissions?: string[];
      /** versions that no longer exist, per document and locale, as an entry to re-create: checked with `create` too */
      recorded?: Map<string, Record<string, Record<string, unknown>>>;
    }
  ): Promise<Map<string, Array<{ locale: string; permitted: boolean }>>>;
  /**
   * Runs over several locales: what happened to one locale version of an entry of the chunk being
   * processed (`done`, or a skip reason). The run's `localeCounts` add them up per locale.
   */
  countLocale(documentId: string, locale: string, outcome: string): void;
  /**
   * The selection's documentIds, chunk by chunk (500 at a time), for handlers that read or write in
   * their own way. Each chunk runs in a transaction: write through `strapi.db.query()` (joins it on
   * its own) or raw knex with `.transacting(tools.trx)`. `maxEntries` (at most 4,000) lets a call
   * take several consecutive chunks while calls stay quick (about 40 ms): fewer, larger statements.
   */
  eachChunk(fn: (documentIds: string[], tools: ChunkTools) => Promise<void> | void, options?: { maxEntries?: number }): Promise<void>;
  /** Actions with `output`: the file's first line(s), written once (not again when a run resumes). */
  writeHeader(text: string): Promise<void>;
  /** Leave an entry out of the counts of done work, with a reason shown to the editor. */
  skip(documentId: string, reason: string): void;
  /** Mark an entry failed without throwing. */
  fail(documentId: string, reason: string): void;
  /**
   * A sentence for the editor's notification and the audit log: English text, or `{ text, id, values }`
   * where `id` is a message of the admin's translations (yours, registered in your admin app) that
   * the admin formats with `values` in the editor's language, `text` being the English version.
   */
  message(text: string | RunMessage, level?: 'info' | 'warning' | 'error'): void;
  /** Aborted when the run is cancelled; long handlers should check it between steps. */
  signal: AbortSignal;
  strapi: Core.Strapi;
}

/** A translatable sentence of a run (see RunContext.message). */
export interface RunMessage {
  text: string;
  id: string;
  values?: Record<string, string | number>;
}

/** The first and last id of a chunk's rows (see ChunkTools.rowRange). */
export interface RowRange {
  first: number;
  last: number;
}

/** Given to each `eachChunk` callback. */
export interface ChunkTools {
  /** the chunk's knex transaction, for raw queries */
  trx: Core.Strapi['db']['connection'];
  /** Actions with `output`: text appended to the file when the chunk commits. */
  write(text: string): void;
  /**
   * When the selection was frozen, the ids of these entries' rows in the run's scope lay between
   * `first` and `last` (null when not known). A hint for reading the chunk by id range: rows can
   * be recreated under another id since, so a read restricted to it must look up the entries it
   * did not find there.
   */
  rowRange: RowRange | null;
  /**
   * Revertible actions (`revertible: true`): record what the chunk changes, in its transaction,
   * before changing it. Absent otherwise.
   */
  undo?: ChunkUndo;
}

/** What an `eachChunk` handler records so its runs can be undone. */
export interface ChunkUndo {
  /** Before the change: the current values of these attributes of the rows `where` (a Query Engine where) matches. */
  columns(where: Record<string, unknown>, attributes: string[]): Promise<void>;
  /**
   * After the change: the values written to the rows recorded with `columns` (what "changed since"
   * compares with). `sameForEveryRow`: every recorded row now holds the same values of these
   * attributes and the stamp (constants written to all of them): one shared record says so, once per
   * chunk position (a position recorded that way already must not be given it again).
   */
  written(attributes: string[], options?: { sameForEveryRow?: boolean }): Promise<void>;
  /**
   * The change and its record at once, for a change that is one UPDATE of these rows (`data`:
   * columns → values as the database takes them, or knex expressions), recording `attributes` before
   * and after. Cheaper than `columns`, the UPDATE and `written`: one statement on PostgreSQL; on
   * SQLite, constant values are recorded once for the chunk instead of once per row.
   */
  update(rowIds: number[], data: Record<string, unknown>, attributes: string[]): Promise<void>;
  /**
   * The same for the rows a condition picks (`where(prefix)`: a knex raw condition, column names after
   * `prefix`), e.g. only rows whose value differs: resolves to the documentIds of the rows written.
   */
  updateWhere(where: (prefix: string) => ReturnType<Core.Strapi['db']['connection']['raw']>, data: Record<string, unknown>, attributes: string[]): Promise<string[]>;
  /**
   * Before the change (with `columns` for the same rows, which says whether an entry changed since):
   * these rows' links in these relations, kept in a join table, with their order on both sides;
   * undo puts exactly those back. Not for relations whose targets have one source (oneToOne,
   * oneToMany): linking one unlinks it from another row, which this does not record.
   */
  links(rowIds: number[], relations: string[]): Promise<void>;
  /** After the change: the links those rows now have (undo skips an entry whose links differ since, as changed-since). */
  linksWritten(relations: string[]): Promise<void>;
  /**
   * Before the change: these documents' drafts in the run's locale (every field, relations, media,
   * components). Call what it returns after the change: it records the rows as the change left them.
   */
  drafts(documentIds: string[]): Promise<() => Promise<void>>;
}

/** One line of the full dry run: an entry's outcome, one line per changed field. */
export interface ReportLine {
  key: string;
  outcome: string;
  field?: string;
  before?: unknown;
  after?: unknown;
  message?: string;
}

/**
 * Given to an action's `preview` hook: the run it would be, reading only. What it reports becomes the
 * preview's plan; nothing it does is committed (each chunk's transaction is rolled back).
 */
export interface PreviewContext<Params extends Record<string, unknown> = Record<string, any>> {
  uid: UID.ContentType;
  locale: string | null;
  user: RunUser;
  params: Params;
  /** entries the run may act on */
  count: number;
  /** the selection's documentIds chunk by chunk (larger chunks than a run's: reads are cheap) */
  eachChunk(fn: (documentIds: string[], tools: Pick<ChunkTools, 'trx' | 'rowRange'>) => Promise<void> | void, options?: { maxEntries?: number }): Promise<void>;
  /** an entry the run would leave alone, and why (e.g. `unchanged`), with a message for the report (row, column, value) */
  skip(documentId: string, reason: string, message?: string): void;
  /** what the run would write to an entry; the preview keeps the first ones as its sample */
  change(documentId: string, fields: PlannedField[]): void;
  /** whether `change()` still keeps what it is given (the sample is full): skip computing before/after when not */
  wantsChanges(): boolean;
  /** a count of the action's own, shown with the plan (e.g. rows of a file that match no entry) */
  tally(code: string, n?: number): void;
  /**
   * A line of the full report (the downloadable dry run) about something that is not an entry of
   * the selection, e.g. a file row whose key names no selected entry; ignored by the preview itself.
   */
  reportLine(key: string, outcome: string, message?: string): void;
  /**
   * A param the confirmed run should take from this plan when the editor left it empty (e.g. the
   * time of a dry run, so entries changed after it are skipped): the admin sends it with the run.
   */
  carry(name: keyof Params & string, value: unknown): void;
  strapi: Core.Strapi;
}

/** A file the action produces (exports): streamed to the editor, or kept for download when queued. */
export interface ActionOutput {
  contentType: string;
  /** file name extension, e.g. 'csv'; the name is `<plural name>-<date>.<extension>` */
  extension: string;
  /**
   * How the header and the chunks' text become the file (default `text`):
   * - `text`: as written, one after the other (CSV, any line format);
   * - `json-array`: each chunk writes JSON values, one per line; the file is one array of them all;
   * - `xlsx`: the header is `{"columns":[{"name","type"}]}` (type string, number, boolean, date or
   *   datetime), each chunk writes rows as JSON arrays, one per line; the file is a workbook.
   */
  assemble?: 'text' | 'json-array' | 'xlsx';
}

export interface ValidateContext {
  uid: UID.ContentType;
  model: Schema.ContentType;
  /** may the user use this attribute for this CM action (field-level permission)? */
  canUseField: (field: string, action: 'read' | 'update') => boolean;
  /** the user confirming or previewing */
  user: { id: number };
  strapi: Core.Strapi;
}

export interface BulkActionDefinition<Params extends Record<string, unknown> = Record<string, any>> {
  /** kebab-case, unique per content type */
  name: string;
  label: string;
  description?: string;
  /** content-type uids, or '*' for every collection type */
  contentTypes: UID.ContentType[] | string[] | '*';
  /** the built-in words map to the Content Manager's permissions; other words become RBAC actions of this plugin */
  permissions: Array<BuiltInPermission | (string & {})>;
  form?: Record<string, FormFieldDefinition>;
  confirm?: ConfirmOptions;
  /**
   * Translation ids of the label, description and confirm text (`label`, `description` and
   * `confirm.message` are their English versions); add the messages to your admin app's translations.
   */
  messages?: ActionMessages;
  /**
   * What the action's own skip reasons mean, by code (`run.skip(id, 'already-sent')` →
   * `{ 'already-sent': 'the newsletter was sent already' }`): the editor reads the text, never the code.
   */
  reasons?: Record<string, string>;
  mode: ActionMode;
  /** the action produces a file (see ActionOutput); its runs answer with the file. A function picks it from the validated params. */
  output?: ActionOutput | ((params: Params) => ActionOutput);
  /**
   * Its runs can be undone (POST /runs/:id/revert). What the run changes is recorded in the
   * transaction of the change: `updateAll` keeps the previous column values of the rows it writes,
   * `eachDocument` keeps each document's versions (every field, relations as documentIds) before `fn`.
   * Changes made another way (eachChunk, raw SQL) are not recorded: leave this off for them.
   */
  revertible?: boolean;
  /**
   * Undoes a run of this action your own way (instead of, or without, `revertible` recording): called
   * by the undo run over the entries the run did (succeeded), checked against this action's
   * permissions per record, with the original run's params (as the audit log keeps them: fields
   * marked `secret` are redacted) and its audit row as `run.original`.
   * Do the work through a pass (updateAll, eachDocument, eachChunk), as in a handler.
   */
  revert?: (run: RunContext<Params> & { original: Run }) => Promise<void> | void;
  /**
   * What a run with these params would do, entry by entry, without changing anything: the preview
   * shows how many entries would change, which are left alone and why, and before → after for the
   * first ones. The run should skip the same entries for the same reasons.
   */
  preview?: (run: PreviewContext<Params>) => Promise<void> | void;
  /** optional narrowing, e.g. draft & publish content types only */
  supports?: (model: Schema.ContentType) => boolean;
  /** optional cross-field validation after the form's own; throw a ValidationError (from @strapi/utils) to refuse */
  validate?: (params: Params, context: ValidateContext) => void | Promise<void>;
  /**
   * Does the work. A run that is queued, or resumed after a restart, calls it again: do the work
   * through the passes (updateAll, eachDocument, eachChunk), which skip what is already committed.
   */
  handler: (run: RunContext<Params>) => Promise<void> | void;
}

export type SignalEvent = 'requested' | 'start' | 'end';

export interface SignalPayload {
  event: SignalEvent;
  action: string;
  contentType: string;
  locale: string | null;
  user: RunUser;
  selection: Selection;
  /** entries requested / actionable after permission checks */
  total: number;
  actionable: number;
  skipped: Record<string, number>;
  params?: Record<string, unknown>;
  /** `end`: the finished run row (`start` fires before the row exists, so an interrupt leaves no half-made run) */
  run?: Run;
  /** `end`: per-entry failures (first 1,000) */
  failures?: RunFailure[];
}

export type SignalHandler = (payload: SignalPayload) => void | Promise<void>;
export interface SignalFilter {
  contentType?: string;
  action?: string;
}
