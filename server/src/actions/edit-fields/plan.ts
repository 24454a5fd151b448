import type { Core } from '@strapi/strapi';
import type { EditChange } from '../../contracts';
import type { ChunkUndo } from '../../types';
import { columnName, getModel, hasDraftAndPublish, isLocalized, type Model } from '../../utils/models';
import { linksTargetExclusively, type EditableField } from './fields';

/**
 * The set-based work of one chunk of an edit-fields run, as data first and SQL second.
 *
 * `planChunk` reads only ids (the chunk's draft rows, and the entries whose results would break an
 * attribute's rules, found by a guard in SQL) and returns a ChunkPlan: the column expressions per
 * table, the component rows to create, the link-table deletes and INSERT … SELECTs. `applyPlan` runs
 * it in the chunk's transaction. Recording prior values for undo belongs between the two: every row,
 * column and link the plan touches is named in it.
 */

type Knex = Core.Strapi['db']['connection'];
type Raw = ReturnType<Knex['raw']>;
type Dialect = 'sqlite' | 'postgres';

const INT32 = { min: -2147483648, max: 2147483647 };
const FILE_UID = 'plugin::upload.file';

export interface ResolvedChange {
  change: EditChange;
  field: EditableField;
  /** relations: the target rows to link, in the order given (see resolveTargets) */
  targetRowIds?: number[];
}

/** A change of one column, as SQL: the new value and (when it can break a rule) what makes it invalid. */
interface ColumnChange {
  column: string;
  /** `set`/`clear`: a plain value (bound); otherwise an expression over the column */
  value?: unknown;
  expression?: (ref: string) => Raw;
  invalid?: (ref: string) => Raw;
  change: EditChange;
}

export interface ChunkPlan {
  changes: EditChange[];
  /** entries of the chunk without a draft row in the run's locale (deleted since the selection was frozen) */
  notFound: string[];
  /** entries left alone because a result breaks its attribute's rules, with the values it would have had */
  invalid: Array<{ documentId: string; values: Record<string, unknown> }>;
  /** entries that already hold every result: left untouched (no write, no updatedAt) */
  unchanged: string[];
  /** the entry's row in the run's locale, by documentId (what a before → after sample reads) */
  rowIdOf: Map<string, number>;
  /** relations and media: the linked targets (row ids, file ids) of each source row, in link order */
  links: Map<string, Map<number, number[]>>;
  /** row updates of the content type's table: draft rows of the run's locale, and of every locale for non-localized fields */
  rows: Array<{ rowIds: number[]; values: Record<string, unknown>; expressions: Record<string, Raw> }>;
  /** rows to stamp with updatedAt/updatedBy (every row any change touches) */
  stampRowIds: number[];
  /** single components: rows to create for entries without one, then column updates of the component table */
  components: Array<{
    table: string;
    joinTable: string;
    componentUid: string;
    attribute: string;
    createFor: number[];
    ownerRowIds: number[];
    values: Record<string, unknown>;
    expressions: Record<string, Raw>;
  }>;
  /** link rows removed, then inserted (relations and media), in this order */
  linkDeletes: Array<{ table: string; where: (q: any) => void }>;
  linkUpdates: Array<{ table: string; where: (q: any) => void; values: Record<string, unknown> }>;
  linkInserts: Array<{ table: string; select: () => any; columns: string[] }>;
}

/* -------------------------------------------------------------------------------------------------
 * Column expressions, with every client value bound
 * -----------------------------------------------------------------------------------------------*/

/** `x` divided by `d`, rounded half away from zero, in integer arithmetic on both databases. */
const roundedDiv = (knex: Knex, x: string, xBindings: unknown[], d: number) =>
  knex.raw(`CASE WHEN (${x}) >= 0 THEN ((${x}) + ${d / 2}) / ${d} ELSE -((-(${x}) + ${d / 2}) / ${d}) END`, [...xBindings, ...xBindings, ...xBindings]);

const toDbValue = (type: string, value: unknown) => (type === 'datetime' && typeof value === 'string' ? new Date(value) : value);

