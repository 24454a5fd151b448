import { SKIP_REASONS, runMessageId, type EditChange } from '../contracts';
import type { BulkActionDefinition, RunContext } from '../types';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { columnName, getModel, hasDraftAndPublish, isLocalized } from '../utils/models';
import { CHUNK_SIZE, MAX_GROUP_ENTRIES } from '../constants';
import { plannedFields } from './edit-fields/preview';
import { editableFields, linksTargetExclusively, type EditableField } from './edit-fields/fields';
import { applyGuarded, applyPlan, guardedUpdate, planChunk, resolveTargets, singleUpdate, type PlanContext, type ResolvedChange } from './edit-fields/plan';
import { actsOnAllLocales, allLocalesField, refuseAllLocalesChanges, updateOtherLocales } from './all-locales';

/** How many entries with an invalid result the run's message names. */
const LISTED_INVALID = 20;

const describeValue = (value: unknown) => (value === null || value === undefined ? 'empty' : JSON.stringify(value));

type Dialect = 'sqlite' | 'postgres';

/**
 * Entries one chunk call may take: the plan's guard binds the chunk's row ids once per change
 * (planChunk), so many changes mean fewer entries, keeping a statement's bindings under ~25,000
 * (SQLite allows 32,766). Never under a chunk of 500.
 */
const entriesPerCall = (changes: number) => Math.max(CHUNK_SIZE.query, Math.min(MAX_GROUP_ENTRIES, Math.floor(25_000 / (changes + 1))));

/** How many of these documents have a published version in the run's locale (their live version). */
async function publishedAmong(run: { strapi: Core.Strapi; uid: string; locale: string | null }, trx: any, documentIds: string[]) {
  const model = getModel(run.strapi, run.uid);
  if (!hasDraftAndPublish(model) || !documentIds.length) return 0;
  const col = (name: string) => columnName(run.strapi, run.uid, name);
  const query = trx(run.strapi.db.metadata.get(run.uid as any).tableName)
    .countDistinct({ n: col('documentId') })
    .whereIn(col('documentId'), documentIds)
    .whereNotNull(col('publishedAt'));
  if (isLocalized(model) && run.locale) query.where(col('locale'), run.locale);
  const [row] = await query;
  return Number(row?.n ?? 0);
}

/**
 * The published rows among these whose entry is Published, not Modified: the Content Manager calls an
 * entry Modified when its draft was updated after its published version. Stamped with the draft's
 * time, they stay Published; the others keep their time, so a Modified entry stays Modified.
 */
async function publishedNotModified(strapi: Core.Strapi, uid: string, trx: any, rowIds: number[]): Promise<number[]> {
  if (!rowIds.length) return [];
  const model = getModel(strapi, uid);
  const table = strapi.db.metadata.get(uid as any).tableName;
  const col = (name: string) => columnName(strapi, uid, name);
  const rows = await trx({ p: table })
    .select('p.id')
    .join({ d: table }, function (this: any) {
      this.on(`d.${col('documentId')}`, `p.${col('documentId')}`);
      if (isLocalized(model)) this.andOn(`d.${col('locale')}`, `p.${col('locale')}`);
    })
    .whereNull(`d.${col('publishedAt')}`)
    .whereIn('p.id', rowIds)
    .whereRaw('?? <= ??', [`d.${col('updatedAt')}`, `p.${col('updatedAt')}`]);
  return rows.map((row: { id: number }) => Number(row.id));
}

/**
 * A chunk's plan for the drafts and, with `published`, for the published versions too. An entry is
 * left alone (invalid-value) when either version's result breaks a rule, and is unchanged only when
 * both versions (or its draft, without a published one) already hold the result.
 */
