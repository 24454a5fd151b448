/**
 * The zod schemas that check requests (and action definitions) against the contracts. Server only:
 * the admin imports the contracts, never this module. Every request schema is strict: unknown keys
 * are a 400, never silently ignored.
 */
import { z } from 'zod';
import {
  ACTION_MODES,
  DOCUMENT_ID_PATTERN,
  FORM_FIELD_TYPES,
  RUN_STATUSES,
  type ConfirmOptions,
  type FormFieldDefinition,
  type HintsRequest,
  type ListRunsQuery,
  type PreviewRequest,
  type RunRequest,
  type Settings,
} from '../contracts';

/**
 * Compile-time proof that a schema's output is exactly its contract type: a contract changed
 * without its schema (or the reverse) fails `npm run typecheck`.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(_proof: Same<A, B>) => undefined;

export const formFieldDefinitionSchema = z
  .object({
    type: z.enum(FORM_FIELD_TYPES),
    label: z.string().min(1).optional(),
    description: z.string().optional(),
    required: z.boolean().optional(),
    default: z.unknown().optional(),
    enum: z.array(z.string().min(1)).min(1).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    permission: z.enum(['read', 'update']).optional(),
    of: z.string().optional(),
    secret: z.boolean().optional(),
    localizedOnly: z.boolean().optional(),
  })
  .strict();
same<z.infer<typeof formFieldDefinitionSchema>, FormFieldDefinition>(true);

export const confirmSchema = z
  .object({ message: z.string().min(1).optional(), destructive: z.boolean().optional() })
  .strict();
same<z.infer<typeof confirmSchema>, ConfirmOptions>(true);

export const actionModeSchema = z.enum(ACTION_MODES);

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
            // checked key by key against the schema by utils/filters.ts before any query
            filters: z.record(z.string(), z.unknown()).optional(),
            _q: z.string().max(500).optional(),
            status: z.enum(['draft', 'published']).optional(),
          })
          .strict(),
      })
      .strict(),
  ]);

const locale = z.string().min(1).max(64).optional();

export const previewRequestSchema = (maxIds: number) =>
  z.object({ selection: selectionSchema(maxIds), locale, params: z.record(z.string(), z.unknown()).optional() }).strict();
same<z.infer<ReturnType<typeof previewRequestSchema>>, PreviewRequest>(true);

export const hintsRequestSchema = (maxIds: number) =>
  z.object({ selection: selectionSchema(maxIds), locale, field: z.string().min(1).max(200) }).strict();
same<z.infer<ReturnType<typeof hintsRequestSchema>>, HintsRequest>(true);

export const runRequestSchema = (maxIds: number) =>
  z
    .object({
      selection: selectionSchema(maxIds),
      locale,
      params: z.record(z.string(), z.unknown()).optional(),
      idempotencyKey: z.string().min(1).max(128).optional(),
      runAt: z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
    })
    .strict();
same<z.infer<ReturnType<typeof runRequestSchema>>, RunRequest>(true);

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
same<z.infer<typeof listRunsQuerySchema>, ListRunsQuery>(true);

export const runIdParamSchema = z.coerce.number({ invalid_type_error: 'must be a number' }).int().positive();

/** DELETE /uploads/:id */
export const uploadIdParamSchema = z.coerce.number({ invalid_type_error: 'must be a number' }).int().positive().max(2_147_483_647);

/** Bodies of run commands that take nothing (undo, run now): any key is refused. */
export const emptyBodySchema = z.object({}).strict();

export const settingsSchema = z
  .object({
    contentTypes: z.record(
      z.string().min(1),
      z.object({ actions: z.array(z.string().min(1)).max(200), replaceBuiltIns: z.boolean().optional() }).strict()
    ),
  })
  .strict();
same<z.infer<typeof settingsSchema>, Settings>(true);
