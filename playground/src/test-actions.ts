/**
 * Fixture actions for the job tests (registered only when BULK_ACTIONS_TEST_ACTIONS=true): each one
 * adds 1 to `views` of every entry it touches, so "applied exactly once" is visible in the data.
 */
import type { BulkActionDefinition } from 'strapi-plugin-bulk-actions/strapi-server';

const ARTICLE = 'api::article.article';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Query mode: one UPDATE per chunk. `delayMs` slows each chunk so a test can stop the process
 * mid-run; `failAt`: the n-th chunk this handler meets throws after its UPDATE; `report`: the run's
 * message says how many transactions its chunks shared (the engine works fast chunks several to one)
 * and the most entries one call got; `maxEntries`: eachChunk's option (several chunks a call).
 */
export const bumpViews: BulkActionDefinition<{ delayMs: number | null; failAt: number | null; report: boolean | null; maxEntries: number | null }> = {
  name: 'bump-views',
  label: 'Bump views (test fixture)',
  contentTypes: [ARTICLE],
  permissions: ['update'],
  mode: 'query',
  form: {
    delayMs: { type: 'integer', min: 0, max: 10_000 },
    failAt: { type: 'integer', min: 1, max: 10_000 },
    report: { type: 'boolean' },
    maxEntries: { type: 'integer', min: 1, max: 10_000 },
  },
  async handler(run) {
    let met = 0;
    let largest = 0;
    const transactions = new Set<unknown>();
    await run.eachChunk(async (documentIds, { trx }) => {
      met += 1;
      largest = Math.max(largest, documentIds.length);
      transactions.add(trx);
      await trx('articles').whereIn('document_id', documentIds).whereNull('published_at').increment('views', 1);
      if (run.params.failAt === met) throw new Error(`fixture failure at chunk ${met}`);
      if (run.params.delayMs) await sleep(run.params.delayMs);
    }, run.params.maxEntries ? { maxEntries: run.params.maxEntries } : {});
    if (run.params.report) run.message(`${met} chunks in ${transactions.size} transactions, at most ${largest} entries a call`);
  },
};

/**
 * Documents mode: one Document Service update per entry. `failTitle`: the entry with this title
 * throws after its update; `report`: the run's message says how many transactions its entries shared;
 * `concurrency`: entries worked side by side.
 */
export const bumpViewsDocuments: BulkActionDefinition<{ delayMs: number | null; failTitle: string | null; report: boolean | null; concurrency: number | null }> = {
  name: 'bump-views-documents',
  label: 'Bump views one by one (test fixture)',
  contentTypes: [ARTICLE],
  permissions: ['update'],
  mode: 'documents',
  form: { delayMs: { type: 'integer', min: 0, max: 10_000 }, failTitle: { type: 'string' }, report: { type: 'boolean' }, concurrency: { type: 'integer', min: 1, max: 16 } },
  async handler(run) {
    let entries = 0;
    const transactions = new Set<unknown>();
    await run.eachDocument(async (article) => {
      entries += 1;
      // a nested transaction is the one around the entry
      transactions.add(await run.strapi.db.transaction(async ({ trx }) => trx));
      await run.strapi.documents(ARTICLE).update({
        documentId: article.documentId,
        locale: run.locale ?? undefined,
        data: { views: (article.views ?? 0) + 1 } as any,
      });
      if (run.params.failTitle && article.title === run.params.failTitle) throw new Error(`fixture failure on "${article.title}"`);
      if (run.params.delayMs) await sleep(run.params.delayMs);
    }, { concurrency: run.params.concurrency ?? 1 });
    if (run.params.report) run.message(`${entries} calls in ${transactions.size} transactions`);
  },
};

/**
 * An action that undoes its runs its own way (a `revert` handler, no recording): it marks titles
 * with a suffix, its undo takes the suffix off again, whatever else changed in the title since.
 */
export const markTitles: BulkActionDefinition<{ suffix: string }> = {
  name: 'mark-titles',
  label: 'Mark titles (test fixture)',
  contentTypes: [ARTICLE],
  permissions: ['update'],
  mode: 'query',
  form: { suffix: { type: 'string', required: true } },
  async handler(run) {
    await run.eachChunk(async (documentIds, { trx }) => {
      const rows = await trx('articles').whereIn('document_id', documentIds).whereNull('published_at').select('id', 'title');
      for (const row of rows) await trx('articles').where({ id: row.id }).update({ title: `${row.title}${run.params.suffix}` });
    });
  },
  async revert(run) {
    const { suffix } = run.params;
    await run.eachChunk(async (documentIds, { trx }) => {
      const rows = await trx('articles').whereIn('document_id', documentIds).whereNull('published_at').select('id', 'title', 'document_id');
      for (const row of rows) {
        if (row.title.endsWith(suffix)) await trx('articles').where({ id: row.id }).update({ title: row.title.slice(0, -suffix.length) });
        else run.skip(row.document_id, 'changed-since');
      }
    });
    run.message(`suffix "${suffix}" taken off again (run ${run.original.id})`);
  },
};
