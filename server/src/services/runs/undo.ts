import type { Core } from '@strapi/strapi';
import { RUN_UID, RUN_UNDO_UID } from '../../content-types';
import { columnName, getModel, hasDraftAndPublish, isLocalized, isLocalizedAttribute } from '../../utils/models';
import type { Knex } from './queue';
import { chunk } from '../../utils/arrays';
import { ID_CHUNK } from '../../constants';

type Where = Record<string, unknown>;
/** Rows named by a knex condition over their columns, each name after `prefix` (e.g. `t.`). */
export type RowCondition = (prefix: string) => ReturnType<Knex['raw']>;
type Data = Record<string, unknown>;

/** A document's rows of one locale as they were: its draft and its published version (either may be missing). */
export interface DocumentVersions {
  draft: Data | null;
  published: Data | null;
  /** the admin user who created the document: restored with it (ownership conditions depend on it) */
  createdBy: number | null;
  /** only the draft was recorded (a change of drafts): the published version is left as it is */
  draftOnly?: boolean;
}

/** What a revert did with one entry. */
/** What a revert did with one entry (a failure throws: the run marks the entry failed with its message). */
export type RevertOutcome = ({ done: true } | { skipped: 'changed-since' | 'forbidden' }) & { locales?: string[] };

/** A run over every locale records, per entry, the versions of each locale it changed. */
interface LocaleRecord {
  locales: Record<string, DocumentVersions>;
}

/** Columns every content type has and no undo restores through the data: the document's identity and history. */
const SYSTEM_ATTRIBUTES = new Set(['id', 'documentId', 'locale', 'localizations', 'createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy']);

const stripIds = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(stripIds);
  if (!value || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'id').map(([key, inner]) => [key, stripIds(inner)]));
};

/**
 * SQLite stores a value with its column's affinity (text that looks like a number becomes one in an
 * INTEGER or NUMERIC column, a number becomes text in a TEXT column). A value of these kinds written
 * to a column of these types is stored as it is, so what a chunk's UPDATE leaves can be recorded
 * from the same values and expressions before it, in the records' own INSERT.
 */
const TEXT_TYPES = new Set(['string', 'text', 'richtext', 'email', 'uid', 'enumeration']);
const NUMBER_TYPES = new Set(['integer', 'float', 'decimal', 'boolean', 'datetime']);