async function planVersions(context: PlanContext, trx: any, documentIds: string[], published: boolean) {
  let draft = await planChunk(context, trx, documentIds);
  if (!published) return { draft, published: null, notFound: draft.notFound, invalid: draft.invalid, unchanged: draft.unchanged };
  const leftOut = new Set([...draft.notFound, ...draft.invalid.map(({ documentId }) => documentId)]);
  const live = await planChunk({ ...context, version: 'published' }, trx, documentIds.filter((id) => !leftOut.has(id)));
  if (live.invalid.length) {
    // planned again without them: their drafts are not written either
    const bad = new Set(live.invalid.map(({ documentId }) => documentId));
    draft = await planChunk(context, trx, documentIds.filter((id) => !bad.has(id)));
  }
  // `notFound` of the published plan: entries without a published version (drafts only)
  const liveHolds = new Set([...live.unchanged, ...live.notFound]);
  return {
    draft,
    published: live,
    notFound: draft.notFound,
    invalid: [...draft.invalid, ...live.invalid],
    unchanged: draft.unchanged.filter((id) => liveHolds.has(id)),
  };
}

/**
 * The run's changes against the content type as it is now: fields that still exist, relation
 * targets as rows. Shared by the preview and the run, so both plan the same thing.
 */
async function resolveChanges(run: Pick<RunContext<{ changes: EditChange[] }>, 'strapi' | 'uid' | 'params' | 'locale' | 'count'>) {
  const { strapi, uid } = run;
  const dialect = strapi.db.dialect.client;
  const byName: Record<string, EditableField> = Object.create(null);
  for (const field of editableFields(strapi, uid)) byName[field.name] = field;

  const changes: ResolvedChange[] = [];
  for (const change of run.params.changes) {
    const field = byName[change.field];
    if (!field) throw new Error(`"${change.field}" can no longer be edited on ${uid}`);
    const resolved: ResolvedChange = { change, field };
    if (field.kind === 'relation' && change.value !== undefined && change.value !== null) {
      const ids = (Array.isArray(change.value) ? change.value : [change.value]) as string[];
      resolved.targetRowIds = await resolveTargets(strapi, uid, field, ids, run.locale);
      // refused with a 400 before the run; still true of a selection that grew since (a retry)
      if (linksTargetExclusively(field.attribute as any) && ['set', 'add'].includes(change.op) && run.count > 1) {
        throw new Error(`"${change.field}" links an entry of ${field.target} to one entry only: select one entry to ${change.op} it`);
      }
    }
    changes.push(resolved);
  }
  const computes = run.params.changes.some((change) => !['set', 'clear', 'add', 'remove'].includes(change.op));
  if (computes && dialect !== 'sqlite' && dialect !== 'postgres') {
    throw new Error(`Operations other than set and clear need SQLite or PostgreSQL (this database: ${dialect})`);
  }
  return { changes, dialect: dialect as Dialect };
}

/**
 * Django-adminactions' mass update, and more: several fields in one run, each with an operation that
 * fits its type, relations, media and fields of single components; set-based SQL per chunk.
 */