/** The SQL of one scalar change to a column (`ref` names it, qualified where the query joins). */
export function columnChange(knex: Knex, dialect: Dialect, field: EditableField, change: EditChange, column: string): ColumnChange {
  const { attribute } = field;
  const type = attribute.type;
  const value = change.value as any;
  const base = { column, change };
  if (change.op === 'set') return { ...base, value: toDbValue(type, value) };
  if (change.op === 'clear') return { ...base, value: null };

  let expression: (ref: string) => Raw;
  switch (change.op) {
    case 'append':
      expression = (ref) => knex.raw(`COALESCE(??, '') || CAST(? AS TEXT)`, [ref, value]);
      break;
    case 'prepend':
      expression = (ref) => knex.raw(`CAST(? AS TEXT) || COALESCE(??, '')`, [value, ref]);
      break;
    case 'replace':
      expression = (ref) => knex.raw(`REPLACE(??, CAST(? AS TEXT), CAST(? AS TEXT))`, [ref, value.find, value.replace]);
      break;
    case 'trim':
      expression = (ref) => knex.raw('TRIM(??)', [ref]);
      break;
    case 'lowercase':
      expression = (ref) => knex.raw('LOWER(??)', [ref]);
      break;
    case 'uppercase':
      expression = (ref) => knex.raw('UPPER(??)', [ref]);
      break;
    case 'increment':
    case 'decrement': {
      const sign = change.op === 'increment' ? '+' : '-';
      expression =
        type === 'integer'
          ? (ref) => knex.raw(`COALESCE(CAST(?? AS BIGINT), 0) ${sign} CAST(? AS BIGINT)`, [ref, value])
          : (ref) => knex.raw(`COALESCE(??, 0) ${sign} ?`, [ref, value]);
      break;
    }
    case 'multiply':
    case 'percent': {
      const factor = change.op === 'multiply' ? value : 1 + value / 100;
      if (type === 'integer') {
        // exact: the factor in units of 1/10,000, the product rounded half away from zero
        const units = change.op === 'multiply' ? Math.round(value * 10_000) : Math.round((100 + value) * 100);
        expression = (ref) => roundedDiv(knex, 'COALESCE(CAST(?? AS BIGINT), 0) * CAST(? AS BIGINT)', [ref, units], 10_000);
      } else {
        expression = (ref) => knex.raw('COALESCE(??, 0) * ?', [ref, factor]);
      }
      break;
    }
    case 'toggle':
      expression = (ref) => knex.raw('CASE WHEN ?? THEN FALSE ELSE TRUE END', [ref]);
      break;
    case 'shift': {
      const days = Number(value.days ?? 0);
      const hours = Number(value.hours ?? 0);
      if (type === 'date') {
        expression =
          dialect === 'postgres'
            ? (ref) => knex.raw('?? + CAST(? AS INTEGER)', [ref, days])
            : (ref) => knex.raw('date(??, ?)', [ref, `${days >= 0 ? '+' : ''}${days} days`]);
      } else {
        // SQLite keeps date-times as epoch milliseconds
        expression =
          dialect === 'postgres'
            ? (ref) => knex.raw('?? + CAST(? AS INTERVAL)', [ref, `${days} days ${hours} hours`])
            : (ref) => knex.raw('?? + CAST(? AS BIGINT)', [ref, days * 86_400_000 + hours * 3_600_000]);
      }
      break;
    }
    default:
      throw new Error(`edit-fields: no SQL for ${change.op} on ${field.name}`);
  }
  return { ...base, expression, invalid: invalidCondition(knex, field, expression) };
}

/** A condition true when a computed value breaks the attribute's rules (undefined: it cannot). */
function invalidCondition(knex: Knex, field: EditableField, expression: (ref: string) => Raw) {
  const { attribute } = field;
  const parts: Array<(ref: string) => Raw> = [];
  const isText = attribute.type === 'string' || attribute.type === 'text';
  const isNumber = ['integer', 'float', 'decimal'].includes(attribute.type);
  if (isText) {
    const maxLength = attribute.maxLength ?? (typeof attribute.max === 'number' ? attribute.max : undefined);
    const minLength = attribute.minLength ?? (typeof attribute.min === 'number' ? attribute.min : undefined);
    if (maxLength !== undefined) parts.push((ref) => knex.raw('LENGTH(?) > ?', [expression(ref), maxLength]));
    if (minLength !== undefined) parts.push((ref) => knex.raw('LENGTH(?) < ?', [expression(ref), minLength]));
    if (attribute.required) parts.push((ref) => knex.raw(`(? IS NULL OR ? = '')`, [expression(ref), expression(ref)]));
  } else if (isNumber) {
    const min = attribute.type === 'integer' ? Math.max(attribute.min ?? INT32.min, INT32.min) : attribute.min;
    const max = attribute.type === 'integer' ? Math.min(attribute.max ?? INT32.max, INT32.max) : attribute.max;
    if (typeof min === 'number') parts.push((ref) => knex.raw('? < ?', [expression(ref), min]));
    if (typeof max === 'number') parts.push((ref) => knex.raw('? > ?', [expression(ref), max]));
  } else if (attribute.required) {
    parts.push((ref) => knex.raw('? IS NULL', [expression(ref)]));
  }
  if (!parts.length) return undefined;
  return (ref: string) => knex.raw(parts.map(() => '?').join(' OR '), parts.map((part) => part(ref)));
}

/* -------------------------------------------------------------------------------------------------
 * Relation targets
 * -----------------------------------------------------------------------------------------------*/

/**
 * The rows a relation change links to, as Strapi's Document Service picks them: the draft of a draft
 * & publish target when the source has draft & publish too, both versions when the source has not,
 * the one row of a target without it; the run's locale (or the default) of a localized target.
 * Targets deleted since the request was validated are left out.
 */
export async function resolveTargets(
  strapi: Core.Strapi, sourceUid: string, field: EditableField, documentIds: string[], locale: string | null,
  /** inside a chunk: its transaction (SQLite has one connection, which the chunk holds) */
  knex: Knex = strapi.db.connection
) {
  if (field.kind !== 'relation') return [];
  const target = getModel(strapi, field.target);
  const meta = strapi.db.metadata.get(field.target as any);
  let query = knex(meta.tableName).select('id', columnName(strapi, field.target, 'documentId') + ' as documentId').whereIn(columnName(strapi, field.target, 'documentId'), documentIds);
  if (hasDraftAndPublish(target) && hasDraftAndPublish(getModel(strapi, sourceUid))) query = query.whereNull(columnName(strapi, field.target, 'publishedAt'));
  if (isLocalized(target)) {
    const code = locale ?? (await strapi.plugin('i18n').service('locales').getDefaultLocale());
    query = query.where(columnName(strapi, field.target, 'locale'), code);
  }
  const rows: Array<{ id: number; documentId: string }> = await query.orderBy('id');
  return documentIds.flatMap((documentId) => rows.filter((row) => row.documentId === documentId).map((row) => row.id));
}

/* -------------------------------------------------------------------------------------------------
 * The plan of one chunk
 * -----------------------------------------------------------------------------------------------*/

export interface PlanContext {
  strapi: Core.Strapi;
  uid: string;
  locale: string | null;
  dialect: Dialect;
  changes: ResolvedChange[];
  /**
   * Which version's rows the plan changes (draft & publish types; default the draft). `published`
   * plans columns only: a published version links published targets, which a draft's plan does not know.
   */
  version?: 'draft' | 'published';
}

