import type { Core } from '@strapi/strapi';
import type { PlannedField } from '../../contracts';
import { columnName } from '../../utils/models';
import { getService } from '../../utils/services';
import type { EditableField } from './fields';
import { changeTargets, columnChange, linksAfter, type ChunkPlan, type PlanContext } from './plan';
import { jsonValue } from '../../utils/typed-values';

type Knex = Core.Strapi['db']['connection'];

/** Labels of related rows (their target's main field) or of files (their name), by id. */
async function targetLabels(strapi: Core.Strapi, field: EditableField, ids: number[]) {
  const labels = new Map<number, string>();
  if (!ids.length) return labels;
  if (field.kind === 'media') {
    const files = await strapi.db.query('plugin::upload.file' as any).findMany({ select: ['id', 'name'], where: { id: { $in: ids } } });
    for (const file of files as Array<{ id: number; name: string }>) labels.set(file.id, file.name);
  } else if (field.kind === 'relation') {
    const mainField = await getService(strapi, 'selection').mainField(field.target);
    const rows = await strapi.db.query(field.target as any).findMany({ select: ['id', 'documentId', ...(mainField ? [mainField] : [])], where: { id: { $in: ids } } });
    for (const row of rows as Array<Record<string, any>>) labels.set(row.id, mainField && row[mainField] ? String(row[mainField]) : row.documentId);
  }
  return labels;
}

/**
 * Before → after of each change for some entries of a planned chunk (those the run would change),
 * read in the preview's transaction: column values and their results from SQL, links from the plan.
 */
export async function plannedFields(ctx: PlanContext, trx: Knex, plan: ChunkPlan, documentIds: string[]): Promise<Map<string, PlannedField[]>> {
  const { strapi, uid, dialect } = ctx;
  const knex = strapi.db.connection;
  const meta: any = strapi.db.metadata.get(uid as any);
  const out = new Map<string, PlannedField[]>(documentIds.map((id) => [id, []]));
  const rowIds = documentIds.map((id) => plan.rowIdOf.get(id)).filter((id): id is number => id !== undefined);
  const documentOf = new Map([...plan.rowIdOf.entries()].map(([documentId, id]) => [id, documentId]));
  if (!rowIds.length) return out;

  for (const c of ctx.changes) {
    const { field, change } = c;
    const push = (rowId: number, before: unknown, after: unknown) => {
      const documentId = documentOf.get(rowId);
      if (documentId) out.get(documentId)?.push({ field: field.name, before, after });
    };
    if (field.kind === 'column') {
      const column = columnName(strapi, uid, field.name);
      const sql = columnChange(knex, dialect, field, change, column);
      const after = sql.expression ? knex.raw('? as ??', [sql.expression(column), 'after']) : knex.raw('? as ??', [sql.value ?? null, 'after']);
      const found = await trx(meta.tableName).select('id', `${column} as before`, after).whereIn('id', rowIds);
      for (const row of found) push(row.id, jsonValue(field.attribute.type, row.before), jsonValue(field.attribute.type, sql.expression ? row.after : sql.value));
    } else if (field.kind === 'component') {
      const joinTable = meta.attributes[field.component].joinTable;
      const componentTable: string = strapi.db.metadata.get(field.componentUid as any).tableName;
      const column = columnName(strapi, field.componentUid, field.field);
      const sql = columnChange(knex, dialect, field, change, column);
      const found = await trx({ c: joinTable.name })
        .select(`c.${joinTable.joinColumn.name} as owner`, `s.${column} as before`, sql.expression ? knex.raw('? as ??', [sql.expression(`s.${column}`), 'after']) : knex.raw('? as ??', [null, 'after']))
        .join({ s: componentTable }, 's.id', `c.${joinTable.inverseJoinColumn.name}`)
        .whereIn(`c.${joinTable.joinColumn.name}`, rowIds)
        .where({ 'c.field': field.component, 'c.component_type': field.componentUid });
      const present = new Set<number>();
      for (const row of found) {
        present.add(Number(row.owner));
        push(Number(row.owner), jsonValue(field.attribute.type, row.before), jsonValue(field.attribute.type, sql.expression ? row.after : sql.value));
      }
      // an entry without the component gets one: its field starts empty
      let fromEmpty: unknown = sql.value ?? null;
      if (sql.expression && rowIds.some((id) => !present.has(id))) {
        const [row] = await trx.select(knex.raw('? as ??', [sql.expression('x.v'), 'after'])).from(knex.raw('(SELECT NULL AS v) x'));
        fromEmpty = row?.after ?? null;
      }
      for (const id of rowIds) if (!present.has(id)) push(id, null, jsonValue(field.attribute.type, fromEmpty));
    } else {
      const links = plan.links.get(field.name) ?? new Map<number, number[]>();
      const targets = changeTargets(c);
      const pairs = rowIds.map((id) => {
        const current = links.get(id) ?? [];
        return { id, current, after: linksAfter(change.op, current, targets) };
      });
      const labels = await targetLabels(strapi, field, [...new Set(pairs.flatMap((pair) => [...pair.current, ...pair.after]))]);
      // both versions of a target (draft and published) are one entry to the editor
      const named = (ids: number[]) => [...new Set(ids.map((id) => labels.get(id) ?? String(id)))];
      for (const pair of pairs) push(pair.id, named(pair.current), named(pair.after));
    }
  }
  return out;
}