/** Rows read or written per query: well under SQLite's 999 bound parameters. */
const BATCH = 200;

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The `entry` of a chunk's shared record: when one UPDATE wrote the same values to every row of the
 * chunk, they are recorded once (this record's `after`) and the rows' own records keep `after` empty.
 * Rewriting 500 fresh records with a sub-select each cost more than the UPDATE itself. Not a documentId
 * (those never hold parentheses).
 */
const SHARED_AFTER = '(chunk)';

/**
 * PostgreSQL: the `entry` of a record that packs the rows of one chunk's UPDATE (kind `packed`,
 * `before` a JSON array of [row id, documentId, before, after?]) or its rows' links (kind
 * `packed-links`: one record with `before` [row id, documentId, links] and one with `after` [row id,
 * links]). Inserting 4,000 records a statement cost PostgreSQL half again the UPDATE itself; one
 * record a chunk costs a tenth (docs/benchmark.md). A revert unpacks them into the rows' own records
 * first (unpack), which the rest of undo reads.
 */
const PACKED_ROWS = '(rows)';

/**
 * Undo. A revertible run records, in the transaction of each change, what it needs to put the entry
 * back: query mode (updateAll) copies the previous values of the columns it writes with one
 * INSERT … SELECT per chunk, and the values it wrote right after the UPDATE; documents mode keeps each
 * document's versions before the change and a stamp (row ids and updatedAt) after it. A revert puts
 * back the entries whose rows still are what the run left (`after`), and skips the others as
 * `changed-since`.
 */
const createUndoService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const tableOf = (uid: string) => (strapi.db.metadata.get(uid as any) as { tableName: string }).tableName;
  const undoTable = () => tableOf(RUN_UNDO_UID);
  const u = (attribute: string) => columnName(strapi, RUN_UNDO_UID, attribute);
  const isPostgres = () => strapi.db.dialect.client === 'postgres';

  /**
   * `CAST(json_object('views', t.views, ...) AS TEXT)`: the row's values as its database holds them.
   * Restoring writes them back as they are, so no type conversion can change a value on the way.
   * `values` (columns → values or expressions over the row): those columns as an UPDATE would leave them.
   */
  const jsonOf = (db: Knex, alias: string, pairs: Array<[string, string]>, as?: string, values?: Data, asText = true) => {
    const fn = isPostgres() ? 'json_build_object' : 'json_object';
    const object = `${fn}(${pairs.map(() => 'CAST(? AS TEXT), ?').join(', ')})`;
    return db.raw(
      `${asText ? `CAST(${object} AS TEXT)` : object}${as ? ' AS ??' : ''}`,
      [...pairs.flatMap(([key, column]) => [key, values && Object.hasOwn(values, column) ? values[column] : db.ref(`${alias}.${column}`)]), ...(as ? [as] : [])]
    );
  };

  /** The attribute → column pairs a query-mode change of these attributes writes, with the stamp updateAll adds. */
  const columnsOf = (uid: string, attributes: string[]): Array<[string, string]> => {
    const model = getModel(strapi, uid);
    return [...new Set([...attributes, 'updatedAt', 'updatedBy'])]
      .filter((attribute) => Object.hasOwn(model.attributes, attribute))
      .map((attribute) => [attribute, columnName(strapi, uid, attribute)]);
  };

  /**
   * Whether every recorded column keeps what `data` writes to it as computed (see TEXT_TYPES): text
   * to a text type, numbers, booleans and dates to a number type, an expression (an edit's operation
   * of the attribute's own type) to either, the updater's id to its column.
   */
  const storedAsWritten = (uid: string, attributes: string[], data: Data) => {
    const { attributes: defs } = getModel(strapi, uid);
    return columnsOf(uid, attributes).every(([attribute, column]) => {
      if (!Object.hasOwn(data, column) || data[column] === null) return true;
      const value = data[column];
      if (attribute === 'updatedBy') return typeof value === 'number';
      const type = (defs[attribute] as { type?: string }).type ?? '';
      if (typeof value === 'string') return TEXT_TYPES.has(type);
      if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return NUMBER_TYPES.has(type);
      return typeof value === 'object' && (TEXT_TYPES.has(type) || NUMBER_TYPES.has(type) || type === 'date');
    });
  };

  /** The ids of the rows a Query Engine `where` matches, as a knex subquery. */
  const rowIds = (uid: string, where: Where) => strapi.db.queryBuilder(uid).select('id').where(where).getKnexQuery();

  /** A relation/media/component-aware snapshot of a document's rows of one locale, as Document Service data. */
  const populateOf = (uid: string) => {
    const populate: Record<string, unknown> = {};
    for (const [name, attribute] of Object.entries(getModel(strapi, uid).attributes) as Array<[string, any]>) {
      if (SYSTEM_ATTRIBUTES.has(name)) continue;
      if (attribute.type === 'relation' && !String(attribute.relation).startsWith('morph')) populate[name] = { select: ['documentId'] };
      else if (attribute.type === 'media') populate[name] = { select: ['id'] };
      else if (attribute.type === 'component') populate[name] = true;
    }
    return populate;
  };

  const toData = (uid: string, row: Data): Data => {
    const data: Data = {};
    for (const [name, attribute] of Object.entries(getModel(strapi, uid).attributes) as Array<[string, any]>) {
      // a password is stored hashed: writing the hash back through the Document Service would hash it again
      if (SYSTEM_ATTRIBUTES.has(name) || attribute.type === 'password' || attribute.type === 'dynamiczone') continue;
      const value = row[name];
      if (attribute.type === 'relation') {
        if (String(attribute.relation).startsWith('morph')) continue;
        data[name] = Array.isArray(value) ? value.map((target: any) => target.documentId) : ((value as any)?.documentId ?? null);
      } else if (attribute.type === 'media') {
        data[name] = Array.isArray(value) ? value.map((file: any) => file.id) : ((value as any)?.id ?? null);
      } else if (attribute.type === 'component') {
        data[name] = stripIds(value ?? null);
      } else {
        data[name] = value ?? null;
      }
    }
    return data;
  };

  const localeWhere = (uid: string, locale: string | null): Where => (locale && isLocalized(getModel(strapi, uid)) ? { locale } : {});

  type Stamp = Array<{ id: number; updatedAt: string | null; publishedAt: string | null }>;
  const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

  /** Row ids and timestamps of documents' rows of one locale: what "unchanged since" is checked against. */
  const stampsOf = async (uid: string, documentIds: string[], locale: string | null): Promise<Map<string, Stamp>> => {
    const stamps = new Map<string, Stamp>(documentIds.map((documentId) => [documentId, []]));
    for (const batch of chunk(documentIds, BATCH)) {
      const rows = await strapi.db.query(uid as any).findMany({
        where: { documentId: { $in: batch }, ...localeWhere(uid, locale) },
        select: ['id', 'documentId', 'updatedAt', 'publishedAt'],
        orderBy: { id: 'asc' },
      });
      for (const row of rows as any[]) stamps.get(row.documentId)?.push({ id: row.id, updatedAt: iso(row.updatedAt), publishedAt: iso(row.publishedAt) });
    }
    return stamps;
  };
  const stampOf = async (uid: string, documentId: string, locale: string | null) => (await stampsOf(uid, [documentId], locale)).get(documentId)!;

  /**
   * Documents' versions in one locale, read for a whole chunk at once: the query engine populates
   * every relation, media and component field with one query per field for all the rows, so the
   * cost per chunk does not grow with one round trip per entry.
   *
   * `publishes`: the change publishes the documents, which leaves a draft as it is. A document
   * without a published version is recorded as no versions (its undo unpublishes it) without reading
   * it; the others in full (their undo puts the old published version back, then the draft).
   */
  const snapshots = async (uid: string, documentIds: string[], locale: string | null, draftOnly: boolean, publishes = false) => {
    const draftAndPublish = hasDraftAndPublish(getModel(strapi, uid));
    const byDocument = new Map<string, any[]>(documentIds.map((documentId) => [documentId, []]));
    let toRead = documentIds;
    if (publishes && draftAndPublish && !draftOnly) {
      const published = new Set<string>();
      for (const batch of chunk(documentIds, BATCH)) {
        const rows = await strapi.db.query(uid as any).findMany({ select: ['documentId'], where: { documentId: { $in: batch }, ...localeWhere(uid, locale), publishedAt: { $notNull: true } } });
        for (const row of rows as Array<{ documentId: string }>) published.add(row.documentId);
      }
      toRead = documentIds.filter((documentId) => published.has(documentId));
    }
    for (const batch of chunk(toRead, BATCH)) {
      const rows = await strapi.db.query(uid as any).findMany({
        where: {
          documentId: { $in: batch },
          ...localeWhere(uid, locale),
          ...(draftOnly && draftAndPublish ? { publishedAt: { $null: true } } : {}),
        },
        populate: { ...populateOf(uid), createdBy: { select: ['id'] } } as any,
      });
      for (const row of rows as any[]) byDocument.get(row.documentId)?.push(row);
    }
    const versions = new Map<string, DocumentVersions>();
    for (const [documentId, rows] of byDocument) {
      const draft = rows.find((row: any) => !draftAndPublish || row.publishedAt === null) ?? null;
      const published = draftAndPublish ? (rows.find((row: any) => row.publishedAt !== null) ?? null) : null;
      versions.set(documentId, {
        draft: draft && toData(uid, draft),
        published: published && !draftOnly ? toData(uid, published) : null,
        createdBy: (draft ?? published)?.createdBy?.id ?? null,
        ...(draftOnly ? { draftOnly } : {}),
      });
    }
    return versions;
  };

  /** After a chunk's change, in its transaction: every document's record, stamped as the run left it, in one insert per batch. */
  const recordDocuments = async (args: { runId: number; position: number; uid: string; locale: string | null; before: Map<string, DocumentVersions> }) => {
    const documentIds = [...args.before.keys()];
    const after = await stampsOf(args.uid, documentIds, args.locale);
    const records = documentIds.map((documentId) => ({
      runId: args.runId, position: args.position, entry: documentId, kind: 'versions',
      before: JSON.stringify(args.before.get(documentId)), after: JSON.stringify(after.get(documentId)),
    }));
    for (const batch of chunk(records, BATCH)) await strapi.db.query(RUN_UNDO_UID).createMany({ data: batch });
  };


  /** Puts a document's versions of one locale back through the Document Service (published first, then the draft). */
  const restore = async (uid: string, documentId: string, locale: string | null, before: DocumentVersions) => {
    const documents = strapi.documents(uid as any);
    const loc = localeWhere(uid, locale);
    let exists = Boolean(await strapi.db.query(uid as any).findOne({ where: { documentId }, select: ['id'] }));
    const write = async (data: Data) => {
      if (exists) await documents.update({ documentId, ...loc, data } as any);
      else await documents.create({ ...loc, data: { ...data, documentId } } as any);
      exists = true;
    };
    if (before.draftOnly) {
      if (before.draft) await write(before.draft);
    } else if (hasDraftAndPublish(getModel(strapi, uid))) {
      const published = await strapi.db.query(uid as any).findOne({ where: { documentId, ...loc, publishedAt: { $notNull: true } }, select: ['id'] });
      if (before.published) {
        await write(before.published);
        await documents.publish({ documentId, ...loc } as any);
      } else if (published) {
        await documents.unpublish({ documentId, ...loc } as any);
      }
      if (before.draft) await write(before.draft);
    } else if (before.draft) {
      await write(before.draft);
    }
    // the Document Service sets no creator without a request user: the recorded one comes back
    if (before.createdBy !== null) {
      await strapi.db.query(uid as any).updateMany({ where: { documentId, ...loc }, data: { createdBy: before.createdBy } });
    }
  };

  /** INSERT INTO the undo table's `attributes` the rows of `select` (set-based: no record passes through Node). */
  const insertRecords = (trx: Knex, attributes: string[], select: { toSQL(): { sql: string; bindings: readonly unknown[] } }, returning?: string) => {
    const { sql, bindings } = select.toSQL();
    const columns = attributes.map(u);
    return trx.raw(`INSERT INTO ?? (${columns.map(() => '??').join(', ')}) ${sql}${returning ? ' RETURNING ??' : ''}`, [undoTable(), ...columns, ...bindings, ...(returning ? [u(returning)] : [])]);
  };

  /** The first columns of an INSERT … SELECT of a chunk's records: run, position, entry, kind (constants). */
  const recordHead = (trx: Knex, runId: number, position: number, entry: string, kind: string) =>
    [runId, position, entry, kind].map((value) => trx.raw('?', [value]));

  /**
   * The run's packed records (PostgreSQL, see PACKED_ROWS), or those of one chunk, as the rows' own
   * `columns` and `links` records, in the rows' order. One statement that deletes what it unpacks, so two
   * callers at once cannot both unpack the same record.
   */
  const unpack = async (db: Knex, runId: number, position?: number) => {
    if (!isPostgres()) return;
    const columns = ['runId', 'position', 'entry', 'rowId', 'kind', 'before', 'after'].map(u);
    for (const [packedKind, kind] of [['packed', 'columns'], ['packed-links', 'links']]) {
      const gone = db(undoTable())
        .where({ [u('runId')]: runId, [u('kind')]: packedKind, ...(position === undefined ? {} : { [u('position')]: position }) })
        .delete()
        .returning(['id', u('position'), u('before'), u('after')]);
      // records of `before` ([row id, documentId, before, after?]) meet those of `after` ([row id, after]) by row id
      await db.raw(
        `WITH gone AS (?), ` +
          `b AS (SELECT gone.id, gone.?? AS position, e.value, e.n FROM gone CROSS JOIN LATERAL json_array_elements(CAST(gone.?? AS json)) WITH ORDINALITY AS e(value, n) WHERE gone.?? IS NOT NULL), ` +
          `a AS (SELECT gone.?? AS position, CAST(e.value->>0 AS INTEGER) AS row_id, e.value->1 AS after FROM gone CROSS JOIN LATERAL json_array_elements(CAST(gone.?? AS json)) AS e(value) WHERE gone.?? IS NOT NULL) ` +
          `INSERT INTO ?? (${columns.map(() => '??').join(', ')}) ` +
          `SELECT ?, b.position, b.value->>1, CAST(b.value->>0 AS INTEGER), ?, CAST(b.value->2 AS TEXT), CAST(COALESCE(b.value->3, a.after) AS TEXT) ` +
          `FROM b LEFT JOIN a ON a.position = b.position AND a.row_id = CAST(b.value->>0 AS INTEGER) ORDER BY b.id, b.n`,
        [gone, u('position'), u('before'), u('before'), u('position'), u('after'), u('after'), undoTable(), ...columns, runId, kind]
      );
    }
  };

  /**
   * PostgreSQL, after a chunk's change: a packed record of `after` ([row id, values now]) for the rows
   * the chunk's packed records of `kind` name (see PACKED_ROWS). `now` gives a row's values by its id.
   */
  const recordPackedAfter = async (trx: Knex, args: { runId: number; position: number; kind: string; now: (rowRef: string) => ReturnType<Knex['raw']> }) => {
    const { runId, position, kind } = args;
    const after = trx
      .select(
        ...recordHead(trx, runId, position, PACKED_ROWS, kind),
        trx.raw(`CAST(json_agg(json_build_array(r.row_id, ?)) AS TEXT)`, [args.now('r.row_id')])
      )
      .from({ k: undoTable() })
      .joinRaw(`CROSS JOIN LATERAL (SELECT CAST(e.value->>0 AS INTEGER) AS row_id FROM json_array_elements(CAST(k.?? AS json)) AS e(value)) AS r`, [u('before')])
      .where({ [`k.${u('runId')}`]: runId, [`k.${u('position')}`]: position, [`k.${u('kind')}`]: kind })
      .whereNotNull(`k.${u('before')}`)
      .havingRaw('count(*) > 0');
    await insertRecords(trx, ['runId', 'position', 'entry', 'kind', 'after'], after);
  };

  /** Before a chunk's UPDATE, in its transaction: the previous values of the columns it writes, of these rows (ids, or a Query Engine where). */
  const recordRows = async (
    trx: Knex,
    args: {
      runId: number; position: number; uid: string; where: Where | number[] | RowCondition; attributes: string[]; again?: boolean;
      /** the UPDATE that follows (columns → values or expressions over the row's own columns): its result is recorded too */
      then?: Data;
      /** answer the documentIds of the rows recorded */
      returning?: boolean;
    }
  ): Promise<string[]> => {
    const { runId, position, uid, where, attributes, then } = args;
    // the check below looks for the rows' own records: an earlier UPDATE of the chunk may have packed them
    if (args.again) await unpack(trx, runId, position);
    const pairs = columnsOf(uid, attributes);
    // row ids as they are (no Query Engine where to compile for 500 of them), a condition, or a where's rows
    const ofRows = (q: any) => (Array.isArray(where) ? q.whereIn('t.id', where) : typeof where === 'function' ? q.where(where('t.')) : q.whereIn('t.id', rowIds(uid, where)));
    if (isPostgres() && !args.again && !args.returning && !then) {
      const packed = trx
        .select(
          ...recordHead(trx, runId, position, PACKED_ROWS, 'packed'),
          trx.raw(`CAST(json_agg(json_build_array(t.id, t.??, ?) ORDER BY t.id) AS TEXT)`, [columnName(strapi, uid, 'documentId'), jsonOf(trx, 't', pairs, undefined, undefined, false)])
        )
        .from({ t: tableOf(uid) })
        .where(ofRows)
        .havingRaw('count(*) > 0');
      await insertRecords(trx, ['runId', 'position', 'entry', 'kind', 'before'], packed);
      return [];
    }
    const query = trx
      .select(
        trx.raw('?', [runId]),
        trx.raw('?', [position]),
        `t.${columnName(strapi, uid, 'documentId')}`,
        't.id',
        trx.raw('?', ['columns']),
        jsonOf(trx, 't', pairs),
        ...(then ? [jsonOf(trx, 't', pairs, undefined, then)] : [])
      )
      .from({ t: tableOf(uid) })
      .where(ofRows);
    // `again`: the chunk's second UPDATE (localized and shared attributes); a row both touch keeps its first values
    if (args.again) {
      query.whereNotExists(
        trx.select(trx.raw('1')).from({ k: undoTable() }).where(`k.${u('runId')}`, runId).where(`k.${u('position')}`, position).whereRaw('?? = ??', [`k.${u('rowId')}`, 't.id'])
      );
    }
    const result = await insertRecords(trx, ['runId', 'position', 'entry', 'rowId', 'kind', 'before', ...(then ? ['after'] : [])], query, args.returning ? 'entry' : undefined);
    return args.returning ? (result as Array<Record<string, string>>).map((row) => row[u('entry')]) : [];
  };

  /**
   * After the chunk's UPDATE(s), in the same transaction: the values the chunk left, row by row (again
   * after a further UPDATE). `sameForEveryRow`: the chunk's one UPDATE wrote constants, so every row
   * recorded holds the same values: one shared record, read off the first of them, says so for all.
   */
  const recordWritten = async (
    trx: Knex,
    args: { runId: number; position: number; uid: string; attributes: string[]; sameForEveryRow?: boolean; /** a row written (else the first recorded) */ rowId?: number }
  ) => {
    const { runId, position, uid, attributes } = args;
    const ofChunk = { [u('runId')]: runId, [u('position')]: position, [u('kind')]: 'columns' };
    if (args.sameForEveryRow) {
      const ownFirst = trx(undoTable()).where(ofChunk).whereNot(u('entry'), SHARED_AFTER).select(u('rowId')).limit(1);
      // PostgreSQL: or the first row of the chunk's packed record
      const packedFirst = () =>
        trx(undoTable())
          .where({ [u('runId')]: runId, [u('position')]: position, [u('kind')]: 'packed' })
          .whereNotNull(u('before'))
          .select(trx.raw('CAST(CAST(?? AS json)->0->>0 AS INTEGER)', [u('before')]))
          .limit(1);
      const firstRow = args.rowId ?? (isPostgres() ? trx.raw('COALESCE((?), (?))', [ownFirst, packedFirst()]) : ownFirst);
      const shared = trx
        .select(...recordHead(trx, runId, position, SHARED_AFTER, 'columns'), jsonOf(trx, 't', columnsOf(uid, attributes)))
        .from({ t: tableOf(uid) })
        .where('t.id', firstRow);
      await insertRecords(trx, ['runId', 'position', 'entry', 'kind', 'after'], shared);
      return;
    }
    const written = trx
      .select(jsonOf(trx, 't', columnsOf(uid, attributes)))
      .from({ t: tableOf(uid) })
      .whereRaw('?? = ??', ['t.id', `${undoTable()}.${u('rowId')}`]);
    await trx(undoTable()).where(ofChunk).whereNot(u('entry'), SHARED_AFTER).update({ [u('after')]: written });
    if (isPostgres()) {
      const values = jsonOf(trx, 't', columnsOf(uid, attributes), undefined, undefined, false);
      await recordPackedAfter(trx, { runId, position, kind: 'packed', now: (row) => trx.raw('(SELECT ? FROM ?? AS t WHERE t.id = ??)', [values, tableOf(uid), row]) });
    }
  };

  /** A relation's join table from the side of `uid` (the columns the edit-fields plan writes). */
  const joinTableOf = (uid: string, field: string) => {
    const attribute = (strapi.db.metadata.get(uid as any).attributes as Record<string, any>)[field];
    const jt = attribute?.joinTable;
    if (attribute?.type !== 'relation' || !jt) throw new Error(`undo: "${field}" of ${uid} is not a relation kept in a join table`);
    return {
      table: jt.name as string,
      source: jt.joinColumn.name as string,
      target: jt.inverseJoinColumn.name as string,
      order: (jt.orderColumnName ?? null) as string | null,
      inverseOrder: (jt.inverseOrderColumnName ?? null) as string | null,
      targetTable: tableOf(attribute.target),
    };
  };

  /** A link as recorded, `[target, this side's order, the other side's order]` of join-table alias `l`, and the link order. */
  const linkTuple = (jt: ReturnType<typeof joinTableOf>) => ({
    tuple: [jt.target, jt.order, jt.inverseOrder].map((column) => (column ? `l.${column}` : 'NULL')).join(', '),
    order: [jt.order ? `l.${jt.order}` : null, 'l.id'].filter(Boolean).join(', '),
  });

  /**
   * `CAST(json_object('tags', [[target, order, other side's order], …], …) AS TEXT)`: the links of the
   * row `rowRef` names in these relations, in link order, built in the database.
   */
  const linksJson = (trx: Knex, uid: string, fields: string[], rowRef: string, asText = true) => {
    const pg = isPostgres();
    const perField = fields.map((field) => {
      const jt = joinTableOf(uid, field);
      const { tuple, order } = linkTuple(jt);
      // PostgreSQL orders inside the aggregate; SQLite aggregates rows in the order its subquery gives
      // them, and json() keeps the array JSON (not text) across the subquery
      const sql = pg
        ? `(SELECT COALESCE(json_agg(json_build_array(${tuple}) ORDER BY ${order}), '[]'::json) FROM ?? AS l WHERE l.?? = ??)`
        : `json((SELECT json_group_array(json_array(${tuple})) FROM (SELECT * FROM ?? AS l WHERE l.?? = ?? ORDER BY ${order}) AS l))`;
      return { field, sql, bindings: [jt.table, jt.source, rowRef] };
    });
    const object = `${pg ? 'json_build_object' : 'json_object'}(${perField.map((f) => `CAST(? AS TEXT), ${f.sql}`).join(', ')})`;
    return trx.raw(asText ? `CAST(${object} AS TEXT)` : object, perField.flatMap((f) => [f.field, ...f.bindings]));
  };

  /**
   * Before a chunk's link changes, in its transaction: each row's links in these relations (target,
   * this side's order, the other side's order), one record per row with an `INSERT … SELECT` that
   * aggregates them in the database (nothing passes through Node).
   */
  const recordLinks = async (trx: Knex, args: { runId: number; position: number; uid: string; rowIds: number[]; fields: string[] }) => {
    const { runId, position, uid, fields } = args;
    for (const batch of chunk(args.rowIds, ID_CHUNK)) {
      if (isPostgres()) {
        // one packed record (see PACKED_ROWS): [row id, documentId, links]; each relation's links
        // grouped by row in one pass over its join table (cheaper than a sub-select per row)
        const packed = trx
          .select(
            ...recordHead(trx, runId, position, PACKED_ROWS, 'packed-links'),
            trx.raw(`CAST(json_agg(json_build_array(t.id, t.??, json_build_object(${fields.map((_, i) => `CAST(? AS TEXT), COALESCE(g${i}.links, '[]'::json)`).join(', ')})) ORDER BY t.id) AS TEXT)`, [
              columnName(strapi, uid, 'documentId'), ...fields,
            ])
          )
          .from({ t: tableOf(uid) })
          .whereIn('t.id', batch)
          .havingRaw('count(*) > 0');
        fields.forEach((field, i) => {
          const jt = joinTableOf(uid, field);
          const { tuple, order } = linkTuple(jt);
          packed.joinRaw(
            `LEFT JOIN (SELECT l.?? AS owner, json_agg(json_build_array(${tuple}) ORDER BY ${order}) AS links FROM ?? AS l WHERE l.?? IN (${batch.map(() => '?').join(', ')}) GROUP BY l.??) AS g${i} ON g${i}.owner = t.id`,
            [jt.source, jt.table, jt.source, ...batch, jt.source]
          );
        });
        await insertRecords(trx, ['runId', 'position', 'entry', 'kind', 'before'], packed);
        continue;
      }
      const query = trx
        .select(trx.raw('?', [runId]), trx.raw('?', [position]), `t.${columnName(strapi, uid, 'documentId')}`, 't.id', trx.raw('?', ['links']), linksJson(trx, uid, fields, 't.id'))
        .from({ t: tableOf(uid) })
        .whereIn('t.id', batch);
      await insertRecords(trx, ['runId', 'position', 'entry', 'rowId', 'kind', 'before'], query);
    }
  };

  /**
   * After the chunk's link changes, in the same transaction: the links the rows now have. Another
   * entry can change a row's links from the other side of a relation without stamping the row, so
   * undo compares these too before it puts links back.
   */
  const recordLinksWritten = async (trx: Knex, args: { runId: number; position: number; uid: string; fields: string[] }) => {
    const { runId, position, uid, fields } = args;
    if (isPostgres()) {
      // a second packed record: updating the records just inserted would cost PostgreSQL a new version of each
      await recordPackedAfter(trx, { runId, position, kind: 'packed-links', now: (row) => linksJson(trx, uid, fields, row, false) });
      return;
    }
    await trx(undoTable())
      .where({ [u('runId')]: runId, [u('position')]: position, [u('kind')]: 'links' })
      .update({ [u('after')]: linksJson(trx, uid, fields, `${undoTable()}.${u('rowId')}`) });
  };

  /** The entries of these whose rows' links differ from what the run left (recorded by recordLinksWritten). */
  const linksChangedSince = async (trx: Knex, runId: number, uid: string, documentIds: string[]) => {
    const changed = new Set<string>();
    const one = await trx(undoTable()).where({ [u('runId')]: runId, [u('kind')]: 'links' }).first(u('before'));
    if (!one) return changed;
    const fields = Object.keys(JSON.parse(one[u('before')]));
    for (const batch of chunk(documentIds, ID_CHUNK)) {
      const now = linksJson(trx, uid, fields, `k.${u('rowId')}`);
      const rows = await trx({ k: undoTable() })
        .distinct(`k.${u('entry')} as entry`)
        .where({ [`k.${u('runId')}`]: runId, [`k.${u('kind')}`]: 'links' })
        .whereIn(`k.${u('entry')}`, batch)
        .where(trx.raw(isPostgres() ? `k.?? IS DISTINCT FROM ?` : `NOT (k.?? IS ?)`, [u('after'), now]));
      for (const row of rows as Array<{ entry: string }>) changed.add(row.entry);
    }
    return changed;
  };

  return {
    // ------------------------------------------------------------------------------ recording (query mode)

    recordRows,

    /**
     * A chunk's one UPDATE of these rows and its records. PostgreSQL: one statement. Every part of a
     * statement sees the rows as they were before it and RETURNING gives them after, so the record
     * is inserted finished, one for the chunk's rows (PACKED_ROWS); recordRows, the UPDATE and
     * recordWritten update records the transaction has just inserted, which costs PostgreSQL twice
     * the change itself (docs/benchmark.md). SQLite
     * has no data-modifying CTE: the records, then the UPDATE. On both, when every value is a
     * constant (the same for every row), one shared record says what the rows now hold instead of
     * one `after` per row.
     * `data`: columns → values as the database takes them, or knex expressions. `rows`: row ids, or
     * a condition (then the documentIds of the rows written come back; the condition may leave some out).
     */
    async recordUpdate(
      trx: Knex,
      args: {
        runId: number; position: number; uid: string; rows: number[] | RowCondition; data: Record<string, unknown>; attributes: string[];
        /**
         * no `columns` record exists at this position yet (SQLite: the UPDATE may then name its rows by
         * the records just inserted; other kinds of record, such as links, are left out by their kind)
         */
        first?: boolean;
      }
    ): Promise<string[]> {
      const { runId, position, uid, rows, data, attributes } = args;
      if (Array.isArray(rows) && !rows.length) return [];
      const entry = columnName(strapi, uid, 'documentId');
      const which = (prefix: string) => (q: any) => (Array.isArray(rows) ? q.whereIn(`${prefix}id`, rows) : q.where(rows(prefix)));
      // every recorded column set to a constant: the rows hold the same afterwards (a knex
      // expression such as `views + 1`, or a column the UPDATE leaves as it is, differs per row)
      const constant = (value: unknown) => value === null || typeof value !== 'object' || value instanceof Date;
      const sameForEveryRow = columnsOf(uid, attributes).every(([, column]) => Object.hasOwn(data, column) && constant(data[column]));
      if (!isPostgres()) {
        // otherwise each row's result, in the records' INSERT, when the database stores it as computed
        // (else rewriting the fresh records afterwards, one sub-select each)
        const resultKnown = !sameForEveryRow && storedAsWritten(uid, attributes, data);
        const then = resultKnown ? { then: data } : {};
        let written: string[] = [];
        if (Array.isArray(rows)) {
          await recordRows(trx, { runId, position, uid, where: rows, attributes, ...then });
          await trx(tableOf(uid)).whereIn('id', rows).update(data);
        } else if (args.first) {
          // the condition is evaluated once: the UPDATE takes the rows just recorded, by their ids
          // (cheaper than looking the entries up again by documentId)
          written = await recordRows(trx, { runId, position, uid, where: rows, attributes, ...then, returning: true });
          const recorded = trx(undoTable()).select(u('rowId')).where({ [u('runId')]: runId, [u('position')]: position, [u('kind')]: 'columns' });
          if (written.length) await trx(tableOf(uid)).whereIn('id', recorded).update(data);
        } else {
          await recordRows(trx, { runId, position, uid, where: rows, attributes, ...then });
          written = (await trx(tableOf(uid)).where(which('')).update(data).returning(entry)).map((row: Record<string, string>) => row[entry]);
        }
        if (!resultKnown && (Array.isArray(rows) || written.length)) await recordWritten(trx, { runId, position, uid, attributes, sameForEveryRow });
        return written;
      }
      const pairs = columnsOf(uid, attributes);
      const old = trx
        .select('t.id', `t.${entry} as entry`, jsonOf(trx, 't', pairs, 'before', undefined, false))
        .from({ t: tableOf(uid) })
        .where(which('t.'));
      const sets = Object.entries(data).map(([column, value]) => trx.raw('?? = ?', [column, value]));
      // constants: the packed rows leave `after` out and one shared record holds it (as on SQLite)
      const after = sameForEveryRow ? '' : ', changed.after';
      const result = await trx.raw(
        `WITH old AS ?, changed AS (UPDATE ?? AS t SET ${sets.map(() => '?').join(', ')} WHERE t.id IN (SELECT id FROM old) RETURNING t.id${sameForEveryRow ? '' : ', ?'}), ` +
          `packed AS (INSERT INTO ?? (??, ??, ??, ??, ??) SELECT ?, ?, ?, ?, CAST(json_agg(json_build_array(old.id, old.entry, old.before${after}) ORDER BY old.id) AS TEXT) ` +
          `FROM old JOIN changed ON changed.id = old.id HAVING count(*) > 0) ` +
          `SELECT old.id, old.entry FROM old JOIN changed ON changed.id = old.id`,
        [
          old, tableOf(uid), ...sets, ...(sameForEveryRow ? [] : [jsonOf(trx, 't', pairs, 'after', undefined, false)]),
          undoTable(), ...['runId', 'position', 'entry', 'kind', 'before'].map(u), runId, position, PACKED_ROWS, 'packed',
        ]
      );
      const rowsWritten: Array<{ id: number; entry: string }> = result.rows;
      const written = rowsWritten.map((row) => row.entry);
      if (sameForEveryRow && rowsWritten.length) await recordWritten(trx, { runId, position, uid, attributes, sameForEveryRow, rowId: Number(rowsWritten[0].id) });
      return Array.isArray(rows) ? [] : written;
    },

    recordWritten,

    recordLinks,

    recordLinksWritten,

    // --------------------------------------------------------------------------- recording (documents mode)

    /** Before `fn`, inside the entry's transaction: the document's versions in the run's locale. */
    async snapshot(uid: string, documentId: string, locale: string | null, { draftOnly = false, publishes = false } = {}): Promise<DocumentVersions> {
      return (await snapshots(uid, [documentId], locale, draftOnly, publishes)).get(documentId)!;
    },

    /** Before their changes, in their transaction: the versions of these documents (one populated read per batch). */
    snapshotDocuments(uid: string, documentIds: string[], locale: string | null, { publishes = false } = {}): Promise<Map<string, DocumentVersions>> {
      return snapshots(uid, documentIds, locale, false, publishes);
    },

    /** Before a chunk's change, in its transaction: the drafts of these documents in the run's locale. */
    async snapshotDrafts(uid: string, documentIds: string[], locale: string | null): Promise<Map<string, DocumentVersions>> {
      return snapshots(uid, documentIds, locale, true);
    },

    /** After their changes, in the same transaction: each document's record, stamped as the run left it. */
    recordDocuments,

    /** Before `fn`, inside the entry's transaction: the document's versions in each of these locales. */
    async snapshotLocales(uid: string, documentId: string, locales: string[]): Promise<Record<string, DocumentVersions>> {
      const before: Record<string, DocumentVersions> = {};
      for (const code of locales) before[code] = (await snapshots(uid, [documentId], code, false)).get(documentId)!;
      return before;
    },

    /** After `fn`, in the same transaction: the locales it changed, as they were and as it left them (one record per entry). */
    async recordLocales(args: { runId: number; position: number; uid: string; documentId: string; before: Record<string, DocumentVersions> }) {
      const after: Record<string, Stamp> = {};
      for (const code of Object.keys(args.before)) after[code] = await stampOf(args.uid, args.documentId, code);
      const record: LocaleRecord = { locales: args.before };
      await strapi.db.query(RUN_UNDO_UID).create({
        data: { runId: args.runId, position: args.position, entry: args.documentId, kind: 'versions', before: JSON.stringify(record), after: JSON.stringify({ locales: after }) },
      });
    },

    // --------------------------------------------------------------------------------------- reverting

    /** Deleted entries as the permission conditions see an entry: recorded fields, locale and creator. */
    async recordedEntities(runId: number, documentIds: string[], locale: string | null): Promise<Map<string, Data>> {
      const entities = new Map<string, Data>();
      for (let i = 0; i < documentIds.length; i += 500) {
        const records = await strapi.db.query(RUN_UNDO_UID).findMany({
          where: { runId, kind: 'versions', entry: { $in: documentIds.slice(i, i + 500) } },
          select: ['entry', 'before'],
        });
        for (const record of records) {
          const recorded = JSON.parse(record.before) as DocumentVersions | LocaleRecord;
          // a record of every locale: the version of the run's locale, as the selection checks that one
          const versions = 'locales' in recorded ? Object.entries(recorded.locales) : [];
          const before = 'locales' in recorded ? ((locale && recorded.locales[locale]) || versions[0][1]) : recorded;
          entities.set(record.entry, {
            ...(before.draft ?? before.published ?? {}),
            ...(locale ? { locale } : {}),
            createdBy: before.createdBy === null ? null : { id: before.createdBy },
          });
        }
      }
      return entities;
    },

    /**
     * A record of every locale: its versions as the permission conditions see an entry (recorded
     * fields and creator), per locale; null for a record of one locale.
     */
    async recordedLocales(runId: number, documentId: string): Promise<Record<string, Data> | null> {
      const record = await strapi.db.query(RUN_UNDO_UID).findOne({ where: { runId, entry: documentId, kind: 'versions' }, select: ['before'] });
      const recorded = record ? (JSON.parse(record.before) as DocumentVersions | LocaleRecord) : null;
      if (!recorded || !('locales' in recorded)) return null;
      return Object.fromEntries(
        Object.entries(recorded.locales).map(([code, before]) => [
          code,
          { ...(before.draft ?? before.published ?? {}), createdBy: before.createdBy === null ? null : { id: before.createdBy } },
        ])
      );
    },

    unpack,

    /** How a run's changes were recorded: document versions (undone through the Document Service) or column values. */
    async recordedMode(runId: number): Promise<'documents' | 'query'> {
      const versions = await knex()(undoTable()).where({ [u('runId')]: runId, [u('kind')]: 'versions' }).first('id');
      return versions ? 'documents' : 'query';
    },

    /** The entries a run recorded changes for, in recording order. */
    async recordedEntries(runId: number): Promise<string[]> {
      const rows = await knex()(undoTable()).where(u('runId'), runId).whereNot(u('entry'), SHARED_AFTER).select(u('entry')).min({ first: 'id' }).groupBy(u('entry')).orderBy('first');
      return rows.map((row: any) => row[u('entry')]);
    },

    /**
     * Query mode, inside the revert chunk's transaction: rows still holding what the run wrote get
     * their previous values back; a document any of whose rows changed since is left as it is.
     */
    async revertRows(
      trx: Knex, runId: number, uid: string, documentIds: string[],
      /**
       * A run over every locale: may the undoing user restore this locale's row? A row they may not
       * gets back its non-localized columns only (shared by every locale: the run wrote them everywhere).
       */
      mayRestoreLocale?: (documentId: string, locale: string) => boolean
    ): Promise<Record<string, RevertOutcome>> {
      const model = getModel(strapi, uid);
      const linksChanged = await linksChangedSince(trx, runId, uid, documentIds);
      const localeColumn = isLocalized(model) ? columnName(strapi, uid, 'locale') : null;
      const records = await trx(undoTable())
        .where({ [u('runId')]: runId, [u('kind')]: 'columns' })
        .whereIn(u('entry'), documentIds)
        .select(u('entry'), u('rowId'), u('position'), u('before'), u('after'));
      // what chunks that wrote the same values to every row recorded once
      const positions = [...new Set(records.filter((record: any) => record[u('after')] === null).map((record: any) => Number(record[u('position')])))];
      const sharedAfter = new Map<number, string>();
      for (const batch of chunk(positions, BATCH)) {
        const shared = await trx(undoTable())
          .where({ [u('runId')]: runId, [u('kind')]: 'columns', [u('entry')]: SHARED_AFTER })
          .whereIn(u('position'), batch)
          .select(u('position'), u('after'));
        for (const record of shared) sharedAfter.set(Number(record[u('position')]), record[u('after')]);
      }
      const outcomes: Record<string, RevertOutcome> = {};
      const byKeys = new Map<string, any[]>();
      for (const record of records) {
        const keys = Object.keys(JSON.parse(record[u('before')])).join(',');
        byKeys.set(keys, [...(byKeys.get(keys) ?? []), record]);
      }
      const restore: Array<{ rowId: number; values: Data }> = [];
      for (const [keys, group] of byKeys) {
        const pairs = columnsOf(uid, keys.split(','));
        const now = await trx
          .select('t.id', jsonOf(trx, 't', pairs, 'now'), ...(localeColumn ? [`t.${localeColumn} as locale`] : []))
          .from({ t: tableOf(uid) })
          .whereIn('t.id', group.map((record) => record[u('rowId')]));
        const current = new Map(now.map((row: any) => [Number(row.id), row.now === null ? null : JSON.parse(row.now)]));
        const localeOf = new Map(now.map((row: any) => [Number(row.id), row.locale as string | undefined]));
        for (const record of group) {
          const entry = record[u('entry')];
          const after = record[u('after')] ?? sharedAfter.get(Number(record[u('position')])) ?? null;
          const written = after === null ? null : JSON.parse(after);
          const row = current.get(Number(record[u('rowId')]));
          if (!row || !sameJson(row, written) || linksChanged.has(entry)) outcomes[entry] = { skipped: 'changed-since' };
          else if (!outcomes[entry]) outcomes[entry] = { done: true };
          const before = JSON.parse(record[u('before')]) as Data;
          const rowLocale = localeOf.get(Number(record[u('rowId')]));
          const whole = !mayRestoreLocale || !rowLocale || mayRestoreLocale(entry, rowLocale);
          const restored = whole ? pairs : pairs.filter(([attribute]) => Object.hasOwn(model.attributes, attribute) && !isLocalizedAttribute(model, model.attributes[attribute] as any) && !['updatedAt', 'updatedBy'].includes(attribute));
          if (restored.length) restore.push({ rowId: Number(record[u('rowId')]), values: Object.fromEntries(restored.map(([attribute, column]) => [column, before[attribute]])) });
        }
      }
      // one UPDATE per distinct set of previous values (an update-field run has one or a few)
      const byValues = new Map<string, { values: Data; rowIds: number[] }>();
      const entryOfRow = new Map(records.map((record: any) => [Number(record[u('rowId')]), record[u('entry')]]));
      for (const { rowId, values } of restore) {
        if (!('done' in (outcomes[entryOfRow.get(rowId)!] ?? {}))) continue;
        const key = JSON.stringify(values);
        const group = byValues.get(key) ?? { values, rowIds: [] };
        group.rowIds.push(rowId);
        byValues.set(key, group);
      }
      for (const { values, rowIds: ids } of byValues.values()) {
        for (let i = 0; i < ids.length; i += 500) await trx(tableOf(uid)).whereIn('id', ids.slice(i, i + 500)).update(values);
      }
      return outcomes;
    },

    /**
     * Query mode, after revertRows in the same transaction: the entries it put back (`documentIds`) get
     * the links their rows had before the run, in their order on both sides; links to targets deleted
     * since are left out.
     */
    async revertLinks(trx: Knex, runId: number, uid: string, documentIds: string[]) {
      for (const batch of chunk(documentIds, ID_CHUNK)) {
        const records = await trx(undoTable()).where({ [u('runId')]: runId, [u('kind')]: 'links' }).whereIn(u('entry'), batch).select(u('rowId'), u('before'));
        const byField = new Map<string, Array<{ rowId: number; links: Array<[number, number | null, number | null]> }>>();
        for (const record of records) {
          const before = JSON.parse(record[u('before')]) as Record<string, Array<[number, number | null, number | null]>>;
          for (const [field, links] of Object.entries(before)) {
            const rows = byField.get(field) ?? [];
            rows.push({ rowId: Number(record[u('rowId')]), links });
            byField.set(field, rows);
          }
        }
        for (const [field, rows] of byField) {
          const jt = joinTableOf(uid, field);
          const rowIds = rows.map((row) => row.rowId);
          await trx(jt.table).whereIn(jt.source, rowIds).delete();
          const targets = [...new Set(rows.flatMap((row) => row.links.map(([target]) => Number(target))))];
          const existing = new Set<number>();
          for (const ids of chunk(targets, ID_CHUNK)) for (const { id } of await trx(jt.targetTable).whereIn('id', ids).select('id')) existing.add(Number(id));
          const inserts = rows.flatMap((row) =>
            row.links
              .filter(([target]) => existing.has(Number(target)))
              .map(([target, order, inverseOrder]) => ({
                [jt.source]: row.rowId,
                [jt.target]: target,
                ...(jt.order ? { [jt.order]: order } : {}),
                ...(jt.inverseOrder ? { [jt.inverseOrder]: inverseOrder } : {}),
              }))
          );
          for (const part of chunk(inserts, BATCH)) await trx(jt.table).insert(part);
        }
      }
    },

    /**
     * Documents mode, inside the revert entry's transaction: a document whose rows are as the run left
     * them gets its versions back through the Document Service (its published version first, then its
     * draft); deleted entries come back under their documentId.
     */
    async revertDocument(
      runId: number, uid: string, documentId: string, locale: string | null,
      /** a record of every locale: may the reverting user act on this locale version? */
      mayRestore: (code: string) => boolean = () => true
    ): Promise<RevertOutcome> {
      const record = await strapi.db.query(RUN_UNDO_UID).findOne({ where: { runId, entry: documentId, kind: 'versions' } });
      if (!record) return { skipped: 'changed-since' };
      const recorded = JSON.parse(record.before) as DocumentVersions | LocaleRecord;
      if ('locales' in recorded) {
        // every locale the run changed comes back, or none: a locale changed since leaves the entry as it is
        const after = (JSON.parse(record.after ?? '{}') as { locales?: Record<string, Stamp> }).locales ?? {};
        const codes = Object.keys(recorded.locales).filter(mayRestore);
        if (!codes.length) return { skipped: 'forbidden' };
        for (const code of codes) {
          if (!sameJson(await stampOf(uid, documentId, code), after[code] ?? [])) return { skipped: 'changed-since' };
        }
        for (const code of codes) await restore(uid, documentId, code, recorded.locales[code]);
        return { done: true, locales: codes };
      }
      if (!sameJson(await stampOf(uid, documentId, locale), JSON.parse(record.after ?? '[]'))) return { skipped: 'changed-since' };
      await restore(uid, documentId, locale, recorded);
      return { done: true };
    },

    /** Undo records of runs finished more than `days` ago are removed; the run keeps when. */
    async purgeExpired(days: number) {
      const before = new Date(Date.now() - days * 86_400_000);
      const runs = knex()(tableOf(RUN_UID));
      const r = (attribute: string) => columnName(strapi, RUN_UID, attribute);
      const expired = await runs.clone().where(r('revertible'), true).whereNull(r('undoPurgedAt')).where(r('finishedAt'), '<', before).select('id').limit(500);
      for (const { id } of expired) {
        await strapi.db.transaction(async ({ trx }) => {
          await trx(undoTable()).where(u('runId'), id).delete();
          await trx(tableOf(RUN_UID)).where({ id }).update({ [r('undoPurgedAt')]: new Date() });
        });
      }
      return expired.length;
    },
  };
};

export default createUndoService;
export type UndoService = ReturnType<typeof createUndoService>;
