import Papa from 'papaparse';
import type { ReportLine } from '../types';

/** Cells a spreadsheet would read as a formula (OWASP "CSV injection"): = + - @ tab CR NUL. */
const FORMULA_START = /^[=+\-@\t\r\0]/;

/** Prefixes a quote so a spreadsheet shows the text instead of evaluating it. Only strings are touched. */
export const neutralizeCell = (value: string) => (FORMULA_START.test(value) ? `'${value}` : value);

/** One value as a CSV cell: dates in ISO 8601, objects as JSON, strings neutralised. */
export const cellOf = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return neutralizeCell(value);
  if (typeof value === 'object') return neutralizeCell(JSON.stringify(value));
  return String(value);
};

/** CSV lines (CRLF-terminated) for rows of already-rendered cells. */
export const csvLines = (rows: string[][]) => (rows.length ? `${Papa.unparse(rows, { newline: '\r\n' })}\r\n` : '');

export const failuresCsv = (failures: Array<{ documentId: string; reason: string }>) =>
  csvLines([['documentId', 'reason'], ...failures.map((f) => [f.documentId, cellOf(f.reason)])]);

/** The full dry run of a preview as CSV: one line per outcome, one per changed field. */
export const dryRunCsv = (lines: ReportLine[]) =>
  csvLines([
    ['key', 'outcome', 'field', 'before', 'after', 'message'],
    ...lines.map((line) => [cellOf(line.key), line.outcome, line.field ?? '', cellOf(line.before), cellOf(line.after), cellOf(line.message)]),
  ]);
