import type { TestApp } from './strapi';

export const ARTICLE = 'api::article.article';
export const CATEGORY = 'api::category.category';
export const EXTRACTION_CONFIG = 'api::extraction-config.extraction-config';

export const actionUrl = (uid: string, name: string, step: 'preview' | 'run') =>
  `/bulk-actions/content-types/${uid}/actions/${name}/${step}`;

export interface ArticleRow {
  id: number;
  document_id: string;
  locale: string;
  title: string;
  stage: string;
  views: number;
  featured: number | boolean;
  published_at: string | null;
  updated_at: string | number;
  updated_by_id: number | null;
  created_by_id: number | null;
}

/** Article rows straight from the database (draft rows unless `published` is set). */
export const articleRows = async (
  app: TestApp,
  where: Partial<ArticleRow> = {},
  { published = false }: { published?: boolean } = {}
): Promise<ArticleRow[]> => {
  const query = app.knex()('articles').where(where).orderBy('id');
  return published ? query.whereNotNull('published_at') : query.whereNull('published_at');
};

/** documentIds of the English drafts created by a user. */
export const draftIdsCreatedBy = async (app: TestApp, userId: number, limit = 100) =>
  (await articleRows(app, { locale: 'en', created_by_id: userId })).slice(0, limit).map((row) => row.document_id);

/** A snapshot of every article row, for "nothing changed" assertions. */
export const snapshotArticles = async (app: TestApp) =>
  app.knex()('articles').orderBy('id').select('id', 'document_id', 'locale', 'title', 'stage', 'views', 'featured', 'published_at', 'updated_at');

/**
 * Inserts `count` English draft articles straight into the table (far faster than the Document
 * Service), for the large-selection tests. Returns their documentIds in insertion order.
 */
export async function insertArticles(app: TestApp, count: number, { stage = 'review', prefix = 'Bulk' } = {}) {
  const knex = app.knex();
  const now = new Date();
  const ids: string[] = [];
  const rows = [];
  for (let i = 0; i < count; i += 1) {
    const documentId = `bulk${String(i).padStart(8, '0')}${Math.random().toString(36).slice(2, 14)}`.slice(0, 24);
    ids.push(documentId);
    rows.push({
      document_id: documentId,
      title: `${prefix} ${i}`,
      body: `Body ${i}`,
      stage,
      views: 0,
      featured: false,
      locale: 'en',
      created_at: now,
      updated_at: now,
      published_at: null,
      created_by_id: app.seeded.users.editor.id,
      updated_by_id: app.seeded.users.editor.id,
    });
  }
  for (let i = 0; i < rows.length; i += 500) await knex('articles').insert(rows.slice(i, i + 500));
  return ids;
}

/** Polls GET /runs/:id until `done(run)` (or the timeout), returning every state seen. */
export async function followRun(
  request: () => { get: (url: string) => any },
  runId: number,
  done: (run: any) => boolean = (run) => !['scheduled', 'queued', 'running'].includes(run.status),
  { timeoutMs = 120_000, intervalMs = 100 } = {}
) {
  const seen: any[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request().get(`/bulk-actions/runs/${runId}`);
    if (res.status !== 200) throw new Error(`GET /runs/${runId}: ${res.status} ${JSON.stringify(res.body)}`);
    seen.push(res.body.data.run);
    if (done(res.body.data.run)) return seen;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${res.body.data.run.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The row ids a run's undo records name, one per record: the rows' own records and, on PostgreSQL,
 * the rows a chunk's packed record holds (each element `[rowId, documentId, before, after?]`).
 */
export async function undoRecordedRows(knex: any, runId: number): Promise<number[]> {
  const records: Array<{ kind: string; row_id: number | null; before: string }> = await knex('bulk_actions_run_undo')
    .where({ run_id: runId })
    .whereIn('kind', ['columns', 'packed'])
    .whereNot('entry', '(chunk)')
    .select('kind', 'row_id', 'before');
  return records.flatMap((record) => (record.kind === 'packed' ? (JSON.parse(record.before) as unknown[][]).map((row) => Number(row[0])) : [Number(record.row_id)]));
}
