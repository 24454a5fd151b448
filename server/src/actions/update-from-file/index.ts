import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { SKIP_REASONS, runMessageId, type PlannedField, type UploadSummary } from '../../contracts';
import type { UserAbility } from '../../services/access/permissions';
import type { BulkActionDefinition, RowRange, RunContext } from '../../types';
import { columnName, getModel, isLocalized } from '../../utils/models';
import { getService } from '../../utils/services';
import { editableFields, type EditableField } from '../edit-fields/fields';
import { applyPlan, isPlainType, planChunk, resolveTargets } from '../edit-fields/plan';
import { createExportReader } from '../export-read';
import { planColumns, type ColumnPlan, type FileParams } from './columns';
import { comparable, currentCell, currentValue, parseCell } from './values';
import { columnUpdates, type ColumnWrite } from './write';

/** How many invalid or forbidden cells the run's message names. */
const LISTED = 20;

/** The file's rows by key; keys named by several rows are kept apart as duplicates. */
interface FileIndex {
  rows: Map<string, { row: number; cells: string[] }>;
  duplicates: Set<string>;
  /** rows of another locale than the run's (i18n types keyed by documentId) */
  otherLocale: number;
}

async function indexFile(strapi: Core.Strapi, upload: UploadSummary, plan: ColumnPlan, locale: string | null): Promise<FileIndex> {
  const index: FileIndex = { rows: new Map(), duplicates: new Set(), otherLocale: 0 };
  for await (const part of getService(strapi, 'uploads').parts(upload.id)) {
    for (let i = 0; i < part.rows.length; i += 1) {
      const cells = part.rows[i];
      if (plan.localeIndex !== null && locale && cells[plan.localeIndex] !== locale) {
        index.otherLocale += 1;
        continue;
      }
      const key = cells[plan.keyIndex];
      if (index.rows.has(key)) index.duplicates.add(key);
      else index.rows.set(key, { row: part.firstRow + i, cells });
    }
  }
  return index;
}

/** The user's current RBAC ability (a queued run is worked without the request that started it). */
async function abilityOf(strapi: Core.Strapi, userId: number): Promise<UserAbility> {
  const user = await strapi.db.query('admin::user').findOne({ where: { id: userId }, populate: ['roles'] });
  if (!user || user.isActive !== true) throw new Error(`The user ${userId} who started the run is no longer active`);
  return strapi.service('admin::permission').engine.generateUserAbility(user);
}

const fileLabel = (upload: UploadSummary) => `"${upload.name}" (${upload.size} bytes, SHA-256 ${upload.sha256})`;

/** What every chunk needs: the upload, its columns, the user's field permissions, the file by key. */
async function prepare(strapi: Core.Strapi, uid: string, locale: string | null, userId: number, params: FileParams, forRun = false) {
  const model = getModel(strapi, uid);
  const upload = await getService(strapi, 'uploads').find(params.upload, userId, { forRun }).catch(() => {
    throw new Error(`The upload ${params.upload} is no longer kept: upload the file again`);
  });
  const ability = await abilityOf(strapi, userId);
  const permissions = getService(strapi, 'permissions');
  const plan = planColumns(strapi, uid, upload.columns, params, (field) => permissions.canUseField(ability, uid, field, 'read'));
  const byName: Record<string, EditableField> = Object.create(null);
  for (const field of editableFields(strapi, uid)) byName[field.name] = field;
  const scope = getService(strapi, 'selection').rowScope(uid, locale);
  const relations = plan.fields.filter((f) => f.attribute.type === 'relation');
  return {
    strapi,
    uid,
    model,
    upload,
    plan,
    byName,
    mayUpdate: new Set(plan.fields.filter((f) => f.editable && permissions.canUseField(ability, uid, f.field, 'update')).map((f) => f.field)),
    index: await indexFile(strapi, upload, plan, locale),
    since: params.since ? new Date(params.since).getTime() : null,
    relations,
    /** a chunk's entries as the Query Engine's findMany answers them, read with knex (the export's reader) */
    reader: createExportReader(strapi, uid, {
      scope,
      localized: false,
      scalars: [...new Set(['updatedAt', ...(plan.key !== 'documentId' ? [plan.key] : []), ...plan.fields.filter((f) => f.attribute.type !== 'relation').map((f) => f.field)])],
      relations: relations.map((f) => f.field),
    }),
    meta: strapi.db.metadata.get(uid as any) as any,
    localized: isLocalized(model),
    /** keys of the file that named an entry of the selection */
    matched: new Set<string>(),
    /** invalid or forbidden cells, for the run's message */
    listed: { items: [] as string[], total: 0 },
  };
}
type Prepared = Awaited<ReturnType<typeof prepare>>;

