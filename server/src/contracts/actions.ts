/** Contracts of the action endpoints: what the admin sends and what the server answers. */

export const FORM_FIELD_TYPES = [
  'string',
  'text',
  'integer',
  'decimal',
  'boolean',
  'enumeration',
  'date',
  'datetime',
  /** one of the content type's scalar attributes (its name) */
  'attribute',
  /** several of the content type's attributes (their names, relations included); left empty: all the user may use */
  'attributes',
  /** a value for the attribute chosen in another field of the form (`of`), validated as that attribute */
  'attribute-value',
  /** a list of changes `{ field, op, value? }` to the content type's fields (the edit-fields action) */
  'changes',
  /** an upload of the user's (its id, from POST /uploads) */
  'upload',
  /** the columns of an upload mapped to fields: `{ column: field | null }` (null: ignored) */
  'mapping',
] as const;
export type FormFieldType = (typeof FORM_FIELD_TYPES)[number];

/**
 * Translation ids (react-intl message ids of the admin's translations: the plugin's, or the ones a
 * project registers in its admin app) for texts declared in English beside them: the admin shows the
 * translation in the editor's language, the English text when there is none.
 */
export interface TextMessages {
  label?: string;
  description?: string;
}
export interface ActionMessages extends TextMessages {
  /** the confirm text: an ICU message with `{count}` (e.g. `{count, plural, one {…} other {…}}`) */
  confirm?: string;
  /** the texts of the action's own skip reasons, by reason code */
  reasons?: Record<string, string>;
}

/** What a form field's `supports` is given: the content type's schema (Strapi's `Schema.ContentType`). */
export interface ContentTypeModel {
  uid: string;
  options?: { draftAndPublish?: boolean; [key: string]: unknown };
  pluginOptions?: Record<string, unknown>;
  attributes: Record<string, unknown>;
}

/** A form field as a developer declares it. */
export interface FormFieldDefinition {
  type: FormFieldType;
  label?: string;
  description?: string;
  /** translation ids of the label and description */
  messages?: TextMessages;
  /** server only: the field is offered (and accepted) only on content types for which this holds */
  supports?: (model: ContentTypeModel) => boolean;
  required?: boolean;
  default?: unknown;
  /** allowed values of an `enumeration` field */
  enum?: string[];
  min?: number;
  max?: number;
  /** `attribute`/`attributes`: which permission the user needs on the attribute (default read) */
  permission?: 'read' | 'update';
  /** `attribute-value`: the name of the form field holding the attribute */
  of?: string;
  /** kept out of the audit log */
  secret?: boolean;
}

/** A scalar attribute the user may pick in an `attribute`/`attributes` field. */
export interface AttributeOption {
  /** the attribute, or `component.field` for a field of a single component */
  name: string;
  /** the attribute type; `relation:<kind>` for relations, `media` / `media:multiple` for media */
  type: string;
  required: boolean;
  enum?: string[];
  min?: number;
  max?: number;
  maxLength?: number;
  localized: boolean;
  /** `changes` fields: the operations this attribute takes */
  ops?: EditOperation[];
  /** relations: the target content type */
  target?: string;
}

/** The operations of the edit-fields action, by attribute kind (the server decides which apply to a field). */
export const EDIT_OPERATIONS = [
  'set', 'clear',
  'append', 'prepend', 'replace', 'trim', 'lowercase', 'uppercase',
  'increment', 'decrement', 'multiply', 'percent',
  'toggle',
  'shift',
  'add', 'remove',
] as const;
export type EditOperation = (typeof EDIT_OPERATIONS)[number];

/**
 * One change of the edit-fields action. `value` by operation: set → a value of the attribute (to-many
 * relations: documentIds, media: file ids); append/prepend → text; replace → `{ find, replace }`;
 * increment/decrement/multiply → a number; percent → +/- n (n %); shift → `{ days?, hours? }`;
 * add/remove → documentIds or file ids; clear, trim, lowercase, uppercase, toggle → none.
 */
export interface EditChange {
  field: string;
  op: EditOperation;
  value?: unknown;
}

/** The most common current values of one field in a selection (hints beside the form). */
export type HintsRequest = { selection: Selection; locale?: string; field: string };
export interface HintValue {
  /** the value as `set` takes it (relations: documentId, media: file id) */
  value: unknown;
  /** what the editor reads (a relation's main field, a file's name) */
  label: string;
  count: number;
}
export interface HintsResponse {
  data: { field: string; values: HintValue[] };
}