export async function planChunk(ctx: PlanContext, trx: Knex, documentIds: string[]): Promise<ChunkPlan> {
  const { strapi, uid, locale, dialect } = ctx;
  const model: Model = getModel(strapi, uid);
  const meta: any = strapi.db.metadata.get(uid as any);
  const table: string = meta.tableName;
  const col = (name: string) => columnName(strapi, uid, name);
  const knex = strapi.db.connection;

  const columns = ctx.changes.filter((c) => c.field.kind === 'column').map((c) => ({ ...c, sql: columnChange(knex, dialect, c.field, c.change, col(c.field.name)) }));

  // the chunk's draft (or published) rows, ids only: the run's locale, and every locale for non-localized
  // fields; with, per group of column changes, whether the row differs from their results (the same read)
  let rowQuery = trx(table).select('id', `${col('documentId')} as documentId`, ...(isLocalized(model) ? [`${col('locale')} as locale`] : [])).whereIn(col('documentId'), documentIds);
  if (hasDraftAndPublish(model)) rowQuery = ctx.version === 'published' ? rowQuery.whereNotNull(col('publishedAt')) : rowQuery.whereNull(col('publishedAt'));
  for (const localized of [true, false]) {
    const group = columns.filter((c) => c.field.localized === localized);
    if (group.length) rowQuery.select(anyDiffers(knex, dialect, group.map((c) => c.sql), differsFlag(localized)));
  }
  // and whether a guard refuses the row's result: the guard's own query (with the values to list) runs
  // only for the rows flagged here, which are few or none
  const guarded = columns.filter((c) => c.sql.invalid);
  guarded.forEach((c, i) => rowQuery.select(knex.raw('CASE WHEN ? THEN 1 ELSE 0 END AS ??', [c.sql.invalid!(c.sql.column), `guard${i}`])));
  const rows: Array<{ id: number; documentId: string; locale?: string } & Record<string, unknown>> = await rowQuery;
  const ofLocale = rows.filter((row) => !isLocalized(model) || row.locale === locale);
  const rowsOf = (field: EditableField) => (field.localized ? ofLocale : rows);

  const inLocale = new Set(ofLocale.map((row) => row.documentId));
  const plan: ChunkPlan = {
    changes: ctx.changes.map((c) => c.change),
    invalid: [],
    unchanged: [],
    rowIdOf: new Map(ofLocale.map((row) => [row.documentId, row.id])),
    links: new Map(),
    rows: [],
    stampRowIds: [],
    components: [],
    linkDeletes: [],
    linkUpdates: [],
    linkInserts: [],
    notFound: documentIds.filter((id) => !inLocale.has(id)),
  };

  // 1. the guard: entries whose results would break a rule, found in SQL, with those results
  const invalid = new Map<string, Record<string, unknown>>();
  const noteInvalid = (found: any[], fields: EditableField[]) => {
    for (const row of found) {
      const values = invalid.get(row.documentId) ?? {};
      fields.forEach((field, i) => {
        if (!Number(row[`bad${i}`])) return;
        const value = row[`v${i}`];
        // PostgreSQL hands BIGINT and NUMERIC results back as text
        values[field.name] = typeof value === 'string' && ['integer', 'float', 'decimal'].includes(field.attribute.type) ? Number(value) : value;
      });
      invalid.set(row.documentId, values);
    }
  };

  const flagged = [...new Set(guarded.flatMap((c, i) => rowsOf(c.field).filter((row) => Number(row[`guard${i}`])).map((row) => row.id)))];
  if (flagged.length) {
    const q = trx({ a: table }).select('a.' + col('documentId') + ' as documentId');
    guarded.forEach((c, i) => {
      const ref = `a.${c.sql.column}`;
      q.select(knex.raw(`? as ??`, [c.sql.expression!(ref), `v${i}`]));
      q.select(knex.raw(`CASE WHEN ? AND a.id IN (${rowsOf(c.field).map(() => '?').join(',') || 'NULL'}) THEN 1 ELSE 0 END as ??`, [c.sql.invalid!(ref), ...rowsOf(c.field).map((r) => r.id), `bad${i}`]));
    });
    q.whereIn('a.id', flagged).where((w: any) => {
      guarded.forEach((c) => w.orWhere((x: any) => x.whereIn('a.id', rowsOf(c.field).map((r) => r.id)).where(c.sql.invalid!(`a.${c.sql.column}`))));
    });
    noteInvalid(await q, guarded.map((c) => c.field));
  }

  const componentGroups = new Map<string, ResolvedChange[]>();
  for (const c of ctx.changes) {
    if (c.field.kind !== 'component') continue;
    componentGroups.set(c.field.component, [...(componentGroups.get(c.field.component) ?? []), c]);
  }
  const componentSql = [...componentGroups.entries()].map(([attribute, changes]) => {
    const first = changes[0].field as Extract<EditableField, { kind: 'component' }>;
    const joinTable = meta.attributes[attribute].joinTable;
    const componentTable: string = strapi.db.metadata.get(first.componentUid as any).tableName;
    const sql = changes.map((c) => {
      const f = c.field as Extract<EditableField, { kind: 'component' }>;
      return { ...c, sql: columnChange(knex, dialect, c.field, c.change, columnName(strapi, f.componentUid, f.field)) };
    });
    return { attribute, first, joinTable, componentTable, sql };
  });
  for (const group of componentSql) {
    const guards = group.sql.filter((c) => c.sql.invalid);
    if (!guards.length) continue;
    const owners = rowsOf(group.first);
    const q = trx({ a: table })
      .select(`a.${col('documentId')} as documentId`)
      .join({ c: group.joinTable.name }, `c.${group.joinTable.joinColumn.name}`, 'a.id')
      .join({ s: group.componentTable }, 's.id', `c.${group.joinTable.inverseJoinColumn.name}`)
      .where('c.field', group.attribute)
      .where('c.component_type', group.first.componentUid)
      .whereIn('a.id', owners.map((r) => r.id));
    guards.forEach((c, i) => {
      q.select(knex.raw('? as ??', [c.sql.expression!(`s.${c.sql.column}`), `v${i}`]));
      q.select(knex.raw('CASE WHEN ? THEN 1 ELSE 0 END as ??', [c.sql.invalid!(`s.${c.sql.column}`), `bad${i}`]));
    });
    q.where((w: any) => guards.forEach((c) => w.orWhere(c.sql.invalid!(`s.${c.sql.column}`))));
    noteInvalid(await q, guards.map((c) => c.field));
  }

  for (const id of plan.notFound) invalid.delete(id);
  plan.invalid = [...invalid.entries()].map(([documentId, values]) => ({ documentId, values }));
  const notFound = new Set(plan.notFound);

  // 2. entries that already hold every result: a row differs for some change, or the entry is unchanged
  const candidates = rows.filter((row) => !invalid.has(row.documentId) && !notFound.has(row.documentId));
  const changing = await changingEntries({ ...ctx, trx, table, col, meta, columns, componentSql, plan }, candidates, rowsOf);
  plan.unchanged = [...new Set(candidates.filter((row) => !changing.has(row.documentId)).map((row) => row.documentId))].filter((id) => plan.rowIdOf.has(id));
  const unchanged = new Set(plan.unchanged);
  const ok = (list: typeof rows) =>
    list.filter((row) => !invalid.has(row.documentId) && !notFound.has(row.documentId) && !unchanged.has(row.documentId)).map((row) => row.id);

  // 2. columns of the content type's table
  for (const localized of [true, false]) {
    const group = columns.filter((c) => c.field.localized === localized);
    if (!group.length) continue;
    const values: Record<string, unknown> = {};
    const expressions: Record<string, Raw> = {};
    for (const c of group) {
      if (c.sql.expression) expressions[c.sql.column] = c.sql.expression(c.sql.column);
      else values[c.field.name] = c.sql.value; // through the query engine: it converts values as Strapi stores them
    }
    plan.rows.push({ rowIds: ok(localized ? ofLocale : rows), values, expressions });
  }

  // 3. single components
  for (const group of componentSql) {
    const ownerRowIds = ok(rowsOf(group.first));
    const values: Record<string, unknown> = {};
    const expressions: Record<string, Raw> = {};
    for (const c of group.sql) {
      if (c.sql.expression) expressions[c.sql.column] = c.sql.expression(c.sql.column);
      else values[c.sql.column] = c.sql.value;
    }
    const onlyClears = group.sql.every((c) => c.change.op === 'clear');
    const linked: Array<{ owner: number }> = ownerRowIds.length
      ? await trx(group.joinTable.name)
          .select(`${group.joinTable.joinColumn.name} as owner`)
          .whereIn(group.joinTable.joinColumn.name, ownerRowIds)
          .where({ field: group.attribute, component_type: group.first.componentUid })
      : [];
    const have = new Set(linked.map((l) => l.owner));
    plan.components.push({
      table: group.componentTable,
      joinTable: group.joinTable.name,
      componentUid: group.first.componentUid,
      attribute: group.attribute,
      // clearing a field of a component an entry does not have changes nothing: no component is made for it
      createFor: onlyClears ? [] : ownerRowIds.filter((id) => !have.has(id)),
      ownerRowIds,
      values,
      expressions,
    });
  }

  // 4. relations and media: link rows
  for (const c of ctx.changes) {
    const sourceIds = ok(rowsOf(c.field));
    if (!sourceIds.length) continue;
    if (c.field.kind === 'relation') planRelation(plan, meta.attributes[c.field.name].joinTable, c, sourceIds, { table, documentId: col('documentId') }, trx);
    if (c.field.kind === 'media') planMedia(strapi, plan, uid, c, sourceIds, table, trx);
  }

  const touched = new Set<number>();
  for (const c of ctx.changes) ok(rowsOf(c.field)).forEach((id) => touched.add(id));
  plan.stampRowIds = [...touched];
  return plan;
}