export const updateFieldAction: BulkActionDefinition<{ changes: EditChange[]; published?: boolean; allLocales?: boolean }> = {
  name: 'update-field',
  // the label and confirm of the one-field version: lists, audit logs and browser tests name it so
  label: 'Update a field',
  description: 'Changes one or more fields of every selected entry: set, clear, or an operation by type (append, increment, toggle, add a relation…).',
  contentTypes: '*',
  permissions: ['update'],
  revertible: true,
  mode: 'query',
  form: {
    changes: { type: 'changes', label: 'Changes', required: true, permission: 'update' },
    published: {
      type: 'boolean',
      supports: (model) => hasDraftAndPublish(model as any),
      label: 'Apply to the published version too',
      description: 'Published entries change on the live site in the same run and stay Published (fields of the entry itself, not relations, media or components).',
    },
    ...allLocalesField,
  },
  confirm: { message: 'Change this field on {count, plural, one {# entry} other {# entries}}?' },
  validate(params, { strapi, uid }) {
    refuseAllLocalesChanges(params, editableFields(strapi, uid));
    if (!params.published) return;
    if (params.allLocales) {
      // the published versions of other locales are not planned yet: one or the other
      throw new errors.ValidationError('params.published cannot be combined with allLocales', {
        errors: [{ path: ['params', 'published'], message: 'cannot be combined with allLocales', name: 'ValidationError' }],
      });
    }
    // a published version links published targets: relations, media and components are drafts' only
    const kinds = new Map(editableFields(strapi, uid).map((field) => [field.name, field.kind]));
    const index = params.changes.findIndex((change) => kinds.get(change.field) !== 'column');
    if (index >= 0) {
      throw new errors.ValidationError(`params.published: "${params.changes[index].field}" is not a field of the entry itself: only those change on the published version too`, {
        errors: [{ path: ['params', 'published'], message: `"${params.changes[index].field}" is not a field of the entry itself`, name: 'ValidationError' }],
      });
    }
  },
  async preview(run) {
    const { changes, dialect } = await resolveChanges(run);
    const context = { strapi: run.strapi, uid: run.uid, locale: run.locale, dialect, changes };
    await run.eachChunk(async (documentIds, { trx }) => {
      const plan = await planVersions(context, trx, documentIds, Boolean(run.params.published));
      for (const documentId of plan.notFound) run.skip(documentId, SKIP_REASONS.notFound);
      for (const { documentId } of plan.invalid) run.skip(documentId, SKIP_REASONS.invalidValue);
      // over every locale the plan covers the list's locale only: an entry holding the result there may
      // still change in another locale, so it is not promised as unchanged
      if (!run.params.allLocales) for (const documentId of plan.unchanged) run.skip(documentId, SKIP_REASONS.unchanged);
      // the editor is told how many entries are live, and whether the live version changes too
      const published = await publishedAmong(run, trx, documentIds.filter((documentId) => plan.draft.rowIdOf.has(documentId)));
      if (published) run.tally(run.params.published ? 'published-entries-updated' : 'published-entries', published);
      if (!run.wantsChanges()) return;
      const left = new Set([...plan.notFound, ...plan.invalid.map(({ documentId }) => documentId), ...(run.params.allLocales ? [] : plan.unchanged)]);
      const changing = documentIds.filter((documentId) => !left.has(documentId));
      const planned = await plannedFields(context, trx, plan.draft, changing);
      for (const documentId of changing) run.change(documentId, planned.get(documentId) ?? []);
    });
  },
  async handler(run) {
    const { strapi, uid } = run;
    const { changes, dialect } = await resolveChanges(run);

    // undo: column changes record the columns' values set-based, relations their links; media,
    // component fields and relations whose targets have one source record each entry's draft and
    // come back through the Document Service
    const columnsOnly = changes.every(({ field }) => field.kind === 'column');
    const columnAttributes = changes.filter(({ field }) => field.kind === 'column').map(({ field }) => field.name);
    // relations kept in a join table whose targets may have several sources: their links are recorded
    // set-based with the columns (and the stamp), no populated read of each draft
    const relations = changes.filter(({ field }) => field.kind === 'relation').map(({ field }) => field.name);
    const setBased = changes.every(({ field }) => field.kind === 'column' || (field.kind === 'relation' && !linksTargetExclusively(field.attribute as any)));

    let changed = 0;
    let invalidCount = 0;
    const listed: string[] = [];
    // the common edit (plain columns of the drafts) as one guarded UPDATE a chunk, no row read first
    const guarded = !run.params.published && !actsOnAllLocales(run) ? guardedUpdate({ strapi, uid, locale: run.locale, dialect, changes }) : null;
    // the full plan's rows all hold the same recorded values afterwards (undo keeps one shared record):
    // constants only (set, clear, a relation's links), on drafts of one pass, and not a localized
    // column changed in the run's locale while a field without locales writes (and records) the
    // other locales' rows too. Never after the guarded UPDATE, which may have written one already.
    const constantsOnly = changes.every(({ field, change }) => field.kind !== 'column' || change.op === 'set' || change.op === 'clear');
    const alikeRows = !isLocalized(getModel(strapi, uid)) || changes.every(({ field }) => field.localized) || changes.every(({ field }) => field.kind !== 'column' || !field.localized);
    const sameForEveryRow = !guarded && constantsOnly && alikeRows && !run.params.published && !actsOnAllLocales(run);
    await run.eachChunk(async (chunkIds, { trx, undo }) => {
      let documentIds = chunkIds;
      if (guarded) {
        const written = await applyGuarded(strapi, uid, guarded, { trx, undo, attributes: columnAttributes }, chunkIds, run.user.id);
        changed += written.size;
        if (written.size === chunkIds.length) return;
        // the others are not found, unchanged or invalid: the plan says which (and writes any it finds changing)
        documentIds = chunkIds.filter((documentId) => !written.has(documentId));
      }
      const plan = await planVersions({ strapi, uid, locale: run.locale, dialect, changes }, trx, documentIds, Boolean(run.params.published));
      for (const documentId of plan.notFound) run.skip(documentId, SKIP_REASONS.notFound);
      // the entry already holds the result: nothing is written, its updatedAt stays
      for (const documentId of plan.unchanged) run.skip(documentId, SKIP_REASONS.unchanged);
      for (const { documentId, values } of plan.invalid) {
        run.skip(documentId, SKIP_REASONS.invalidValue);
        invalidCount += 1;
        if (listed.length < LISTED_INVALID) {
          listed.push(`${documentId} (${Object.entries(values).map(([name, value]) => `${name} → ${describeValue(value)}`).join(', ')})`);
        }
      }
      changed += documentIds.length - plan.notFound.length - plan.invalid.length - plan.unchanged.length;
      const now = new Date();
      // one UPDATE of plain columns: the change and its undo record together (cheaper than the three steps below)
      // (not after the guarded UPDATE: its shared record of the chunk's values is written already)
      const single = undo && columnsOnly && !guarded && !plan.published && !actsOnAllLocales(run) ? singleUpdate(strapi, uid, plan.draft, run.user.id, now) : null;
      if (undo && single) {
        await undo.update(single.rowIds, single.data, columnAttributes);
        return;
      }
      // every row the chunk writes: drafts, and published versions with the option (columns only)
      const written = [...plan.draft.stampRowIds, ...(plan.published?.stampRowIds ?? [])];
      let recorded: (() => Promise<void>) | null = null;
      if (undo && setBased && written.length) {
        await undo.columns({ id: { $in: written } }, columnAttributes);
        if (relations.length) await undo.links(written, relations);
      }
      if (undo && !setBased) {
        const skipped = new Set([...plan.notFound, ...plan.invalid.map(({ documentId }) => documentId), ...plan.unchanged]);
        recorded = await undo.drafts(documentIds.filter((documentId) => !skipped.has(documentId)));
      }
      if (plan.published) {
        // read before the drafts are stamped: which entries are Published (not Modified) now
        const keepPublished = await publishedNotModified(strapi, uid, trx, plan.published.stampRowIds);
        await applyPlan(strapi, uid, { ...plan.published, stampRowIds: keepPublished }, trx, run.user.id, now);
      }
      await applyPlan(strapi, uid, plan.draft, trx, run.user.id, now);
      if (undo && setBased && written.length) {
        await undo.written(columnAttributes, { sameForEveryRow });
        if (relations.length) await undo.linksWritten(relations);
      }
      if (recorded) await recorded();
      if (actsOnAllLocales(run)) await updateOtherLocales(run, { trx, documentIds, plan: plan.draft, changes, dialect, undo, attributes: columnAttributes });
    }, { maxEntries: entriesPerCall(changes.length) });

    const fields = run.params.changes.map((change) => change.field).join(', ');
    const verb = run.params.changes.every((change) => change.op === 'set') ? 'set' : 'changed';
    run.message({
      text: `${fields} ${verb} on ${changed} ${changed === 1 ? 'entry' : 'entries'}`,
      id: runMessageId('update-field.done'),
      values: { fields, verb, count: changed },
    });
    if (invalidCount) {
      const more = invalidCount - listed.length;
      run.message(
        {
          text: `not written, the result breaks the field's rules: ${listed.join('; ')}${more > 0 ? ` and ${more} more` : ''}`,
          id: runMessageId('update-field.invalid'),
          values: { items: listed.join('; '), more },
        },
        'warning'
      );
    }
  },
};
