import type { Core } from '@strapi/strapi';
import type { BulkActionDefinition, RunContext } from '../types';
import { cellOf, csvLines } from '../utils/csv';
import { getService } from '../utils/services';
import { getModel, isLocalized } from '../utils/models';

export { neutralizeCell } from '../utils/csv';

const relationCell = (value: unknown) => {
  const related = Array.isArray(value) ? value : value ? [value] : [];
  return related.map((entry: { documentId?: string }) => entry.documentId).filter(Boolean).join(', ');
};

/** Which columns to write: documentId, the locale for i18n types, then the chosen (readable) fields. */
export const exportColumns = (strapi: Core.Strapi, uid: string, fields: string[]) => {
  const model = getModel(strapi, uid);
  const localized = isLocalized(model);
  const relations = fields.filter((name) => model.attributes[name]?.type === 'relation');
  const scalars = fields.filter((name) => !relations.includes(name));
  return { header: ['documentId', ...(localized ? ['locale'] : []), ...fields], localized, relations, scalars };
};

/** Django-adminactions' "Export as CSV": the selected entries' fields the user may read. */
export const exportCsvAction: BulkActionDefinition<{ fields: string[] }> = {
  name: 'export-csv',
  label: 'Export as CSV',
  description: 'Downloads the selected entries as a CSV file (only the fields you may read).',
  contentTypes: '*',
  permissions: ['read'],
  mode: 'query',
  output: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  form: {
    fields: { type: 'attributes', label: 'Fields', permission: 'read' },
  },
  async handler(run: RunContext<{ fields: string[] }>) {
    const { strapi, uid } = run;
    // left empty, an `attributes` field means every attribute the user may read (see forms.validate)
    const { fields } = run.params;
    const { header, localized, relations, scalars } = exportColumns(strapi, uid, fields);
    const scope = getService(strapi, 'selection').rowScope(uid, run.locale);

    await run.writeHeader(csvLines([header]));
    // chunk by chunk (500 documentIds of the frozen selection): never the whole result in memory
    await run.eachChunk(async (documentIds, { write }) => {
      const rows = await strapi.db.query(uid as any).findMany({
        select: ['id', 'documentId', ...(localized ? ['locale'] : []), ...scalars],
        where: { ...scope, documentId: { $in: documentIds } },
        populate: Object.fromEntries(relations.map((name) => [name, { select: ['documentId'] }])),
        orderBy: { id: 'asc' },
      });
      write(
        csvLines(
          rows.map((row: any) => [
            row.documentId,
            ...(localized ? [row.locale] : []),
            ...fields.map((name) => (relations.includes(name) ? relationCell(row[name]) : cellOf(row[name]))),
          ])
        )
      );
    });
  },
};