/** `a IS NOT DISTINCT FROM b` in each dialect's spelling (both sides may be NULL). */
const differs = (dialect: Dialect, left: string) => (dialect === 'postgres' ? `${left} IS DISTINCT FROM ?` : `NOT (${left} IS ?)`);

/**
 * `CASE WHEN <a column differs from what its change writes> OR … THEN 1 ELSE 0 END AS alias`;
 * `ref` names a column as the query sees it (qualified by its table's alias).
 */
function anyDiffers(knex: Knex, dialect: Dialect, changes: ColumnChange[], alias: string, ref = (column: string) => column): Raw {
  return knex.raw('CASE WHEN ? THEN 1 ELSE 0 END AS ??', [differsCondition(knex, dialect, changes, ref), alias]);
}

/** True when a row's column differs from what some change writes (`ref` names a column as the query sees it). */
function differsCondition(knex: Knex, dialect: Dialect, changes: ColumnChange[], ref: (column: string) => string): Raw {
  const terms = changes.map((sql) =>
    sql.expression
      ? { sql: dialect === 'postgres' ? '? IS DISTINCT FROM ??' : 'NOT (? IS ??)', bindings: [sql.expression(ref(sql.column)), ref(sql.column)] }
      : { sql: differs(dialect, '??'), bindings: [ref(sql.column), sql.value ?? null] }
  );
  return knex.raw(`(${terms.map((term) => term.sql).join(' OR ')})`, terms.flatMap((term) => term.bindings));
}

/** The column of the chunk's row read that says whether a row differs from a group's results (localized or shared columns). */
const differsFlag = (localized: boolean) => (localized ? 'differs_localized' : 'differs_shared');