/** A form field as the admin receives it: attribute fields carry the options this user may pick. */
export type FormField = Omit<FormFieldDefinition, 'supports'> & { name: string; label: string; options?: AttributeOption[] };

export interface ConfirmOptions {
  /** shown before running; `{count}` becomes the number of entries */
  message?: string;
  destructive?: boolean;
}

export const ACTION_MODES = ['query', 'documents'] as const;
export type ActionMode = (typeof ACTION_MODES)[number];

export interface ActionSummary {
  name: string;
  label: string;
  description: string | null;
  mode: ActionMode;
  destructive: boolean;
  /** its runs can be undone from the audit log; the confirmation says so when they cannot */
  revertible: boolean;
  /** the preview can tell, for given params, what each entry would become (the action has a `preview` hook) */
  previews: boolean;
  form: FormField[];
  confirm: { message: string | null; destructive: boolean };
  /** the English texts of the action's own skip reasons, by code (the built-in reasons are the admin's) */
  reasons: Record<string, string>;
  /** translation ids of the label, description, confirm text and reasons */
  messages: ActionMessages;
}
export interface ListActionsResponse {
  data: ActionSummary[];
  /** Strapi's bulk buttons (publish, unpublish, delete) the list view hides: the plugin's listed action stands in */
  meta: { replacesBuiltIns: string[] };
}

/** documentIds as Strapi generates them; anything else is refused before it reaches a query. */
export const DOCUMENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export type Selection = { documentIds: string[] } | { query: SelectionQuery };
export interface SelectionQuery {
  filters?: Record<string, unknown>;
  _q?: string;
  status?: 'draft' | 'published';
}

/** With `params` (validated as a run's), actions with a `preview` hook also answer the plan. */
export type PreviewRequest = { selection: Selection; locale?: string; params?: Record<string, unknown> };

export type RunRequest = {
  selection: Selection;
  locale?: string;
  params?: Record<string, unknown>;
  idempotencyKey?: string;
  /** ISO 8601 date-time in the future: the run is scheduled (selection frozen now, started then) */
  runAt?: string;
};

/** Why an entry was not acted on. Handlers may add their own reasons with `run.skip()`. */
export const SKIP_REASONS = {
  notFound: 'not-found',
  forbidden: 'forbidden',
  invalidValue: 'invalid-value',
  changedSince: 'changed-since',
  /** the entry already holds what the run would write: it is left untouched */
  unchanged: 'unchanged',
  /** update-from-file: no row of the file names the entry */
  notInFile: 'not-in-file',
  /** update-from-file: several rows of the file name the entry */
  duplicateKey: 'duplicate-key',
} as const;

/** One field of a planned change: what the entry holds and what the run would write. */
export interface PlannedField {
  field: string;
  before: unknown;
  after: unknown;
}
export interface PlannedChange {
  documentId: string;
  label: string;
  fields: PlannedField[];
}

/** What a run with these params would do, entry by entry (from the action's `preview` hook). */
export interface PreviewPlan {
  /** entries the run would change */
  willChange: number;
  /** entries of the selection it would leave alone, by reason (`unchanged`, `invalid-value`, …) */
  skipped: Record<string, number>;
  /** the first entries' changes, before → after */
  changes: PlannedChange[];
  /** further facts as counts by code (an action's own, e.g. rows of a file that match no entry) */
  counts: Record<string, number>;
  /** params the run should carry from this plan where the form leaves them empty (e.g. the dry run's time) */
  carry: Record<string, unknown>;
}

/** An entry the run leaves out, by name: shown in the preview so the editor knows which and why. */
export interface SkippedEntry {
  documentId: string;
  label: string;
  reason: string;
}

export interface PreviewResult {
  total: number;
  actionable: number;
  skipped: Record<string, number>;
  sample: Array<{ documentId: string; label: string }>;
  /** the first skipped entries of the selection (forbidden, not found), with their main field */
  skippedSample: SkippedEntry[];
  /** present when params were given and the action previews its plan */
  plan?: PreviewPlan;
  /**
   * With `allLocales` in the params: per locale, how many versions of the actionable entries the run
   * would act on (`actionable`) and leave alone because the user may not act in that locale (`forbidden`).
   */
  locales?: Record<string, { actionable: number; forbidden: number }>;
}
export interface PreviewResponse {
  data: PreviewResult;
}
