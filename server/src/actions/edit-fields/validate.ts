import type { Core } from '@strapi/strapi';
import { z } from 'zod';
import { DOCUMENT_ID_PATTERN, EDIT_OPERATIONS, type EditChange, type EditOperation } from '../../contracts';
import { forbidden } from '../../errors';
import { getModel } from '../../utils/models';
import { getService } from '../../utils/services';
import type { UserAbility } from '../../services/access/permissions';
import { valueSchema } from '../../services/registry/forms';
import { editableFields, linksTargetExclusively, notEditableReason, type EditableField } from './fields';

export const MAX_CHANGES = 50;
/** related entries or files one change may name */
export const MAX_TARGETS = 100;

const INT32 = { min: -2147483648, max: 2147483647 };

export interface Problem {
  path: string[];
  message: string;
}

/** How many decimals a number has (1.25 → 2); exponent notation counts its digits. */
const decimals = (n: number) => {
  const [mantissa, exponent] = String(n).toLowerCase().split('e');
  const fraction = (mantissa.split('.')[1] ?? '').length;
  return Math.max(0, fraction - Number(exponent ?? 0));
};

const isInteger = (field: EditableField) => field.attribute.type === 'integer';

/** The value schema of one operation on one field (undefined: the operation takes no value). */
const opValueSchema = (field: EditableField, op: EditOperation): z.ZodTypeAny | undefined => {
  const { attribute } = field;
  const maxLength = typeof attribute.maxLength === 'number' ? attribute.maxLength : 10_000;
  const number = z.number({ invalid_type_error: 'must be a number', required_error: 'is required' }).finite('must be a finite number');
  const ids = z
    .array(z.string({ invalid_type_error: 'must be a documentId' }).regex(DOCUMENT_ID_PATTERN, 'is not a document id'), {
      invalid_type_error: 'must be a list of documentIds',
      required_error: 'is required',
    })
    .min(1, 'must name at least one entry')
    .max(MAX_TARGETS, `must name at most ${MAX_TARGETS} entries`)
    .refine((list) => new Set(list).size === list.length, 'must not repeat an entry');
  const fileIds = z
    .array(z.number({ invalid_type_error: 'must be a file id' }).int('must be a file id').positive('must be a file id'), {
      invalid_type_error: 'must be a list of file ids',
      required_error: 'is required',
    })
    .min(1, 'must name at least one file')
    .max(MAX_TARGETS, `must name at most ${MAX_TARGETS} files`)
    .refine((list) => new Set(list).size === list.length, 'must not repeat a file');

  switch (op) {
    case 'clear':
    case 'trim':
    case 'lowercase':
    case 'uppercase':
    case 'toggle':
      return undefined;
    case 'set':
      if (field.kind === 'relation') {
        return field.toOne ? z.string({ invalid_type_error: 'must be a documentId', required_error: 'is required' }).regex(DOCUMENT_ID_PATTERN, 'is not a document id') : ids;
      }
      if (field.kind === 'media') {
        return field.multiple ? fileIds : z.number({ invalid_type_error: 'must be a file id', required_error: 'is required' }).int('must be a file id').positive('must be a file id');
      }
      return undefined; // scalars: the attribute's own schema, see below
    case 'add':
    case 'remove':
      return field.kind === 'media' ? fileIds : ids;
    case 'append':
    case 'prepend':
      return z.string({ invalid_type_error: 'must be a string', required_error: 'is required' }).min(1, 'must not be empty').max(maxLength, `must be at most ${maxLength} characters`);
    case 'replace':
      return z
        .object(
          {
            find: z.string({ invalid_type_error: 'must be a string', required_error: 'is required' }).min(1, 'must not be empty').max(maxLength),
            replace: z.string({ invalid_type_error: 'must be a string', required_error: 'is required' }).max(maxLength),
          },
          { invalid_type_error: 'must be { find, replace }', required_error: 'is required' }
        )
        .strict();
    case 'increment':
    case 'decrement': {
      let n = number.min(0, 'must be at least 0');
      if (isInteger(field)) n = n.int('must be a whole number').max(INT32.max, `must be at most ${INT32.max}`);
      else n = n.max(1e15, 'must be at most 1e15');
      return n;
    }
    case 'multiply':
      return number
        .min(-1000, 'must be at least -1000')
        .max(1000, 'must be at most 1000')
        // integers are multiplied exactly, in units of 1/10,000
        .refine((v) => !isInteger(field) || decimals(v) <= 4, 'must have at most 4 decimals');
    case 'percent':
      return number
        .min(-100, 'must be at least -100')
        .max(10_000, 'must be at most 10000')
        .refine((v) => decimals(v) <= 2, 'must have at most 2 decimals');
    case 'shift': {
      const amount = (max: number) => z.number({ invalid_type_error: 'must be a whole number' }).int('must be a whole number').min(-max).max(max);
      const shape: z.ZodRawShape =
        attribute.type === 'datetime'
          ? { days: amount(36_500).optional(), hours: amount(876_000).optional() }
          : { days: amount(36_500) };
      return z
        .object(shape, { invalid_type_error: attribute.type === 'datetime' ? 'must be { days?, hours? }' : 'must be { days }', required_error: 'is required' })
        .strict()
        .refine((v: { days?: number; hours?: number }) => Boolean(v.days || v.hours), 'must shift by at least one day or hour');
    }
    default:
      return undefined;
  }
};

