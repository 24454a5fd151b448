import type { Core } from '@strapi/strapi';
import type { HintValue } from '../../contracts';
import { ID_CHUNK } from '../../constants';
import { chunk } from '../../utils/arrays';
import { columnName, getModel, hasDraftAndPublish, isLocalized } from '../../utils/models';
import { getService } from '../../utils/services';
import type { EditableField } from './fields';

export const HINT_COUNT = 10;

/** A value as `set` takes it back (the databases hand booleans, dates and date-times back in their own ways). */
const asValue = (type: string, value: unknown) => {
  if (value === null || value === undefined) return null;
  if (type === 'boolean') return Boolean(value);
  if (type === 'datetime') return new Date(value as string | number).toISOString();
  if (type === 'date' && value instanceof Date) {
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
  }
  if (['integer', 'float', 'decimal'].includes(type) && typeof value === 'string') return Number(value);
  return value;
};

/**
 * The most common current values of one field over the selection's draft rows (the run's locale):
 * one grouped query per thousand documentIds (one query for a selection of up to a thousand), the
 * counts of the parts added up.
 */
export async function fieldHints(strapi: Core.Strapi, uid: string, field: EditableField, documentIds: string[], locale: string | null): Promise<HintValue[]> {
  const model = getModel(strapi, uid);
  const meta: any = strapi.db.metadata.get(uid as any);
  const knex = strapi.db.connection;
  const col = (name: string) => columnName(strapi, uid, name);
  const counts = new Map<string, HintValue>();

  const source = (ids: string[]) => {
    const q = knex({ a: meta.tableName }).whereIn(`a.${col('documentId')}`, ids);
    if (hasDraftAndPublish(model)) q.whereNull(`a.${col('publishedAt')}`);
    if (isLocalized(model) && locale) q.where(`a.${col('locale')}`, locale);
    return q;
  };

  let mainField: string | null = null;
  if (field.kind === 'relation') mainField = await getService(strapi, 'selection').mainField(field.target);

  for (const ids of chunk(documentIds, ID_CHUNK)) {
    const q = source(ids);
    if (field.kind === 'column') {
      q.select(knex.raw('?? as value', [`a.${col(field.name)}`])).groupBy(`a.${col(field.name)}`);
    } else if (field.kind === 'component') {
      const jt = meta.attributes[field.component].joinTable;
      const table = strapi.db.metadata.get(field.componentUid as any).tableName;
      const column = `s.${columnName(strapi, field.componentUid, field.field)}`;
      q.leftJoin({ c: jt.name }, (j: any) => j.on(`c.${jt.joinColumn.name}`, 'a.id').andOn('c.field', knex.raw('?', [field.component])))
        .leftJoin({ s: table }, 's.id', `c.${jt.inverseJoinColumn.name}`)
        .select(knex.raw('?? as value', [column]))
        .groupBy(column);
    } else if (field.kind === 'relation') {
      const jt = meta.attributes[field.name].joinTable;
      const targetMeta: any = strapi.db.metadata.get(field.target as any);
      const documentId = `t.${columnName(strapi, field.target, 'documentId')}`;
      const label = mainField ? `t.${columnName(strapi, field.target, mainField)}` : documentId;
      q.join({ l: jt.name }, `l.${jt.joinColumn.name}`, 'a.id')
        .join({ t: targetMeta.tableName }, 't.id', `l.${jt.inverseJoinColumn.name}`)
        .select(knex.raw('?? as value', [documentId]), knex.raw('MAX(??) as label', [label]))
        .groupBy(documentId);
    } else {
      const related: any = (strapi.db.metadata.get('plugin::upload.file' as any).attributes as any).related;
      const T = related?.joinTable?.name ?? 'files_related_mph';
      q.join({ m: T }, (j: any) =>
        j.on('m.related_id', 'a.id').andOn('m.related_type', knex.raw('?', [uid])).andOn('m.field', knex.raw('?', [field.name]))
      )
        .join({ f: 'files' }, 'f.id', 'm.file_id')
        .select(knex.raw('f.id as value'), knex.raw('MAX(f.name) as label'))
        .groupBy('f.id');
    }
    const rows: Array<{ value: unknown; label?: unknown; count: number | string }> = await q.select(knex.raw('COUNT(*) as count')).orderBy('count', 'desc').limit(ID_CHUNK);
    for (const row of rows) {
      const type = field.kind === 'column' || field.kind === 'component' ? field.attribute.type : 'id';
      const value = field.kind === 'media' ? Number(row.value) : asValue(type, row.value);
      const key = JSON.stringify(value);
      const known = counts.get(key);
      const label = row.label != null ? String(row.label) : value === null ? '' : String(value);
      counts.set(key, { value, label, count: (known?.count ?? 0) + Number(row.count) });
    }
  }
  return [...counts.values()].sort((a, b) => b.count - a.count).slice(0, HINT_COUNT);
}
