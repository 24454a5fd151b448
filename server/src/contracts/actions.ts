import { z } from 'zod';

/**
 * Contracts of the action endpoints: what the admin sends and what the server answers.
 * Every request schema is strict: unknown keys are a 400, never silently ignored.
 */

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
] as const;
export type FormFieldType = (typeof FORM_FIELD_TYPES)[number];

/** A form field as a developer declares it. */
export const formFieldDefinitionSchema = z
  .object({
    type: z.enum(FORM_FIELD_TYPES),
    label: z.string().min(1).optional(),
    description: z.string().optional(),
    required: z.boolean().optional(),
    default: z.unknown().optional(),
    /** allowed values of an `enumeration` field */
    enum: z.array(z.string().min(1)).min(1).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    /** `attribute`/`attributes`: which permission the user needs on the attribute (default read) */
    permission: z.enum(['read', 'update']).optional(),
    /** `attribute-value`: the name of the form field holding the attribute */
    of: z.string().optional(),
    /** kept out of the audit log */
    secret: z.boolean().optional(),
  })
  .strict();
export type FormFieldDefinition = z.infer<typeof formFieldDefinitionSchema>;

/** A scalar attribute the user may pick in an `attribute`/`attributes` field. */
export const attributeOptionSchema = z.object({
  name: z.string(),
  type: z.string(),
  required: z.boolean(),
  enum: z.array(z.string()).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  localized: z.boolean(),
});
export type AttributeOption = z.infer<typeof attributeOptionSchema>;

/** A form field as the admin receives it: attribute fields carry the options this user may pick. */
export type FormField = FormFieldDefinition & { name: string; label: string; options?: AttributeOption[] };

export const confirmSchema = z
  .object({
    /** shown before running; `{count}` becomes the number of entries */
    message: z.string().min(1).optional(),
    destructive: z.boolean().optional(),
  })
  .strict();
export type ConfirmOptions = z.infer<typeof confirmSchema>;

export const ACTION_MODES = ['query', 'documents'] as const;
export type ActionMode = (typeof ACTION_MODES)[number];

export interface ActionSummary {
  name: string;
  label: string;
  description: string | null;
  mode: ActionMode;
  destructive: boolean;
  form: FormField[];
  confirm: { message: string | null; destructive: boolean };
}
export interface ListActionsResponse {
  data: ActionSummary[];
}

/** documentIds as Strapi generates them; anything else is refused before it reaches a query. */
export const DOCUMENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const selectionSchema = (maxIds: number) =>
  z.union([
    z
      .object({
        documentIds: z
          .array(
            z
              .string({ invalid_type_error: 'must be a string' })
              .regex(DOCUMENT_ID_PATTERN, 'is not a document id (letters, digits, - and _ only)')
          )
          .min(1, 'must not be empty')
          .max(maxIds, `must not hold more than ${maxIds} ids`),
      })
      .strict(),
    z
      .object({
        query: z
          .object({
            filters: z.record(z.string(), z.unknown()).optional(),
            _q: z.string().max(500).optional(),
            status: z.enum(['draft', 'published']).optional(),
          })
          .strict(),
      })
      .strict(),
  ]);
export type Selection = { documentIds: string[] } | { query: SelectionQuery };
export interface SelectionQuery {
  filters?: Record<string, unknown>;
  _q?: string;
  status?: 'draft' | 'published';
}

const locale = z.string().min(1).max(64).optional();

export const previewRequestSchema = (maxIds: number) =>
  z.object({ selection: selectionSchema(maxIds), locale }).strict();
export type PreviewRequest = { selection: Selection; locale?: string };

export const runRequestSchema = (maxIds: number) =>
  z
    .object({
      selection: selectionSchema(maxIds),
      locale,
      params: z.record(z.string(), z.unknown()).optional(),
      idempotencyKey: z.string().min(1).max(128).optional(),
    })
    .strict();
export type RunRequest = {
  selection: Selection;
  locale?: string;
  params?: Record<string, unknown>;
  idempotencyKey?: string;
};

/** Why an entry was not acted on. Handlers may add their own reasons with `run.skip()`. */
export const SKIP_REASONS = { notFound: 'not-found', forbidden: 'forbidden' } as const;

export interface PreviewResult {
  total: number;
  actionable: number;
  skipped: Record<string, number>;
  sample: Array<{ documentId: string; label: string }>;
}
export interface PreviewResponse {
  data: PreviewResult;
}