const TAKES_NO_VALUE: EditOperation[] = ['clear', 'trim', 'lowercase', 'uppercase', 'toggle'];

/**
 * Checks a whole list of changes before anything changes: every field exists, may be updated by this
 * user, takes the operation and a value of the right type; relation targets exist and are readable,
 * media files exist and may be read. Problems are paths under `params.changes`.
 */
export async function validateChanges(
  strapi: Core.Strapi,
  uid: string,
  ability: UserAbility,
  submitted: unknown,
  { scalarsOnly = false }: { scalarsOnly?: boolean } = {}
): Promise<{ changes: EditChange[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  const base = ['params', 'changes'];
  if (!Array.isArray(submitted)) return { changes: [], problems: [{ path: base, message: 'must be a list of { field, op, value }' }] };
  if (submitted.length === 0) return { changes: [], problems: [{ path: base, message: 'must hold at least one change' }] };
  if (submitted.length > MAX_CHANGES) return { changes: [], problems: [{ path: base, message: `must hold at most ${MAX_CHANGES} changes` }] };

  const model = getModel(strapi, uid);
  const permissions = getService(strapi, 'permissions');
  const all = editableFields(strapi, uid).filter((field) => !scalarsOnly || field.kind === 'column');
  // null-prototype map: a field named `constructor` or `__proto__` is looked up, never inherited
  const byName: Record<string, EditableField> = Object.create(null);
  for (const field of all) byName[field.name] = field;

  const changes: EditChange[] = [];
  const seen = new Set<string>();
  const targetChecks: Array<{ index: number; field: EditableField; values: unknown[] }> = [];

  submitted.forEach((raw, index) => {
    const at = [...base, String(index)];
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return problems.push({ path: at, message: 'must be { field, op, value }' });
    const entry = raw as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!['field', 'op', 'value'].includes(key)) problems.push({ path: [...at, key], message: 'is not a key of a change (field, op, value)' });
    }
    const name = Object.hasOwn(entry, 'field') ? entry.field : undefined;
    if (name === undefined || name === null) return problems.push({ path: [...at, 'field'], message: 'is required' });
    if (typeof name !== 'string') return problems.push({ path: [...at, 'field'], message: 'must be a field name' });
    const field = byName[name];
    if (!field) {
      const reason = scalarsOnly ? null : notEditableReason(model, name);
      const allowed = all.filter((f) => permissions.canUseField(ability, uid, f.name, 'update')).map((f) => f.name);
      return problems.push({
        path: [...at, 'field'],
        message: reason ?? `is not an attribute you may update (allowed: ${allowed.join(', ') || 'none'})`,
      });
    }
    if (!permissions.canUseField(ability, uid, name, 'update')) {
      // a real field the role may not update is a permission problem (403), as in the Content Manager
      throw forbidden(`You may not update the field "${name}" of ${uid}`, {
        errors: [{ path: [...at, 'field'], message: 'you may not update this field', name: 'ForbiddenError' }],
      });
    }
    if (seen.has(name)) return problems.push({ path: [...at, 'field'], message: `changes "${name}" a second time: one change per field` });
    seen.add(name);

    const op = Object.hasOwn(entry, 'op') ? entry.op : undefined;
    if (typeof op !== 'string' || !(EDIT_OPERATIONS as readonly string[]).includes(op) || !field.ops.includes(op as EditOperation)) {
      return problems.push({ path: [...at, 'op'], message: `must be one of ${field.ops.join(', ')} for "${name}"` });
    }
    const operation = op as EditOperation;
    const hasValue = Object.hasOwn(entry, 'value') && entry.value !== undefined;

    if (operation === 'clear' && field.attribute.required) {
      return problems.push({ path: [...at, 'op'], message: `cannot clear "${name}": the attribute is required` });
    }
    if (TAKES_NO_VALUE.includes(operation)) {
      if (hasValue) return problems.push({ path: [...at, 'value'], message: `must be left out: ${operation} takes no value` });
      return changes.push({ field: name, op: operation });
    }

    let schema = opValueSchema(field, operation);
    if (!schema) {
      // `set` of a scalar: the attribute's own rules (required, enum, min/max, lengths, regex)
      if (!hasValue) return problems.push({ path: [...at, 'value'], message: 'is required' });
      if (entry.value === null && field.attribute.required) {
        return problems.push({ path: [...at, 'value'], message: `is required by the attribute "${name}"` });
      }
      schema = valueSchema({ ...field.attribute, type: field.attribute.type } as Parameters<typeof valueSchema>[0]);
    }
    const result = schema.safeParse(entry.value);
    if (!result.success) {
      problems.push(...result.error.issues.map((issue) => ({ path: [...at, 'value', ...issue.path.map(String)], message: issue.message })));
      return;
    }
    const value = result.data;
    changes.push({ field: name, op: operation, value });
    if ((field.kind === 'relation' || field.kind === 'media') && value !== null && value !== undefined && operation !== 'clear') {
      targetChecks.push({ index, field, values: Array.isArray(value) ? value : [value] });
    }
  });

  // targets are checked only for a list that is otherwise right (no queries for a refused request)
  if (!problems.length) {
    for (const { index, field, values } of targetChecks) {
      const missing = await unreadableTargets(strapi, ability, field, values);
      if (missing.length) {
        const what = field.kind === 'media' ? 'files' : `entries of ${(field as { target: string }).target}`;
        problems.push({
          path: [...base, String(index), 'value'],
          message: `names ${what} that do not exist or that you may not read: ${missing.map((v) => JSON.stringify(v)).join(', ')}`,
        });
      }
    }
  }
  return { changes, problems };
}

