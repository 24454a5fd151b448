import { DOCUMENT_ID_PATTERN, type UploadFormat } from '../../contracts';
import { cellOf } from '../../utils/csv';
import { isRealDate, isRealDateTime } from '../../utils/dates';
import { sheetCell } from '../../utils/typed-values';
import { sheetText } from '../../services/uploads/parse';
import { valueSchema } from '../../services/registry/forms';
import type { ModelAttribute } from '../../utils/models';
import type { ZodTypeAny } from 'zod';

/**
 * A file's cell and an attribute's value, both ways, exactly as the export writes them: CSV cells are
 * `cellOf` (ISO dates, `'` before a cell a spreadsheet would evaluate), XLSX cells typed values, and
 * relations the targets' documentIds joined by ", ". Reading a cell back is the inverse, so an
 * exported file uploaded unchanged compares equal, value by value.
 */

const FORMULA_START = /^[=+\-@\t\r\0]/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const NUMBER_TYPES = ['integer', 'float', 'decimal'];

export type CellValue = { value: unknown } | { error: string };

/** Each attribute's schema, built once: building one per cell was most of a parsed cell's time. */
const schemas = new WeakMap<ModelAttribute, ZodTypeAny>();
const schemaOf = (attribute: ModelAttribute): ZodTypeAny => {
  let schema = schemas.get(attribute);
  if (!schema) {
    schema = valueSchema({ ...attribute, type: attribute.type === 'biginteger' ? 'string' : attribute.type });
    schemas.set(attribute, schema);
  }
  return schema;
};

const relatedIds = (value: unknown): string[] => {
  const related = Array.isArray(value) ? value : value ? [value] : [];
  return related.map((entry: { documentId?: string }) => entry?.documentId).filter((id): id is string => Boolean(id));
};

/** The current value as the export wrote its cell (and as the upload stored it). */
export const currentCell = (attribute: ModelAttribute, value: unknown, format: UploadFormat): string => {
  if (attribute.type === 'relation') return relatedIds(value).join(', ');
  return format === 'xlsx' ? sheetText(sheetCell(attribute.type, value)) : cellOf(value);
};

/** The value a cell holds for this attribute, or why it cannot be one. Empty cells are null. */
export const parseCell = (attribute: ModelAttribute, cell: string, format: UploadFormat): CellValue => {
  // the export's guard against CSV injection, taken off again (XLSX cells never carry it)
  const text = format === 'csv' && cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
  if (attribute.type === 'relation') {
    const ids = text.split(',').map((id) => id.trim()).filter(Boolean);
    const bad = ids.find((id) => !DOCUMENT_ID_PATTERN.test(id));
    if (bad) return { error: `"${bad.slice(0, 80)}" is not a documentId` };
    const toOne = ['oneToOne', 'manyToOne'].includes(String(attribute.relation));
    if (toOne && ids.length > 1) return { error: 'takes one documentId' };
    return { value: toOne ? ids[0] ?? null : ids };
  }
  if (text === '') {
    return attribute.required ? { error: 'is required' } : { value: null };
  }
  let value: unknown = text;
  switch (attribute.type) {
    case 'integer':
    case 'float':
    case 'decimal':
      if (!NUMBER.test(text.trim())) return { error: 'must be a number' };
      value = Number(text.trim());
      break;
    case 'biginteger':
      if (!/^-?\d+$/.test(text.trim())) return { error: 'must be a whole number' };
      value = text.trim();
      break;
    case 'boolean': {
      const word = text.trim().toLowerCase();
      if (!['true', 'false', '1', '0'].includes(word)) return { error: 'must be true or false' };
      value = word === 'true' || word === '1';
      break;
    }
    case 'date': {
      // a workbook's date cell reads back as midnight UTC
      const day = /^\d{4}-\d{2}-\d{2}T00:00:00(\.000)?Z$/.test(text) ? text.slice(0, 10) : text.trim();
      if (!isRealDate(day)) return { error: 'must be a date (YYYY-MM-DD)' };
      value = day;
      break;
    }
    case 'datetime':
      if (!isRealDateTime(text.trim())) return { error: 'must be a date and time (ISO 8601)' };
      value = new Date(text.trim()).toISOString();
      break;
    default:
      break;
  }
  const checked = schemaOf(attribute).safeParse(value);
  if (!checked.success) return { error: checked.error.issues[0]?.message ?? 'is not a valid value' };
  return { value };
};

/** One comparable form of a value of this attribute: equal keys mean the same stored value. */
export const comparable = (attribute: ModelAttribute, value: unknown): string => {
  if (value === null || value === undefined || value === '') return '';
  if (attribute.type === 'relation') return Array.isArray(value) ? value.join(',') : String(value);
  if (NUMBER_TYPES.includes(attribute.type)) return String(Number(value));
  if (attribute.type === 'biginteger') return String(value);
  if (attribute.type === 'boolean') return String(Boolean(value));
  if (attribute.type === 'date') return (value instanceof Date ? value.toISOString() : String(value)).slice(0, 10);
  if (attribute.type === 'datetime') return String(new Date(value as string).getTime());
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
};

/** The current value in the shape parseCell answers (relations: documentIds). */
export const currentValue = (attribute: ModelAttribute, value: unknown): unknown => {
  if (attribute.type !== 'relation') return value;
  const ids = relatedIds(value);
  return ['oneToOne', 'manyToOne'].includes(String(attribute.relation)) ? ids[0] ?? null : ids;
};
