import { runMessageId } from '../contracts';
import type { BulkActionDefinition } from '../types';
import { getService } from '../utils/services';
import { SKIP_REASONS } from '../contracts';
import type { RevertOutcome } from '../services/runs/undo';

export const REVERT_ACTION = 'revert';

export interface RevertParams extends Record<string, unknown> {
  /** the run being undone */
  runId: number;
  /** how the original changed its entries: column values (query) or document versions (documents) */
  mode: 'query' | 'documents';
  /** the original action undoes its runs itself (its `revert` handler) */
  own?: boolean;
}

/**
 * Undo of a run. Not in the registry: no settings enable it and no list offers it; a run is undone
 * from its page (POST /runs/:id/revert), with the permissions of the action it undoes, per record.
 */
export const revertAction: BulkActionDefinition<RevertParams> = {
  name: REVERT_ACTION,
  label: 'Undo a run',
  description: 'Puts the entries a run changed back as they were before it.',
  contentTypes: '*',
  permissions: ['read'],
  mode: 'query',
  async handler(run) {
    const undo = getService(run.strapi, 'undo');
    const { runId, mode } = run.params;
    if (run.params.own) {
      const original = await getService(run.strapi, 'runs').findOne(runId);
      const definition = original ? getService(run.strapi, 'actions').get(run.uid, original.action) : undefined;
      if (!original || !definition?.revert) throw new Error(`The action of run ${runId} no longer undoes its runs`);
      // the params as the audit log keeps them (a finished run keeps no other copy; secrets redacted)
      return definition.revert({ ...run, params: original.params ?? {}, original });
    }
    let restored = 0;
    let changedSince = 0;
    const count = (documentId: string, outcome: RevertOutcome) => {
      if ('skipped' in outcome) {
        if (outcome.skipped === 'changed-since') changedSince += 1;
        run.skip(documentId, outcome.skipped);
      } else restored += 1;
    };
    if (mode === 'documents') {
      await run.eachDocument(
        async ({ documentId }) => {
          // a run over every locale: each locale it changed comes back where this user may act in that locale
          const locales = run.locale ? await undo.recordedLocales(runId, documentId) : null;
          let mayRestore: ((code: string) => boolean) | undefined;
          if (locales) {
            const access = (await run.localeAccess([documentId], { recorded: new Map([[documentId, locales]]) })).get(documentId) ?? [];
            const permitted = new Set(access.filter((version) => version.permitted).map((version) => version.locale));
            for (const code of Object.keys(locales)) if (!permitted.has(code)) run.countLocale(documentId, code, SKIP_REASONS.forbidden);
            mayRestore = (code) => permitted.has(code);
          }
          const outcome = await undo.revertDocument(runId, run.uid, documentId, run.locale, mayRestore);
          for (const code of outcome.locales ?? []) run.countLocale(documentId, code, 'done');
          count(documentId, outcome);
        },
        { load: false }
      );
    } else {
      // a run over every locale: each locale's rows come back where this user may act in that locale
      const original = run.locale ? await getService(run.strapi, 'runs').findOne(runId) : null;
      const perLocale = original?.params?.allLocales === true;
      await run.eachChunk(async (documentIds, { trx }) => {
        let mayRestoreLocale: ((documentId: string, locale: string) => boolean) | undefined;
        if (perLocale) {
          const permitted = new Set<string>();
          for (const [documentId, versions] of await run.localeAccess(documentIds)) {
            for (const version of versions) if (version.permitted) permitted.add(`${documentId}\u0000${version.locale}`);
          }
          mayRestoreLocale = (documentId, locale) => permitted.has(`${documentId}\u0000${locale}`);
        }
        const outcomes = await undo.revertRows(trx, runId, run.uid, documentIds, mayRestoreLocale);
        // relations recorded as links: the entries whose rows came back get their links back too
        await undo.revertLinks(trx, runId, run.uid, documentIds.filter((documentId) => outcomes[documentId] && 'done' in outcomes[documentId]));
        for (const documentId of documentIds) count(documentId, outcomes[documentId] ?? { skipped: 'changed-since' });
      });
    }
    run.message({
      text: `${restored} ${restored === 1 ? 'entry' : 'entries'} put back as before run ${runId}` + (changedSince ? `; ${changedSince} changed since, left as they are` : ''),
      id: runMessageId('revert.done'),
      values: { count: restored, run: runId, changedSince },
    });
  },
};