/**
 * One chunk's plan, read only: each entry's outcome, and for the entries that change, the entries
 * taking each value per field (what the run writes set-based) and before → after (what the preview shows).
 */
async function planEntries(prepared: Prepared, locale: string | null, documentIds: string[], trx: any, rowRange: RowRange | null, describe: boolean) {
  const { strapi, uid, model, upload, plan, index, relations, reader, mayUpdate, since, matched, listed, byName } = prepared;
  /** the message of an entry's invalid or forbidden cell: listed in the run's message, and in the dry run's report */
  const messages = new Map<string, string>();
  const note = (documentId: string, text: string) => {
    messages.set(documentId, text);
    listed.total += 1;
    if (listed.items.length < LISTED) listed.items.push(text);
  };
  const current = (await reader.rows(documentIds, trx, rowRange)) as Array<Record<string, any>>;
  const found = new Map(current.map((entry) => [entry.documentId as string, entry]));
  const skipped = new Map<string, string>();
  const changes = new Map<string, PlannedField[]>();
  /** per field, the entries taking each value */
  const groups = new Map<string, Map<string, { value: unknown; documentIds: string[] }>>();

  for (const documentId of documentIds) {
    const entry = found.get(documentId);
    if (!entry) {
      skipped.set(documentId, SKIP_REASONS.notFound);
      continue;
    }
    const key = plan.key === 'documentId' ? documentId : currentCell(model.attributes[plan.key], entry[plan.key], upload.format);
    if (index.duplicates.has(key)) {
      matched.add(key);
      skipped.set(documentId, SKIP_REASONS.duplicateKey);
      continue;
    }
    const fileRow = index.rows.get(key);
    if (!fileRow) {
      skipped.set(documentId, SKIP_REASONS.notInFile);
      continue;
    }
    matched.add(key);
    const entryChanges: Array<{ field: string; value: unknown; before: unknown }> = [];
    let outcome: string | null = null;
    for (const column of plan.fields) {
      const cell = fileRow.cells[column.index] ?? '';
      const before = entry[column.field];
      if (cell === currentCell(column.attribute, before, upload.format)) continue;
      const parsed = parseCell(column.attribute, cell, upload.format);
      if ('error' in parsed) {
        note(documentId, `row ${fileRow.row + 1}, column "${column.column}": ${JSON.stringify(cell.slice(0, 80))} ${parsed.error}`);
        outcome = SKIP_REASONS.invalidValue;
        break;
      }
      const was = currentValue(column.attribute, before);
      if (comparable(column.attribute, parsed.value) === comparable(column.attribute, was)) continue;
      if (!mayUpdate.has(column.field)) {
        note(documentId, `row ${fileRow.row + 1}, column "${column.column}": you may not change "${column.field}"`);
        outcome = SKIP_REASONS.forbidden;
        break;
      }
      entryChanges.push({ field: column.field, value: parsed.value, before: was });
    }
    if (!outcome && !entryChanges.length) outcome = SKIP_REASONS.unchanged;
    if (!outcome && since !== null && new Date(entry.updatedAt).getTime() > since) outcome = SKIP_REASONS.changedSince;
    if (outcome) {
      skipped.set(documentId, outcome);
      continue;
    }
    if (describe) changes.set(documentId, entryChanges.map(({ field, before, value }) => ({ field, before: before ?? null, after: value })));
    for (const { field, value } of entryChanges) {
      const byValue = groups.get(field) ?? new Map();
      const valueKey = JSON.stringify(value);
      const group = byValue.get(valueKey) ?? { value, documentIds: [] };
      group.documentIds.push(documentId);
      byValue.set(valueKey, group);
      groups.set(field, byValue);
    }
  }

  // relation targets must exist in the run's locale: an entry naming a missing one is invalid
  const targets = new Map<string, number[]>();
  for (const column of relations) {
    for (const group of groups.get(column.field)?.values() ?? []) {
      const ids = group.value === null ? [] : Array.isArray(group.value) ? (group.value as string[]) : [group.value as string];
      const rowIds = ids.length ? await resolveTargets(strapi, uid, byName[column.field], ids, locale, trx) : [];
      if (new Set(ids).size !== rowIds.length) {
        for (const documentId of group.documentIds) {
          skipped.set(documentId, SKIP_REASONS.invalidValue);
          changes.delete(documentId);
          note(documentId, `${documentId}, column "${column.column}": ${ids.join(', ')} names an entry that does not exist`);
        }
      }
      targets.set(`${column.field}\u0000${JSON.stringify(group.value)}`, rowIds);
    }
  }
  return { found, skipped, changes, groups, targets, messages };
}