/** The links a relation or media change leaves, from the current ones in link order (applyPlan writes the same). */
export function linksAfter(op: string, current: number[], targets: number[]) {
  if (op === 'clear') return [];
  if (op === 'set') return targets;
  if (op === 'remove') return current.filter((id) => !targets.includes(id));
  return [...current, ...targets.filter((id) => !current.includes(id))];
}

/** Whether a relation or media change leaves other links (or another order) than `current`. */
const linksChange = (op: string, current: number[], targets: number[]) => {
  const after = linksAfter(op, current, targets);
  return after.length !== current.length || after.some((target, i) => target !== current[i]);
};

/** The targets a relation or media change names: related rows, or file ids. */
export const changeTargets = (c: ResolvedChange) =>
  c.field.kind === 'relation'
    ? c.targetRowIds ?? []
    : ((Array.isArray(c.change.value) ? c.change.value : c.change.value == null ? [] : [c.change.value]) as number[]);

/** The current link targets of each source row, in link order, for one relation or media field. */
async function currentLinks(strapi: Core.Strapi, uid: string, meta: any, c: ResolvedChange, sourceIds: number[], trx: Knex) {
  const links = new Map<number, number[]>(sourceIds.map((id) => [id, []]));
  if (!sourceIds.length) return links;
  let found: Array<{ source: number; target: number }>;
  if (c.field.kind === 'relation') {
    const jt = meta.attributes[c.field.name].joinTable;
    const q = trx(jt.name).select(`${jt.joinColumn.name} as source`, `${jt.inverseJoinColumn.name} as target`).whereIn(jt.joinColumn.name, sourceIds);
    found = await (jt.orderColumnName ? q.orderBy([jt.joinColumn.name, jt.orderColumnName, 'id']) : q.orderBy([jt.joinColumn.name, 'id']));
  } else {
    const m = mediaTable(strapi);
    found = await trx(m.T).select(`${m.R} as source`, `${m.F} as target`).whereIn(m.R, sourceIds).where(m.RT, uid).where('field', c.field.name).orderBy([m.R, 'order', 'id']);
  }
  for (const link of found) links.get(Number(link.source))?.push(Number(link.target));
  return links;
}

/**
 * The documentIds among `candidates` whose rows some change would alter. Columns are compared in
 * SQL (the new value or expression against the column, NULLs equal); relations and media by their
 * current links, read once per field and kept on the plan for the preview's before → after.
 */
async function changingEntries(
  ctx: PlanContext & {
    trx: Knex;
    table: string;
    col: (name: string) => string;
    meta: any;
    columns: Array<ResolvedChange & { sql: ColumnChange }>;
    componentSql: Array<{ attribute: string; first: Extract<EditableField, { kind: 'component' }>; joinTable: any; componentTable: string; sql: Array<ResolvedChange & { sql: ColumnChange }> }>;
    plan: ChunkPlan;
  },
  candidates: Array<{ id: number; documentId: string; locale?: string }>,
  rowsOf: (field: EditableField) => Array<{ id: number; documentId: string }>
): Promise<Set<string>> {
  const { trx, table, col, dialect, strapi, uid, meta, plan } = ctx;
  const knex = strapi.db.connection;
  const changing = new Set<string>();
  const candidateIds = new Set(candidates.map((row) => row.id));
  const idsOf = (field: EditableField) => rowsOf(field).filter((row) => candidateIds.has(row.id));
  if (!candidates.length) return changing;

  // columns: the chunk's row read says it (differsFlag)
  for (const localized of [true, false]) {
    const group = ctx.columns.filter((c) => c.field.localized === localized);
    if (!group.length) continue;
    for (const row of idsOf(group[0].field) as Array<Record<string, unknown> & { documentId: string }>) if (Number(row[differsFlag(localized)])) changing.add(row.documentId);
  }

  for (const group of ctx.componentSql) {
    const owners = idsOf(group.first);
    if (!owners.length) continue;
    const onlyClears = group.sql.every((c) => c.change.op === 'clear');
    const found: Array<{ owner: number; documentId: string; differs: number | boolean }> = await trx({ a: table })
      .select('a.id as owner', `a.${col('documentId')} as documentId`)
      .select(anyDiffers(knex, dialect, group.sql.map((c) => c.sql), 'differs', (column) => `s.${column}`))
      .join({ c: group.joinTable.name }, `c.${group.joinTable.joinColumn.name}`, 'a.id')
      .join({ s: group.componentTable }, 's.id', `c.${group.joinTable.inverseJoinColumn.name}`)
      .where('c.field', group.attribute)
      .where('c.component_type', group.first.componentUid)
      .whereIn('a.id', owners.map((row) => row.id));
    const present = new Set(found.map((row) => Number(row.owner)));
    for (const row of found) if (Number(row.differs)) changing.add(row.documentId);
    // without a component, anything but clearing creates one
    if (!onlyClears) for (const owner of owners) if (!present.has(owner.id)) changing.add(owner.documentId);
  }

  for (const c of ctx.changes) {
    if (c.field.kind !== 'relation' && c.field.kind !== 'media') continue;
    const owners = idsOf(c.field);
    const links = await currentLinks(strapi, uid, meta, c, owners.map((row) => row.id), trx);
    plan.links.set(c.field.name, links);
    const targets = changeTargets(c);
    for (const owner of owners) if (linksChange(c.change.op, links.get(owner.id) ?? [], targets)) changing.add(owner.documentId);
  }
  return changing;
}

