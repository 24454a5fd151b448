import type { Core } from '@strapi/strapi';
import type { ActionOutput, BulkActionDefinition, RunContext } from '../types';
import { cellOf, csvLines } from '../utils/csv';
import { getService } from '../utils/services';
import { getModel, isLocalized } from '../utils/models';
import { jsonValue, sheetCell, sheetColumnType } from '../utils/typed-values';
import type { SheetColumn } from '../services/runs/files';
import { createExportReader } from './export-read';
import { yieldToEventLoop } from '../utils/event-loop';
import { MAX_GROUP_ENTRIES } from '../constants';

export { neutralizeCell } from '../utils/csv';

const relatedIds = (value: unknown): string[] => {
  const related = Array.isArray(value) ? value : value ? [value] : [];
  return related.map((entry: { documentId?: string }) => entry.documentId).filter((id): id is string => Boolean(id));
};
const relationCell = (value: unknown) => relatedIds(value).join(', ');
/** JSON keeps a relation's shape: one documentId (or null) for a to-one, a list for a to-many. */
const relationJson = (value: unknown) => (Array.isArray(value) ? relatedIds(value) : relatedIds(value)[0] ?? null);

/** Which columns to write: documentId, the locale for i18n types, then the chosen (readable) fields. */
export const exportColumns = (strapi: Core.Strapi, uid: string, fields: string[]) => {
  const model = getModel(strapi, uid);
  const localized = isLocalized(model);
  const relations = fields.filter((name) => model.attributes[name]?.type === 'relation');
  const scalars = fields.filter((name) => !relations.includes(name));
  const types = fields.map((name) => (relations.includes(name) ? 'relation' : String(model.attributes[name]?.type ?? 'string')));
  return { header: ['documentId', ...(localized ? ['locale'] : []), ...fields], localized, relations, scalars, types };
};

export const EXPORT_FORMATS = ['csv', 'json', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
type ExportParams = { format: ExportFormat; fields: string[] };

const OUTPUTS: Record<ExportFormat, ActionOutput> = {
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  json: { contentType: 'application/json; charset=utf-8', extension: 'json', assemble: 'json-array' },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx', assemble: 'xlsx' },
};

/**
 * One format's file, written as the run's parts: the header once, then each chunk's rows. CSV parts
 * are the file's text; JSON parts hold one entry per line and XLSX parts one typed row per line,
 * which the run's file assembly turns into the array or the workbook (services/runs/files.ts).
 */
const writers: Record<ExportFormat, (columns: ReturnType<typeof exportColumns>) => { header: string; rows: (rows: any[]) => string }> = {
  csv: ({ header, localized, relations }) => {
    // each column's rendering decided once, not per cell
    const cells = header.map((name, index): ((row: any) => string) => {
      if (index === 0 || (localized && index === 1)) return (row) => row[name];
      return relations.includes(name) ? (row) => relationCell(row[name]) : (row) => cellOf(row[name]);
    });
    return {
      header: csvLines([header]),
      rows: (rows) => csvLines(rows.map((row) => cells.map((cell) => cell(row)))),
    };
  },
  json: ({ header, localized, types }) => {
    const fields = header.slice(localized ? 2 : 1);
    return {
      header: '',
      rows: (rows) =>
        rows
          .map((row) => {
            const entry: Record<string, unknown> = { documentId: row.documentId };
            if (localized) entry.locale = row.locale;
            fields.forEach((name, index) => {
              entry[name] = types[index] === 'relation' ? relationJson(row[name]) : jsonValue(types[index], row[name]);
            });
            return `${JSON.stringify(entry)}\n`;
          })
          .join(''),
    };
  },
  xlsx: ({ header, localized, types }) => {
    const fields = header.slice(localized ? 2 : 1);
    const columns: SheetColumn[] = [
      { name: 'documentId', type: 'string' },
      ...(localized ? [{ name: 'locale', type: 'string' as const }] : []),
      ...fields.map((name, index) => ({ name, type: types[index] === 'relation' ? ('string' as const) : sheetColumnType(types[index]) })),
    ];
    return {
      header: JSON.stringify({ columns }),
      rows: (rows) =>
        rows
          .map((row) => {
            const cells = [
              row.documentId,
              ...(localized ? [row.locale] : []),
              ...fields.map((name, index) => (types[index] === 'relation' ? relationCell(row[name]) || null : sheetCell(types[index], row[name]))),
            ];
            return `${JSON.stringify(cells)}\n`;
          })
          .join(''),
    };
  },
};

/** Django-adminactions' "Export as CSV", and JSON and XLSX: the selected entries' fields the user may read. */
export const exportCsvAction: BulkActionDefinition<ExportParams> = {
  name: 'export-csv',
  label: 'Export (CSV, JSON or XLSX)',
  description: 'Downloads the selected entries as a CSV, JSON or Excel file (only the fields you may read).',
  contentTypes: '*',
  permissions: ['read'],
  mode: 'query',
  output: (params) => OUTPUTS[(params.format as ExportFormat) ?? 'csv'] ?? OUTPUTS.csv,
  form: {
    format: {
      type: 'enumeration',
      label: 'Format',
      description: 'CSV for any spreadsheet or importer; JSON keeps numbers and booleans typed; XLSX opens in Excel with typed cells.',
      enum: [...EXPORT_FORMATS],
      default: 'csv',
      required: true,
    },
    fields: { type: 'attributes', label: 'Fields', permission: 'read' },
  },
  async handler(run: RunContext<ExportParams>) {
    const { strapi, uid } = run;
    // left empty, an `attributes` field means every attribute the user may read (see forms.validate)
    const { fields } = run.params;
    // runs queued before formats existed have no format: they were CSV
    const format: ExportFormat = EXPORT_FORMATS.includes(run.params.format) ? run.params.format : 'csv';
    const columns = exportColumns(strapi, uid, fields);
    const { localized, relations, scalars } = columns;
    const writer = writers[format](columns);
    const scope = getService(strapi, 'selection').rowScope(uid, run.locale);

    const reader = createExportReader(strapi, uid, { scope, localized, scalars, relations });

    await run.writeHeader(writer.header);
    // chunk by chunk (500 to 4,000 documentIds of the frozen selection, as fast as they go): never the whole result in memory
    await run.eachChunk(async (documentIds, { trx, write, rowRange }) => {
      const rows = await reader.rows(documentIds, trx, rowRange);
      // the rows are rendered in a turn of their own: a chunk's reads and its text are two short stretches, not one
      await yieldToEventLoop();
      write(writer.rows(rows));
    }, { maxEntries: MAX_GROUP_ENTRIES });
  },
};
