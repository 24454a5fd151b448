/**
 * The rows an export writes, read with knex instead of the Query Engine: one query for a chunk's
 * rows (its documentIds, in the run's locale and draft/published scope, in id order; to-one
 * relations' documentIds as subqueries of it) and one per to-many relation. The values come out as `strapi.db.query(uid).findMany`
 * returns them (the same conversions as its fields' `fromDB`), so every format's bytes stay those of
 * the Query Engine read this replaces. The Query Engine's per-row work (query building, populate
 * planning, lodash conversions) was most of an export's time, beside the run's own bookkeeping.
 *
 * What this does not know how to read (a relation through a join column, a morph relation, a join
 * table with conditions, a field without a column) is read through the Query Engine as before.
 */
import type { Core } from '@strapi/strapi';
import type { RowRange } from '../types';
import { yieldToEventLoop } from '../utils/event-loop';

type Knex = Core.Strapi['db']['connection'];
type Row = Record<string, unknown>;
type Where = Record<string, unknown>;

interface JoinTable {
  name: string;
  joinColumn: { name: string; referencedColumn: string };
  inverseJoinColumn: { name: string; referencedColumn: string };
  orderBy?: Record<string, 'asc' | 'desc'>;
  on?: unknown;
}

interface MetaAttribute {
  type: string;
  columnName?: string;
  relation?: string;
  target?: string;
  joinTable?: JoinTable;
  joinColumn?: unknown;
  morphBy?: unknown;
}

interface Meta {
  tableName: string;
  attributes: Record<string, MetaAttribute>;
}

const BIG_INTEGER = /^[+-]?\d+$/;

/**
 * A column's value as the Query Engine hands it back (@strapi/database's fields, `fromDB`): numbers
 * as numbers (PostgreSQL answers decimals as text), booleans from 0/1, date-times as ISO 8601 text
 * (SQLite keeps epoch milliseconds), big integers as digits; null stays null.
 */
export const fromDb = (type: string, value: unknown): unknown => {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
    case 'float':
    case 'decimal':
      return typeof value === 'number' ? value : Number(value);
    case 'biginteger': {
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'number') return Number.isInteger(value) ? value.toString() : String(value);
      const text = String(value).trim();
      return BIG_INTEGER.test(text) ? BigInt(text).toString() : String(value);
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const text = String(value);
      return text === '1' ? true : text === '0' ? false : null;
    }
    case 'datetime':
    case 'timestamp': {
      const date = value instanceof Date ? value : new Date(value as string | number);
      return Number.isNaN(date.getTime()) ? null : date.toISOString();
    }
    case 'increments':
    case 'date':
    case 'time':
      return value;
    case 'json':
    case 'blocks':
      if (typeof value !== 'string') return value;
      try {
        const parsed = JSON.parse(value);
        // values saved by early Strapi 5 releases were stringified twice
        return typeof parsed === 'string' ? JSON.parse(parsed) : parsed;
      } catch {
        return value;
      }
    default:
      return String(value);
  }
};

const TO_MANY = ['oneToMany', 'manyToMany'];
const READABLE_RELATIONS = ['oneToOne', 'manyToOne', ...TO_MANY];

/** The where of a run's row scope (selection.rowScope: a locale, the draft or the published rows) on a knex query. */
const applyScope = (query: any, meta: Meta, scope: Where, prefix = '') => {
  for (const [name, condition] of Object.entries(scope)) {
    const columnName = meta.attributes[name]?.columnName;
    if (!columnName) throw new Error(`export: no column for the scope's "${name}"`);
    const column = `${prefix}${columnName}`;
    if (condition && typeof condition === 'object') {
      const keys = Object.keys(condition);
      if (keys.length === 1 && (condition as Where).$null === true) query.whereNull(column);
      else if (keys.length === 1 && (condition as Where).$notNull === true) query.whereNotNull(column);
      else throw new Error(`export: unsupported scope condition on "${name}"`);
    } else {
      query.where(column, condition as string | number);
    }
  }
  return query;
};

export interface ExportReader {
  /**
   * The chunk's rows in id order, shaped as the Query Engine's findMany with `populate: { relation:
   * { select: ['documentId'] } }`. `rowRange`: where the chunk's rows were when the selection was
   * frozen (ChunkTools.rowRange), read first.
   */
  rows(documentIds: string[], trx: Knex, rowRange?: RowRange | null): Promise<Row[]>;
}

/**
 * A reader of `fields` (scalars and relations) of `uid`'s rows in `scope`. Rows carry `documentId`,
 * `locale` when `localized`, then the fields: relations as `{ documentId }` (to-one, or null) or a
 * list of them (to-many, in the join table's order).
 */
