import { errors } from '@strapi/utils';
import { SKIP_REASONS, type EditChange, type FormFieldDefinition } from '../contracts';
import type { ChunkUndo, RunContext } from '../types';
import { isLocalized } from '../utils/models';
import { applyPlan, planChunk, type ChunkPlan, type PlanContext, type ResolvedChange } from './edit-fields/plan';

/**
 * The built-ins' "all locales" option: the run acts on every locale version of the selected
 * documents the user may act on in that locale (RBAC locale conditions), each locale counted.
 */
export const allLocalesField: Record<'allLocales', FormFieldDefinition> = {
  allLocales: {
    type: 'boolean',
    label: 'All locales',
    description: 'Act on every locale of the selected entries you may act on, not only the list’s locale.',
    default: false,
    // offered (and accepted) on localized content types only
    supports: (model) => isLocalized(model as any),
  },
};

/** Does this run act on every locale (the option set, on a localized content type)? */
export const actsOnAllLocales = (run: Pick<RunContext, 'params' | 'locale'>) => run.params.allLocales === true && run.locale !== null;

/**
 * Publish, unpublish and delete work a transaction's entries side by side, as the Content Manager's
 * bulk actions do (each entry changes its own document's versions): about a fifth faster on SQLite (docs/benchmark.md).
 */
const SIDE_BY_SIDE = 25;

/**
 * The documents-mode pass of publish, unpublish and delete: `act` runs once per locale version to act
 * on and answers `done` or a skip reason. With the option: each locale the user may act in, one at a
 * time (Strapi's `locale: '*'` would take them all), counted per locale; otherwise the run's locale.
 * `publishes`: `act` publishes (see eachDocument's option of that name).
 */
export const eachLocaleVersion = (run: RunContext, act: (documentId: string, locale: string | undefined) => Promise<string>, { publishes = false } = {}) => {
  if (actsOnAllLocales(run)) {
    return run.eachDocument(
      async ({ documentId, locales = [] }) => {
        for (const locale of locales) run.countLocale(documentId, locale, await act(documentId, locale));
      },
      { load: false, locales: true, sideBySide: SIDE_BY_SIDE }
    );
  }
  return run.eachDocument(
    async ({ documentId }) => {
      const outcome = await act(documentId, run.locale ?? undefined);
      if (outcome !== 'done') run.skip(documentId, outcome);
    },
    { load: false, sideBySide: SIDE_BY_SIDE, publishes }
  );
};

/* -------------------------------------------------------------------------------------------------
 * update-field over every locale
 * -----------------------------------------------------------------------------------------------*/

type UpdateRun = Pick<RunContext, 'strapi' | 'uid' | 'locale' | 'params' | 'user' | 'localeAccess' | 'countLocale'>;

/**
 * With `allLocales`, update-field changes scalar fields only: a relation, media or component change
 * is recorded for undo as the run locale's draft, which cannot restore other locales.
 */
export function refuseAllLocalesChanges(params: Record<string, unknown>, fields: Array<{ name: string; kind: string }>) {
  if (params.allLocales !== true) return;
  const kinds = new Map(fields.map((field) => [field.name, field.kind]));
  const changes = Array.isArray(params.changes) ? (params.changes as EditChange[]) : [];
  const index = changes.findIndex((change) => kinds.has(change.field) && kinds.get(change.field) !== 'column');
  if (index < 0) return;
  const message = `with all locales, only fields stored in the entry's own columns can be changed ("${changes[index].field}" is not one)`;
  throw new errors.ValidationError(`params.allLocales ${message}`, { errors: [{ path: ['params', 'allLocales'], message, name: 'ValidationError' }] });
}

/**
 * After a chunk's change in the run's locale (`plan`): each entry's outcome counted for that locale,
 * then the changes of localized fields applied to the entries' other locales the user may update
 * in (non-localized fields are shared by every locale: the run's locale already wrote them). Undo
 * records each locale's rows before its change and what the chunk left them as, after.
 */
export async function updateOtherLocales(
  run: UpdateRun,
  args: { trx: any; documentIds: string[]; plan: ChunkPlan; changes: ResolvedChange[]; dialect: PlanContext['dialect']; undo?: ChunkUndo; attributes: string[] }
): Promise<void> {
  const { strapi, uid } = run;
  const runLocale = run.locale!;
  const countPlan = (plan: ChunkPlan, code: string, documentIds: string[]) => {
    const outcome = new Map<string, string>();
    for (const id of plan.notFound) outcome.set(id, SKIP_REASONS.notFound);
    for (const { documentId } of plan.invalid) outcome.set(documentId, SKIP_REASONS.invalidValue);
    for (const id of plan.unchanged) outcome.set(id, SKIP_REASONS.unchanged);
    for (const id of documentIds) run.countLocale(id, code, outcome.get(id) ?? 'done');
  };
  countPlan(args.plan, runLocale, args.documentIds);

  const localized = args.changes.filter((change) => change.field.localized);
  if (!localized.length) return;
  const access = await run.localeAccess(args.documentIds);
  const byLocale = new Map<string, string[]>();
  for (const [documentId, versions] of access) {
    for (const { locale, permitted } of versions) {
      if (locale === runLocale) continue;
      if (!permitted) run.countLocale(documentId, locale, SKIP_REASONS.forbidden);
      else byLocale.set(locale, [...(byLocale.get(locale) ?? []), documentId]);
    }
  }
  let wrote = false;
  for (const [code, documentIds] of [...byLocale].sort(([a], [b]) => a.localeCompare(b))) {
    const plan = await planChunk({ strapi, uid, locale: code, dialect: args.dialect, changes: localized }, args.trx, documentIds);
    countPlan(plan, code, documentIds);
    if (!plan.stampRowIds.length) continue;
    if (args.undo) await args.undo.columns({ id: { $in: plan.stampRowIds } }, args.attributes);
    await applyPlan(strapi, uid, plan, args.trx, run.user.id);
    wrote = true;
  }
  if (wrote && args.undo) await args.undo.written(args.attributes);
}
