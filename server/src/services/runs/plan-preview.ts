import type { Core } from '@strapi/strapi';
import type { PlannedField, PreviewPlan } from '../../contracts';
import type { BulkActionDefinition, PreviewContext, ReportLine, RunUser } from '../../types';
import { PLANNED_LISTED, PREVIEW_CHUNK } from '../../constants';
import { chunk, rangeOf } from '../../utils/arrays';
import { getService } from '../../utils/services';
import { yieldToEventLoop } from '../../utils/event-loop';

/** Thrown at the end of each preview chunk: its transaction rolls back, whatever the hook wrote. */
class PreviewRollback extends Error {}

/**
 * Calls an action's `preview` hook over the permitted selection and gathers what it reports into
 * the preview's plan: how many entries would change, which are left alone and why, and the first
 * planned changes before → after, labelled with the entries' main field.
 */
export async function previewPlan(
  strapi: Core.Strapi,
  definition: BulkActionDefinition,
  args: { uid: string; locale: string | null; user: RunUser; params: Record<string, unknown>; documentIds: string[]; rowIds?: number[]; scope: Record<string, unknown> },
  /** the full dry run: every outcome and change goes here too, not only the first ones */
  report?: (line: ReportLine) => void
): Promise<PreviewPlan> {
  const { documentIds } = args;
  const skippedBy = new Map<string, string>();
  const planned: Array<{ documentId: string; fields: PlannedField[] }> = [];
  const counts: Record<string, number> = {};
  const carry: Record<string, unknown> = {};
  const form = definition.form ?? {};

  const context: PreviewContext = {
    uid: args.uid as PreviewContext['uid'],
    locale: args.locale,
    user: args.user,
    params: args.params,
    count: documentIds.length,
    strapi,
    async eachChunk(fn) {
      const rowIdParts = args.rowIds ? chunk(args.rowIds, PREVIEW_CHUNK) : null;
      for (const [index, part] of chunk(documentIds, PREVIEW_CHUNK).entries()) {
        const rowRange = rowIdParts ? rangeOf(rowIdParts[index]) : null;
        try {
          await strapi.db.transaction(async ({ trx }) => {
            await fn(part, { trx, rowRange });
            throw new PreviewRollback();
          });
        } catch (error) {
          if (!(error instanceof PreviewRollback)) throw error;
        }
        await yieldToEventLoop();
      }
    },
    skip(documentId, reason, message) {
      if (skippedBy.has(documentId)) return;
      skippedBy.set(documentId, reason);
      report?.({ key: documentId, outcome: reason, message });
    },
    change(documentId, fields) {
      if (skippedBy.has(documentId)) return;
      if (planned.length < PLANNED_LISTED) planned.push({ documentId, fields });
      for (const field of fields) report?.({ key: documentId, outcome: 'change', ...field });
    },
    wantsChanges: () => Boolean(report) || planned.length < PLANNED_LISTED,
    reportLine(key, outcome, message) {
      report?.({ key, outcome, message });
    },
    tally(code, n = 1) {
      counts[code] = (counts[code] ?? 0) + n;
    },
    carry(name, value) {
      // only a field of the action's form: the run validates it as any param
      if (!Object.hasOwn(form, name)) throw new Error(`preview: carry("${name}") names no field of the action's form`);
      carry[name] = value;
    },
  };
  await definition.preview!(context);

  const skipped: Record<string, number> = {};
  for (const reason of skippedBy.values()) skipped[reason] = (skipped[reason] ?? 0) + 1;
  const labels = await getService(strapi, 'selection').sample(args.uid, planned.map((entry) => entry.documentId), args.scope, PLANNED_LISTED);
  const labelOf = new Map(labels.map((entry) => [entry.documentId, entry.label]));
  return {
    willChange: documentIds.length - skippedBy.size,
    skipped,
    changes: planned.map((entry) => ({ ...entry, label: labelOf.get(entry.documentId) ?? entry.documentId })),
    counts,
    carry,
  };
}