/**
 * django-adminactions' bulk_update: the exported file, edited in a spreadsheet, uploaded back. Each
 * entry of the selection takes the values of the file's row with its key; cells equal to the entry's
 * values (as the export writes them) change nothing, so an exported file uploaded unchanged is a
 * run of 0 changes. Per chunk, the entries are grouped by the value each field takes, and each group
 * is one set-based UPDATE.
 */
export const updateFromFileAction: BulkActionDefinition<FileParams> = {
  name: 'update-from-file',
  label: 'Update from a file',
  description: 'Applies a CSV or XLSX file (an export, edited in a spreadsheet) to the selected entries, matched by documentId or a unique field.',
  contentTypes: '*',
  permissions: ['update'],
  revertible: true,
  mode: 'query',
  form: {
    upload: { type: 'upload', label: 'File', required: true },
    key: { type: 'string', label: 'Key', description: 'documentId (default) or a unique field naming each row\'s entry' },
    mapping: { type: 'mapping', label: 'Columns', description: 'Columns mapped to fields by their header; map a column to a field, or to null to ignore it' },
    since: { type: 'datetime', label: 'Checked at', description: 'Entries changed after this moment are left alone (changed-since)' },
  },
  confirm: { message: 'Update {count, plural, one {# entry} other {# entries}} from the file?' },

  async validate(params, context) {
    const { strapi } = context;
    const upload = await getService(strapi, 'uploads').find(params.upload, context.user.id).catch(() => {
      throw new errors.ValidationError(`params.upload: no upload ${params.upload} of yours (uploads are kept for a limited time)`, {
        errors: [{ path: ['params', 'upload'], message: 'is not an upload of yours', name: 'ValidationError' }],
      });
    });
    planColumns(strapi, context.uid, upload.columns, params, (field) => context.canUseField(field, 'read'));
  },

  async preview(run) {
    // the dry run's time: the run skips entries changed after it (changed-since)
    const checkedAt = new Date().toISOString();
    const prepared = await prepare(run.strapi, run.uid, run.locale, run.user.id, run.params);
    await run.eachChunk(async (documentIds, { trx, rowRange }) => {
      const chunk = await planEntries(prepared, run.locale, documentIds, trx, rowRange, run.wantsChanges());
      for (const [documentId, reason] of chunk.skipped) run.skip(documentId, reason, chunk.messages.get(documentId));
      for (const [documentId, fields] of chunk.changes) run.change(documentId, fields);
    });
    const unmatched = [...prepared.index.rows].filter(([key]) => !prepared.matched.has(key));
    if (unmatched.length) run.tally('rows-not-in-selection', unmatched.length);
    for (const [key, fileRow] of unmatched) run.reportLine(key, 'not-in-selection', `row ${fileRow.row + 1}`);
    if (prepared.index.otherLocale) run.tally('rows-of-another-locale', prepared.index.otherLocale);
    if (prepared.index.duplicates.size) run.tally('duplicate-keys', prepared.index.duplicates.size);
    if (!run.params.since) run.carry('since', checkedAt);
  },

  async handler(run: RunContext<FileParams>) {
    const { strapi, uid } = run;
    const prepared = await prepare(strapi, uid, run.locale, run.user.id, run.params, true);
    const { upload, plan, index, listed, meta, model, localized, relations, byName } = prepared;
    const dialect = strapi.db.dialect.client as 'sqlite' | 'postgres';
    // undo: columns set-based; a file that maps relations records each changed entry's draft instead
    const columnsOnly = relations.length === 0;
    const columnAttributes = plan.fields.filter((f) => f.attribute.type !== 'relation').map((f) => f.field);
    let changed = 0;

    await run.eachChunk(async (documentIds, { trx, undo, rowRange }) => {
      const { found, skipped, groups, targets } = await planEntries(prepared, run.locale, documentIds, trx, rowRange, false);
      for (const [documentId, reason] of skipped) run.skip(documentId, reason);
      const changing = [...new Set([...groups.values()].flatMap((byValue) => [...byValue.values()].flatMap((g) => g.documentIds)))].filter((id) => !skipped.has(id));
      if (!changing.length) return;

      // the rows the scalar updates touch: drafts of the run's locale, and of every locale for shared
      // fields; without locales those are the rows the plan read
      let rows: Array<{ id: number; documentId: string; locale?: string }>;
      if (localized) {
        let rowQuery = trx(meta.tableName)
          .select('id', `${meta.attributes.documentId.columnName} as documentId`, `${meta.attributes.locale.columnName} as locale`)
          .whereIn(meta.attributes.documentId.columnName, changing);
        if (model.options?.draftAndPublish) rowQuery = rowQuery.whereNull(meta.attributes.publishedAt.columnName);
        rows = await rowQuery;
      } else {
        rows = changing.map((documentId) => ({ id: Number(found.get(documentId)!.id), documentId }));
      }
      const rowIdsOf = (ids: string[], everyLocale: boolean) => {
        const wanted = new Set(ids);
        return rows.filter((row) => wanted.has(row.documentId) && (everyLocale || !localized || row.locale === run.locale)).map((row) => row.id);
      };
      const stamped = rowIdsOf(changing, true);
      const now = new Date();
      const stamp = { [columnName(strapi, uid, 'updatedAt')]: now, [columnName(strapi, uid, 'updatedBy')]: run.user.id };

      // plain columns: one UPDATE of every stamped row, the stamp with them (write.ts); the others
      // through the Query Engine, which converts values as Strapi stores them
      const writes: ColumnWrite[] = [];
      const viaQueryEngine: Array<{ field: string; value: unknown; rowIds: number[] }> = [];
      for (const column of plan.fields) {
        if (column.attribute.type === 'relation') continue;
        const columnGroups = [...(groups.get(column.field)?.values() ?? [])]
          .map((group) => ({ value: group.value, rowIds: rowIdsOf(group.documentIds.filter((id) => !skipped.has(id)), !column.localized) }))
          .filter((group) => group.rowIds.length);
        if (isPlainType(column.attribute.type)) writes.push({ column: columnName(strapi, uid, column.field), type: column.attribute.type, groups: columnGroups });
        else for (const group of columnGroups) viaQueryEngine.push({ field: column.field, ...group });
      }
      const updates = columnUpdates(trx, stamped, writes, stamp);

      // the chunk one UPDATE of columns: the change and its undo record together (one statement on PostgreSQL)
      if (undo && columnsOnly && updates.length === 1 && !viaQueryEngine.length) {
        await undo.update(stamped, updates[0], columnAttributes);
        changed += changing.length;
        return;
      }
      let recorded: (() => Promise<void>) | null = null;
      if (undo && columnsOnly) await undo.columns({ id: { $in: stamped } }, columnAttributes);
      if (undo && !columnsOnly) recorded = await undo.drafts(changing);
      for (const data of updates) await trx(meta.tableName).whereIn('id', stamped).update(data);
      for (const { field, value, rowIds } of viaQueryEngine) {
        await strapi.db.query(uid as any).updateMany({ where: { id: { $in: rowIds } }, data: { [field]: value } as any });
      }
      for (const column of relations) {
        for (const group of groups.get(column.field)?.values() ?? []) {
          const ids = group.documentIds.filter((id) => !skipped.has(id));
          if (!ids.length) continue;
          const field = byName[column.field];
          const targetRowIds = targets.get(`${column.field}\u0000${JSON.stringify(group.value)}`) ?? [];
          const op = targetRowIds.length ? 'set' : 'clear';
          const chunkPlan = await planChunk(
            { strapi, uid, locale: run.locale, dialect, changes: [{ change: { field: column.field, op, value: group.value ?? undefined }, field, targetRowIds }] },
            trx,
            ids
          );
          await applyPlan(strapi, uid, chunkPlan, trx, run.user.id, now);
        }
      }
      if (undo && columnsOnly) await undo.written(columnAttributes);
      if (recorded) await recorded();
      changed += changing.length;
      // several chunks a call while they are quick (a column's CASE is split past 20,000 bindings, see write.ts)
    }, { maxEntries: 2000 });

    run.message({
      text: `${changed} ${changed === 1 ? 'entry' : 'entries'} updated from the file ${fileLabel(upload)}`,
      id: runMessageId('update-from-file.done'),
      values: { count: changed, name: upload.name, size: upload.size, sha256: upload.sha256 },
    });
    const unmatched = [...index.rows.keys()].filter((key) => !prepared.matched.has(key)).length;
    if (unmatched || index.otherLocale) {
      const parts = [unmatched ? `${unmatched} named no entry of this run's selection` : '', index.otherLocale ? `${index.otherLocale} are of another locale` : ''].filter(Boolean);
      run.message(
        { text: `rows of the file not applied: ${parts.join('; ')}`, id: runMessageId('update-from-file.not-applied'), values: { unmatched, otherLocale: index.otherLocale } },
        'warning'
      );
    }
    if (listed.total) {
      const more = listed.total - listed.items.length;
      run.message(
        {
          text: `not written: ${listed.items.join('; ')}${more > 0 ? ` and ${more} more` : ''}`,
          id: runMessageId('update-from-file.not-written'),
          values: { items: listed.items.join('; '), more },
        },
        'warning'
      );
    }
  },
};