/**
 * Changes that cannot apply to this many entries, known once the selection is: an exclusive
 * relation's target belongs to one entry only, so setting or adding it on several is refused.
 */
export function selectionProblems(strapi: Core.Strapi, uid: string, changes: EditChange[], count: number): Problem[] {
  if (count <= 1) return [];
  const byName: Record<string, EditableField> = Object.create(null);
  for (const field of editableFields(strapi, uid)) byName[field.name] = field;
  const problems: Problem[] = [];
  changes.forEach((change, index) => {
    const field = byName[change.field];
    if (field?.kind !== 'relation' || !['set', 'add'].includes(change.op) || change.value === null || change.value === undefined) return;
    if (!linksTargetExclusively(field.attribute)) return;
    problems.push({
      path: ['params', 'changes', String(index), 'value'],
      message: `links an entry of ${field.target} to one entry only: select one entry to ${change.op} it (${count} are selected)`,
    });
  });
  return problems;
}

/** The values of a relation or media change that name nothing this user may read. */
async function unreadableTargets(strapi: Core.Strapi, ability: UserAbility, field: EditableField, values: unknown[]) {
  const permissions = getService(strapi, 'permissions');
  const selection = getService(strapi, 'selection');
  if (field.kind === 'media') {
    const FILE = 'plugin::upload.file';
    const where = ability.can('plugin::upload.read') ? permissions.conditionWhere(ability, FILE, 'plugin::upload.read') : null;
    if (where === null) return values;
    const rows = await strapi.db.query(FILE as any).findMany({ select: ['id'], where: selection.and(where, { id: { $in: values } }) });
    const found = new Set(rows.map((row: { id: number }) => row.id));
    return values.filter((v) => !found.has(v as number));
  }
  if (field.kind !== 'relation') return [];
  if (!ability.can('plugin::content-manager.explorer.read', field.target)) return values;
  const readable = permissions.readWhere(ability, field.target);
  if (readable === null) return values;
  const rows = await strapi.db.query(field.target as any).findMany({
    select: ['documentId'],
    where: selection.and(readable, { documentId: { $in: values } }),
  });
  const found = new Set(rows.map((row: { documentId: string }) => row.documentId));
  return values.filter((v) => !found.has(v as string));
}
