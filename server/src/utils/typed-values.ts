/**
 * Attribute values as typed file cells (JSON and XLSX exports): numbers stay numbers, booleans stay
 * booleans, strings stay strings (never neutralised: neither format evaluates formulas from text),
 * dates are ISO 8601 in JSON and date cells in a workbook.
 */
import type { SheetColumnType } from '../services/runs/files';

const NUMBER_TYPES = ['integer', 'float', 'decimal'];

/** A value as the JSON export writes it. biginteger stays text, as Strapi's own API answers it: a JS number loses digits. */
export const jsonValue = (type: string, value: unknown): unknown => {
  if (value === null || value === undefined) return null;
  if (NUMBER_TYPES.includes(type)) {
    const n = typeof value === 'number' ? value : Number(value);
    return Number.isFinite(n) ? n : null;
  }
  if (type === 'biginteger') return String(value);
  if (type === 'boolean') return Boolean(value);
  if (type === 'date') return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
  if (type === 'datetime') {
    // SQLite hands raw date-times back as epoch milliseconds (a number, or digits)
    const date = value instanceof Date ? value : new Date(typeof value === 'number' || /^\d+$/.test(String(value)) ? Number(value) : String(value));
    return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
};

/** The cell type of an attribute's column in a workbook. */
export const sheetColumnType = (type: string): SheetColumnType => {
  if (NUMBER_TYPES.includes(type) || type === 'biginteger') return 'number';
  if (type === 'boolean' || type === 'date' || type === 'datetime') return type;
  return 'string';
};

/**
 * A value as a workbook row keeps it in the run's parts (JSON; the sheet turns dates into date cells).
 * A biginteger a spreadsheet cannot hold exactly (past 2^53) is written as text rather than rounded.
 */
export const sheetCell = (type: string, value: unknown): unknown => {
  const json = jsonValue(type, value);
  if (type === 'biginteger' && json !== null) {
    const n = Number(json);
    return Number.isSafeInteger(n) ? n : json;
  }
  return json;
};