export function createExportReader(
  strapi: Core.Strapi,
  uid: string,
  { scope, localized, scalars, relations }: { scope: Where; localized: boolean; scalars: string[]; relations: string[] }
): ExportReader {
  const meta = strapi.db.metadata.get(uid as any) as unknown as Meta;
  const columnOf = (name: string) => meta.attributes[name]?.columnName;
  const knexRelation = (name: string) => {
    const attribute = meta.attributes[name];
    const joinTable = attribute?.joinTable;
    if (!attribute || !joinTable || joinTable.on || attribute.morphBy || !READABLE_RELATIONS.includes(String(attribute.relation))) return null;
    // the join table links the row's id (what Strapi 5 creates); anything else is the Query Engine's to resolve
    if (joinTable.joinColumn.referencedColumn !== columnOf('id')) return null;
    const target = attribute.target ? (strapi.db.metadata.get(attribute.target as any) as unknown as Meta | undefined) : undefined;
    const documentIdColumn = target?.attributes.documentId?.columnName;
    if (!target || !documentIdColumn) return null;
    return { name, joinTable, targetTable: target.tableName, documentIdColumn, toMany: TO_MANY.includes(String(attribute.relation)) };
  };
  const fast = relations.map(knexRelation);
  const readable = ['id', 'documentId', ...(localized ? ['locale'] : []), ...scalars].every((name) => Boolean(columnOf(name))) && fast.every(Boolean);

  if (!readable) {
    // the Query Engine's read, for the shapes the knex one does not cover
    return {
      rows: (documentIds) =>
        strapi.db.query(uid as any).findMany({
          select: ['id', 'documentId', ...(localized ? ['locale'] : []), ...scalars],
          where: { ...scope, documentId: { $in: documentIds } },
          populate: Object.fromEntries(relations.map((name) => [name, { select: ['documentId'] }])),
          orderBy: { id: 'asc' },
        }),
    };
  }

  const selected = ['id', 'documentId', ...(localized ? ['locale'] : []), ...scalars].map((name) => ({
    name,
    column: columnOf(name)!,
    type: meta.attributes[name].type,
  }));
  const joins = fast.filter((relation): relation is NonNullable<typeof relation> => Boolean(relation));
  // to-one relations come with the rows, as a subquery a row (the first link in the Query Engine's
  // order, as its populate takes it): one query less a chunk than reading the links apart, and no
  // duplicate rows where a to-one join table holds two links for one row
  const toOne = joins.filter((relation) => !relation.toMany).map((relation, index) => ({ ...relation, alias: `__to_one_${index}` }));
  const toMany = joins.filter((relation) => relation.toMany);
  const linksOf = (relation: (typeof joins)[number], trx: Knex) => {
    const { joinTable } = relation;
    const links = trx(`${joinTable.name} as jt`).join(
      `${relation.targetTable} as t`,
      `t.${joinTable.inverseJoinColumn.referencedColumn}`,
      `jt.${joinTable.inverseJoinColumn.name}`
    );
    // the order the Query Engine populates in: the join table's order column (connect order)
    for (const [column, direction] of Object.entries(joinTable.orderBy ?? {})) links.orderBy(`jt.${column}`, direction);
    return links.orderBy('jt.id', 'asc');
  };

  const idColumn = columnOf('id')!;
  const documentIdColumn = columnOf('documentId')!;
  const read = (documentIds: string[], trx: Knex, rowRange: RowRange | null): Promise<Row[]> => {
    const query = trx(`${meta.tableName} as m`)
      .select(selected.map((field) => `m.${field.column}`))
      .whereIn(`m.${documentIdColumn}`, documentIds)
      .orderBy(`m.${idColumn}`, 'asc');
    // a range of the primary key besides the documentIds: read along the table's own index, not
    // through the documentId index (about a third of the time on PostgreSQL, two thirds on SQLite)
    if (rowRange) query.whereBetween(`m.${idColumn}`, [rowRange.first, rowRange.last]);
    for (const relation of toOne) {
      const first = linksOf(relation, trx)
        .select(`t.${relation.documentIdColumn}`)
        .where(`jt.${relation.joinTable.joinColumn.name}`, trx.ref(`m.${idColumn}`))
        .limit(1);
      query.select(first.as(relation.alias));
    }
    return applyScope(query, meta, scope, 'm.');
  };

  return {
    async rows(documentIds, trx, rowRange = null) {
      if (!documentIds.length) return [];
      let raw = await read(documentIds, trx, rowRange);
      if (rowRange && raw.length < documentIds.length) {
        // entries whose row is not in the range any more (recreated since the selection was frozen), or gone
        const found = new Set(raw.map((record) => String(record[documentIdColumn])));
        const elsewhere = documentIds.filter((documentId) => !found.has(documentId));
        const more = await read(elsewhere, trx, null);
        if (more.length) raw = [...raw, ...more].sort((a, b) => Number(a[idColumn]) - Number(b[idColumn]));
      }
      const rows = raw.map((record) => {
        const row: Row = {};
        for (const field of selected) row[field.name] = fromDb(field.type, record[field.column]);
        for (const relation of toOne) {
          const documentId = record[relation.alias];
          row[relation.name] = documentId === null || documentId === undefined ? null : { documentId: fromDb('string', documentId) };
        }
        return row;
      });
      if (!rows.length || !toMany.length) return rows;

      for (const relation of toMany) {
        // better-sqlite3 answers synchronously: without a turn of the event loop between the
        // queries, a chunk's reads and rendering would hold it as one stretch
        await yieldToEventLoop();
        const owners = new Map<string, Row[]>();
        for (const record of raw) owners.set(String(record[idColumn]), []);
        const links = linksOf(relation, trx)
          .select({ owner: `jt.${relation.joinTable.joinColumn.name}`, documentId: `t.${relation.documentIdColumn}` })
          .whereIn(`jt.${relation.joinTable.joinColumn.name}`, raw.map((record) => record[idColumn] as any));
        for (const link of (await links) as Array<{ owner: unknown; documentId: unknown }>) {
          owners.get(String(link.owner))?.push({ documentId: fromDb('string', link.documentId) });
        }
        rows.forEach((row, index) => {
          row[relation.name] = owners.get(String(raw[index][idColumn])) ?? [];
        });
      }
      return rows;
    },
  };
}