/** Where the Media Library keeps which file is in which field of which entry. */
function mediaTable(strapi: Core.Strapi) {
  const related: any = (strapi.db.metadata.get(FILE_UID as any).attributes as any).related;
  return {
    T: (related?.joinTable?.name ?? 'files_related_mph') as string,
    F: (related?.joinTable?.joinColumn?.name ?? 'file_id') as string,
    R: (related?.joinTable?.morphColumn?.idColumn?.name ?? 'related_id') as string,
    RT: (related?.joinTable?.morphColumn?.typeColumn?.name ?? 'related_type') as string,
  };
}

/** Link-table work of one relation change, from this side's join table metadata (owner or inverse side). */
function planRelation(plan: ChunkPlan, jt: any, c: ResolvedChange, sourceIds: number[], source: { table: string; documentId: string }, trx: Knex) {
  const sourceTable = source.table;
  const J: string = jt.joinColumn.name;
  const I: string = jt.inverseJoinColumn.name;
  const O: string | undefined = jt.orderColumnName;
  const IO: string | undefined = jt.inverseOrderColumnName;
  const targets = c.targetRowIds ?? [];
  const { op } = c.change;
  // an exclusive target is unlinked from other documents (not from the other version of the same
  // document), as Strapi's entity manager does
  const targetIsToOne = linksTargetExclusively(c.field.attribute as any);

  if (op === 'clear') plan.linkDeletes.push({ table: jt.name, where: (q) => q.whereIn(J, sourceIds) });
  // set keeps the links it names (their other-side order stays) and drops the rest
  if (op === 'set') plan.linkDeletes.push({ table: jt.name, where: (q) => (targets.length ? q.whereIn(J, sourceIds).whereNotIn(I, targets) : q.whereIn(J, sourceIds)) });
  if (op === 'remove' && targets.length) plan.linkDeletes.push({ table: jt.name, where: (q) => q.whereIn(J, sourceIds).whereIn(I, targets) });
  if ((op === 'add' || op === 'set') && targets.length && targetIsToOne) {
    const siblings = trx(sourceTable).select('id').whereIn(source.documentId, trx(sourceTable).select(source.documentId).whereIn('id', sourceIds));
    plan.linkDeletes.push({ table: jt.name, where: (q) => q.whereIn(I, targets).whereNotIn(J, siblings) });
  }
  if (op !== 'add' && op !== 'set') return;

  targets.forEach((targetId, position) => {
    // set: the links kept move to the position given
    if (op === 'set' && O) plan.linkUpdates.push({ table: jt.name, where: (q) => q.whereIn(J, sourceIds).where(I, targetId), values: { [O]: position + 1 } });
    const columns = [J, I, ...(O ? [O] : []), ...(IO ? [IO] : [])];
    plan.linkInserts.push({
      table: jt.name,
      columns,
      select: () => {
        const q = trx({ s: sourceTable }).select('s.id', trx.raw('CAST(? AS INTEGER)', [targetId]));
        // this side's order: after the source's current links (add), or the position given (set).
        // The chunk's maxima come from one grouped read of its links (the join column's index): a
        // MAX per source row correlated to it lets PostgreSQL plan a backward scan of the order
        // column's index, which crawls over the dead rows a large delete (an undo) leaves behind
        if (O && op === 'set') q.select(trx.raw('CAST(? AS INTEGER)', [position + 1]));
        if (O && op !== 'set') {
          q.leftJoin(trx(jt.name).select(`${J} as owner`).max({ top: O }).whereIn(J, sourceIds).groupBy(J).as('m'), 'm.owner', 's.id');
          q.select(trx.raw('COALESCE(m.top, 0) + 1'));
        }
        // the other side's order: each new source after the target's current ones
        if (IO) q.select(trx.raw(`COALESCE((SELECT MAX(l.??) FROM ?? l WHERE l.?? = CAST(? AS INTEGER)), 0) + ROW_NUMBER() OVER (ORDER BY s.id)`, [IO, jt.name, I, targetId]));
        return q
          .whereIn('s.id', sourceIds)
          .whereNotExists((e: any) => e.select(trx.raw('1')).from({ x: jt.name }).whereRaw('x.?? = s.id', [J]).where(`x.${I}`, targetId));
      },
    });
  });
}

/** Media fields live in the Media Library's morph table (file, related row, type, field, order). */
function planMedia(strapi: Core.Strapi, plan: ChunkPlan, uid: string, c: ResolvedChange, sourceIds: number[], sourceTable: string, trx: Knex) {
  const { T, F, R, RT } = mediaTable(strapi);
  const field = c.field.name;
  const { op } = c.change;
  const files = (Array.isArray(c.change.value) ? c.change.value : c.change.value == null ? [] : [c.change.value]) as number[];
  const mine = (q: any) => q.whereIn(R, sourceIds).where(RT, uid).where('field', field);

  if (op === 'clear' || op === 'set') plan.linkDeletes.push({ table: T, where: mine });
  if (op === 'remove') plan.linkDeletes.push({ table: T, where: (q) => mine(q).whereIn(F, files) });
  if (op !== 'add' && op !== 'set') return;
  files.forEach((fileId, position) => {
    plan.linkInserts.push({
      table: T,
      columns: [F, R, RT, 'field', 'order'],
      select: () => {
        const q = trx({ s: sourceTable }).select(trx.raw('CAST(? AS INTEGER)', [fileId]), 's.id', trx.raw('CAST(? AS TEXT)', [uid]), trx.raw('CAST(? AS TEXT)', [field]));
        // after the entry's current files: the chunk's maxima in one grouped read, as for relations
        if (op === 'set') q.select(trx.raw('CAST(? AS INTEGER)', [position + 1]));
        else {
          q.leftJoin(mine(trx(T).select(`${R} as owner`).max({ top: 'order' })).groupBy(R).as('m'), 'm.owner', 's.id');
          q.select(trx.raw('COALESCE(m.top, 0) + 1'));
        }
        return q
          .whereIn('s.id', sourceIds)
          .whereNotExists((e: any) => e.select(trx.raw('1')).from({ x: T }).whereRaw('x.?? = s.id', [R]).where(`x.${RT}`, uid).where('x.field', field).where(`x.${F}`, fileId));
      },
    });
  });
}

