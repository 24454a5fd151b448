import { SKIP_REASONS, type EditChange } from '../contracts';
import type { BulkActionDefinition, RunContext } from '../types';
import type { Core } from '@strapi/strapi';
import { columnName, getModel, hasDraftAndPublish, isLocalized } from '../utils/models';
import { plannedFields } from './edit-fields/preview';
import { editableFields, linksTargetExclusively, type EditableField } from './edit-fields/fields';
import { applyPlan, planChunk, resolveTargets, type ResolvedChange } from './edit-fields/plan';
import { actsOnAllLocales, allLocalesField, refuseAllLocalesChanges, updateOtherLocales } from './all-locales';

/** How many entries with an invalid result the run's message names. */
const LISTED_INVALID = 20;

const describeValue = (value: unknown) => (value === null || value === undefined ? 'empty' : JSON.stringify(value));

type Dialect = 'sqlite' | 'postgres';

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
export const updateFieldAction: BulkActionDefinition<{ changes: EditChange[]; allLocales?: boolean }> = {
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
    ...allLocalesField,
  },
  validate: (params, { strapi, uid }) => refuseAllLocalesChanges(params, editableFields(strapi, uid)),
  confirm: { message: 'Change this field on {count} entries?' },
  async preview(run) {
    const { changes, dialect } = await resolveChanges(run);
    const context = { strapi: run.strapi, uid: run.uid, locale: run.locale, dialect, changes };
    await run.eachChunk(async (documentIds, { trx }) => {
      const plan = await planChunk(context, trx, documentIds);
      for (const documentId of plan.notFound) run.skip(documentId, SKIP_REASONS.notFound);
      for (const { documentId } of plan.invalid) run.skip(documentId, SKIP_REASONS.invalidValue);
      for (const documentId of plan.unchanged) run.skip(documentId, SKIP_REASONS.unchanged);
      // the change goes to drafts: the editor is told how many entries are live and stay as they are
      const published = await publishedAmong(run, trx, documentIds.filter((documentId) => plan.rowIdOf.has(documentId)));
      if (published) run.tally('published-entries', published);
      if (!run.wantsChanges()) return;
      const left = new Set([...plan.notFound, ...plan.invalid.map(({ documentId }) => documentId), ...plan.unchanged]);
      const changing = documentIds.filter((documentId) => !left.has(documentId));
      const planned = await plannedFields(context, trx, plan, changing);
      for (const documentId of changing) run.change(documentId, planned.get(documentId) ?? []);
    });
  },
  async handler(run) {
    const { strapi, uid } = run;
    const { changes, dialect } = await resolveChanges(run);

    // undo: column changes record the columns' values set-based; relations, media and component
    // fields record each entry's draft (its links live in other tables) and come back through the
    // Document Service
    const columnsOnly = changes.every(({ field }) => field.kind === 'column');
    const columnAttributes = changes.map(({ field }) => field.name);

    let changed = 0;
    let invalidCount = 0;
    const listed: string[] = [];
    await run.eachChunk(async (documentIds, { trx, undo }) => {
      const plan = await planChunk({ strapi, uid, locale: run.locale, dialect, changes }, trx, documentIds);
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
      let recorded: (() => Promise<void>) | null = null;
      if (undo && columnsOnly && plan.stampRowIds.length) await undo.columns({ id: { $in: plan.stampRowIds } }, columnAttributes);
      if (undo && !columnsOnly) {
        const skipped = new Set([...plan.notFound, ...plan.invalid.map(({ documentId }) => documentId), ...plan.unchanged]);
        recorded = await undo.drafts(documentIds.filter((documentId) => !skipped.has(documentId)));
      }
      await applyPlan(strapi, uid, plan, trx, run.user.id);
      if (undo && columnsOnly && plan.stampRowIds.length) await undo.written(columnAttributes);
      if (recorded) await recorded();
      if (actsOnAllLocales(run)) await updateOtherLocales(run, { trx, documentIds, plan, changes, dialect, undo, attributes: columnAttributes });
      changed += documentIds.length - plan.notFound.length - plan.invalid.length - plan.unchanged.length;
    });

    const fields = run.params.changes.map((change) => change.field).join(', ');
    const verb = run.params.changes.every((change) => change.op === 'set') ? 'set' : 'changed';
    run.message(`${fields} ${verb} on ${changed} ${changed === 1 ? 'entry' : 'entries'}`);
    if (invalidCount) {
      const more = invalidCount > listed.length ? ` and ${invalidCount - listed.length} more` : '';
      run.message(`not written, the result breaks the field's rules: ${listed.join('; ')}${more}`, 'warning');
    }
  },
};