/**
 * Attribute types whose values the database takes as validated (the Query Engine's `toDB` keeps them,
 * or makes a Date of a datetime); a plan writing any other type goes through the Query Engine.
 */
const PLAIN_TYPES = new Set(['string', 'text', 'richtext', 'email', 'uid', 'enumeration', 'integer', 'biginteger', 'float', 'decimal', 'boolean', 'datetime']);

export const isPlainType = (type: string | undefined): boolean => type !== undefined && PLAIN_TYPES.has(type);

/** A validated value of a plain type as the database takes it (what the Query Engine's `toDB` makes of it). */
export const plainColumnValue = (type: string, value: unknown): unknown =>
  value === null || value === undefined ? null
  : type === 'datetime' ? new Date(value as string)
  : type === 'biginteger' ? String(value)
  : value;

/**
 * The plan as one UPDATE, in knex terms (columns → values or expressions, the stamp included), when it
 * is exactly that: one group of rows, each of them stamped, plain columns only. Otherwise null, and
 * applyPlan writes it.
 */
export function singleUpdate(strapi: Core.Strapi, uid: string, plan: ChunkPlan, userId: number, now: Date): { rowIds: number[]; data: Record<string, unknown> } | null {
  const groups = plan.rows.filter((update) => update.rowIds.length);
  if (groups.length !== 1 || plan.components.length || plan.linkDeletes.length || plan.linkUpdates.length || plan.linkInserts.length) return null;
  const [update] = groups;
  const rows = new Set(update.rowIds);
  if (plan.stampRowIds.length !== rows.size || plan.stampRowIds.some((id) => !rows.has(id))) return null;
  const { attributes } = getModel(strapi, uid);
  const data: Record<string, unknown> = { ...update.expressions };
  for (const [name, value] of Object.entries(update.values)) {
    const type = Object.hasOwn(attributes, name) ? attributes[name].type : undefined;
    if (!type || !isPlainType(type)) return null;
    data[columnName(strapi, uid, name)] = plainColumnValue(type, value);
  }
  data[columnName(strapi, uid, 'updatedAt')] = now;
  data[columnName(strapi, uid, 'updatedBy')] = userId;
  return { rowIds: update.rowIds, data };
}

/** Runs a plan in the chunk's transaction; `now` stamps updatedAt (one time for every row a run's chunk touches). */
export async function applyPlan(strapi: Core.Strapi, uid: string, plan: ChunkPlan, trx: Knex, userId: number, now = new Date()) {
  const meta: any = strapi.db.metadata.get(uid as any);
  const stamp = { updatedAt: now, updatedBy: userId };
  // a group written through the Query Engine takes its stamp in the same UPDATE (one statement, not
  // two), when every row of it is to be stamped: a caller may keep some rows' updatedAt
  const toStamp = new Set(plan.stampRowIds);
  const stamped = new Set<number>();
  for (const update of plan.rows) {
    if (!update.rowIds.length) continue;
    if (Object.keys(update.expressions).length) await trx(meta.tableName).whereIn('id', update.rowIds).update(update.expressions);
    if (Object.keys(update.values).length) {
      const withStamp = update.rowIds.every((id) => toStamp.has(id));
      await strapi.db.query(uid as any).updateMany({ where: { id: { $in: update.rowIds } }, data: { ...update.values, ...(withStamp ? stamp : {}) } as any });
      if (withStamp) for (const id of update.rowIds) stamped.add(id);
    }
  }
  for (const component of plan.components) {
    for (const owner of component.createFor) {
      const [created] = await trx(component.table).insert({}).returning('id');
      const cmpId = typeof created === 'object' ? created.id : created;
      await trx(component.joinTable).insert({ entity_id: owner, cmp_id: cmpId, component_type: component.componentUid, field: component.attribute });
    }
    if (!component.ownerRowIds.length) continue;
    const data = { ...component.values, ...component.expressions };
    if (!Object.keys(data).length) continue;
    await trx(component.table)
      .whereIn('id', trx(component.joinTable).select('cmp_id').whereIn('entity_id', component.ownerRowIds).where({ field: component.attribute, component_type: component.componentUid }))
      .update(data);
  }
  for (const del of plan.linkDeletes) await trx(del.table).where(del.where).delete();
  for (const update of plan.linkUpdates) await trx(update.table).where(update.where).update(update.values);
  for (const insert of plan.linkInserts) {
    await trx.into(trx.raw('?? (' + insert.columns.map(() => '??').join(', ') + ')', [insert.table, ...insert.columns])).insert(insert.select());
  }
  const unstamped = plan.stampRowIds.filter((id) => !stamped.has(id));
  if (unstamped.length) await strapi.db.query(uid as any).updateMany({ where: { id: { $in: unstamped } }, data: stamp as any });
}

/** A chunk's change as one UPDATE whose WHERE picks the rows to write (see guardedUpdate). */
export interface GuardedUpdate {
  /** the rows of these entries the change writes, with `prefix` before column names (e.g. `t.`) */
  where: (documentIds: string[], prefix?: string) => Raw;
  /** columns → values or expressions, without the stamp */
  data: Record<string, unknown>;
}

/**
 * The common edit without the chunk's row read: every change a plain column of the entry (on SQLite
 * or PostgreSQL, the drafts, in the run's locale when the type has locales). Its WHERE holds the
 * plan's rules: the entry's row exists, some column differs from its result (unchanged entries are
 * not written) and no result breaks a rule (the guard). The entries it does not write are left to
 * planChunk, which says why (not-found, unchanged, invalid-value). Null when the changes need the
 * full plan.
 *
 * A field without locales of a localized type is kept the same in every locale (as Strapi does), so
 * it is written on every locale's draft of the entries chosen by their row in the run's locale; the
 * localized columns change on that row only (a CASE on the locale). An entry whose other locales'
 * rows differ where its own row does not, or break a rule there, is left to planChunk too.
 */
export function guardedUpdate(ctx: PlanContext): GuardedUpdate | null {
  const { strapi, uid, locale, dialect } = ctx;
  if (!['sqlite', 'postgres'].includes(strapi.db.dialect.client as string) || ctx.version === 'published') return null;
  const model: Model = getModel(strapi, uid);
  if (isLocalized(model) && !locale) return null;
  if (!ctx.changes.length || ctx.changes.some((c) => c.field.kind !== 'column' || !isPlainType(c.field.attribute.type))) return null;
  const knex = strapi.db.connection;
  const table: string = strapi.db.metadata.get(uid as any).tableName;
  const col = (name: string) => columnName(strapi, uid, name);
  const everyLocale = isLocalized(model) && ctx.changes.some((c) => !c.field.localized);
  const columns = ctx.changes.map((c) => columnChange(knex, dialect, c.field, c.change, col(c.field.name)));
  const data: Record<string, unknown> = {};
  ctx.changes.forEach((c, i) => {
    const sql = columns[i];
    const value = sql.expression ? sql.expression(sql.column) : plainColumnValue(c.field.attribute.type, sql.value);
    data[sql.column] = everyLocale && c.field.localized ? knex.raw('CASE WHEN ?? = ? THEN ? ELSE ?? END', [col('locale'), locale, value, sql.column]) : value;
  });
  const guards = columns.filter((sql) => sql.invalid);
  const sharedGuards = columns.filter((sql, i) => sql.invalid && !ctx.changes[i].field.localized);

  /** The entry's draft in the run's locale, when it is to be written (`ref` names its columns). */
  const entryRow = (documentIds: string[], ref: (column: string) => string) => {
    const terms: Array<{ sql: string; bindings: unknown[] }> = [
      { sql: `?? IN (${documentIds.map(() => '?').join(', ') || 'NULL'})`, bindings: [ref(col('documentId')), ...documentIds] },
    ];
    if (hasDraftAndPublish(model)) terms.push({ sql: '?? IS NULL', bindings: [ref(col('publishedAt'))] });
    if (isLocalized(model)) terms.push({ sql: '?? = ?', bindings: [ref(col('locale')), locale] });
    terms.push({ sql: '?', bindings: [differsCondition(knex, dialect, columns, ref)] });
    // a guard that is NULL (a NULL in its arithmetic) leaves the row to planChunk, which decides as before
    for (const sql of guards) terms.push({ sql: 'NOT COALESCE(?, TRUE)', bindings: [sql.invalid!(ref(sql.column))] });
    return terms;
  };
  const joined = (terms: Array<{ sql: string; bindings: unknown[] }>) => knex.raw(terms.map((term) => term.sql).join(' AND '), terms.flatMap((term) => term.bindings));

  const where = (documentIds: string[], prefix = '') => {
    if (!everyLocale) return joined(entryRow(documentIds, (column) => `${prefix}${column}`));
    const terms = entryRow(documentIds, (column) => `r.${column}`);
    if (sharedGuards.length) {
      // no other locale's draft breaks a rule of a field without locales
      const other = [
        { sql: '?? = ??', bindings: [`o.${col('documentId')}`, `r.${col('documentId')}`] },
        ...(hasDraftAndPublish(model) ? [{ sql: '?? IS NULL', bindings: [`o.${col('publishedAt')}`] }] : []),
        { sql: '?? <> ?', bindings: [`o.${col('locale')}`, locale] },
        { sql: `(${sharedGuards.map(() => 'COALESCE(?, TRUE)').join(' OR ')})`, bindings: sharedGuards.map((sql) => sql.invalid!(`o.${sql.column}`)) },
      ];
      terms.push({ sql: 'NOT EXISTS (SELECT 1 FROM ?? AS o WHERE ?)', bindings: [table, joined(other)] });
    }
    const outer: Array<{ sql: string; bindings: unknown[] }> = [
      { sql: '?? IN (SELECT ?? FROM ?? AS r WHERE ?)', bindings: [`${prefix}${col('documentId')}`, `r.${col('documentId')}`, table, joined(terms)] },
    ];
    if (hasDraftAndPublish(model)) outer.push({ sql: '?? IS NULL', bindings: [`${prefix}${col('publishedAt')}`] });
    return joined(outer);
  };
  return { where, data };
}

/**
 * Writes a chunk's guarded UPDATE with the stamp, recorded for undo when `undo` is given (the records
 * of exactly the rows written): the documentIds of the entries written.
 */
export async function applyGuarded(
  strapi: Core.Strapi, uid: string, guarded: GuardedUpdate,
  { trx, undo, attributes }: { trx: Knex; undo?: ChunkUndo; attributes: string[] },
  documentIds: string[], userId: number, now = new Date()
): Promise<Set<string>> {
  const documentId = columnName(strapi, uid, 'documentId');
  const data = { ...guarded.data, [columnName(strapi, uid, 'updatedAt')]: now, [columnName(strapi, uid, 'updatedBy')]: userId };
  // (an entry written in several locales comes back once per row: the Sets keep it once)
  if (undo) return new Set(await undo.updateWhere((prefix) => guarded.where(documentIds, prefix), data, attributes));
  const rows: Array<Record<string, string>> = await trx(strapi.db.metadata.get(uid as any).tableName).where(guarded.where(documentIds)).update(data).returning(documentId);
  return new Set(rows.map((row) => row[documentId]));
}
