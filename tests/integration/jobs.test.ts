import Papa from 'papaparse';
import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, actionUrl, followRun, insertArticles } from '../helpers/content';

/**
 * Background jobs on the real playground: runs above the thresholds are queued, worked by this
 * instance's worker loop chunk by chunk, report progress, can be cancelled; every row changes once.
 */
describe('background jobs', () => {
  let app: TestApp;
  const JOB_FILTER = { query: { filters: { title: { $startsWith: 'Job ' } } } };
  const views = async (where: (q: any) => any) =>
    (await where(app.knex()('articles').whereNull('published_at')).select('views').count({ n: '*' }).groupBy('views'))
      .map((row: any) => [Number(row.views), Number(row.n)])
      .sort((a: number[], b: number[]) => a[0] - b[0]);
  const jobRows = (q: any) => q.where('title', 'like', 'Job %');

  beforeAll(async () => {
    app = await bootPlayground({ articles: 8, env: { BULK_ACTIONS_TEST_ACTIONS: 'true', BULK_ACTIONS_POLL_MS: '50' } });
    await app.enableActions(ARTICLE, ['*']);
    await insertArticles(app, 20_000, { prefix: 'Job', stage: 'review' });
  });
  afterAll(() => app?.close());

  it('queues a 20,000-entry "all matching" query-mode run, shows progress, and changes every row exactly once', async () => {
    const res = await app.as('editor').post(actionUrl(ARTICLE, 'bump-views', 'run')).send({ selection: JOB_FILTER, params: { delayMs: 20 } });
    expect(res.status).toBe(202);
    expect(res.body.data.run).toMatchObject({ status: 'queued', total: 20_000, processed: 0 });

    const seen = await followRun(() => app.as('editor'), res.body.data.run.id);
    expect(seen.some((run) => run.status === 'running' && run.processed > 0 && run.processed < 20_000)).toBe(true);
    const processed = seen.map((run) => run.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b)); // progress only moves forward
    expect(seen.at(-1)).toMatchObject({ status: 'succeeded', total: 20_000, processed: 20_000, succeeded: 20_000, skipped: 0, failed: 0 });
    expect(await views(jobRows)).toEqual([[1, 20_000]]);
  });

  it('freezes the selection: changing the very field the filter uses neither skips nor repeats rows', async () => {
    const selection = { query: { filters: { $and: [{ stage: { $eq: 'review' } }, { title: { $startsWith: 'Job ' } }] } } };
    const res = await app.as('editor').post(actionUrl(ARTICLE, 'update-field', 'run')).send({ selection, params: { field: 'stage', value: 'draft' } });
    expect(res.status).toBe(202);
    const [final] = (await followRun(() => app.as('editor'), res.body.data.run.id)).slice(-1);
    expect(final).toMatchObject({ status: 'succeeded', succeeded: 20_000 });
    const stages = await jobRows(app.knex()('articles')).select('stage').count({ n: '*' }).groupBy('stage');
    expect(stages.map((s: any) => [s.stage, Number(s.n)])).toEqual([['draft', 20_000]]);
  });

  it('runs 2,000 documents through the Document Service as a job, each once', async () => {
    const ids = (await jobRows(app.knex()('articles')).orderBy('id').limit(2000).select('document_id')).map((r: any) => r.document_id);
    const res = await app.as('editor').post(actionUrl(ARTICLE, 'bump-views-documents', 'run')).send({ selection: { documentIds: ids } });
    expect(res.status).toBe(202);
    // about a minute alone; on two cores shared with the multi-instance suites of `test:pg`, longer
    const seen = await followRun(() => app.as('editor'), res.body.data.run.id, undefined, { timeoutMs: 360_000 });
    expect(seen.some((run) => run.processed > 0 && run.processed < 2000)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ status: 'succeeded', total: 2000, succeeded: 2000 });
    expect(await views((q) => jobRows(q).whereIn('document_id', ids))).toEqual([[2, 2000]]);
    expect(await views((q) => jobRows(q).whereNotIn('document_id', ids))).toEqual([[1, 18_000]]);
  }, 400_000);

  it('cancels mid-run between chunks: what was done stays done, the rest is untouched', async () => {
    const res = await app.as('editor').post(actionUrl(ARTICLE, 'bump-views', 'run')).send({ selection: JOB_FILTER, params: { delayMs: 100 } });
    const runId = res.body.data.run.id;
    await followRun(() => app.as('editor'), runId, (run) => run.processed >= 2000);
    const cancel = await app.as('editor').post(`/bulk-actions/runs/${runId}/cancel`);
    expect(cancel.status).toBe(202);
    const [final] = (await followRun(() => app.as('editor'), runId)).slice(-1);
    expect(final.status).toBe('cancelled');
    expect(final.processed).toBeGreaterThanOrEqual(2000);
    expect(final.processed).toBeLessThan(20_000);
    expect(final.succeeded).toBe(final.processed);
    // rows of the done chunks went up by one; the others did not move
    const counts = new Map(await views(jobRows));
    expect(Number(counts.get(2) ?? 0) + Number(counts.get(3) ?? 0)).toBe(final.processed);
    expect(await app.as('editor').post(`/bulk-actions/runs/${runId}/cancel`)).toMatchObject({ status: 400 });
  });

  it('works several chunks in one transaction while they are fast: a chunk that throws rolls back the chunks of its transaction, never half of one', async () => {
    const before = new Map<string, number>((await jobRows(app.knex()('articles').whereNull('published_at')).select('document_id', 'views')).map((r: any) => [r.document_id, Number(r.views)]));
    // the 36th chunk the handler meets throws: earlier chunks of its transaction roll back with it
    // (a transaction holds at most BATCH.maxChunks = 32, so the first one commits)
    const res = await app.as('editor').post(actionUrl(ARTICLE, 'bump-views', 'run')).send({ selection: JOB_FILTER, params: { failAt: 36 } });
    expect(res.status).toBe(202);
    const runId = res.body.data.run.id;
    const [final] = (await followRun(() => app.as('editor'), runId)).slice(-1);
    expect(final.status).toBe('partial');
    expect(final.succeeded + final.failed).toBe(20_000);
    expect(final.succeeded % 500).toBe(0); // whole chunks only
    expect(final.succeeded).toBeGreaterThan(0);
    expect(final.succeeded).toBeLessThan(36 * 500);
    expect(final.failures[0].reason).toBe('fixture failure at chunk 36');

    const after = await jobRows(app.knex()('articles').whereNull('published_at')).select('document_id', 'views');
    const bumped = new Set(after.filter((r: any) => Number(r.views) === before.get(r.document_id)! + 1).map((r: any) => r.document_id));
    const unchanged = after.filter((r: any) => Number(r.views) === before.get(r.document_id)).length;
    expect(bumped.size).toBe(final.succeeded); // every entry counted done changed once, and no other
    expect(unchanged).toBe(20_000 - final.succeeded);

    // each stored chunk is done with its own counts, and they add up to the run's
    const chunks = await app.knex()('bulk_actions_run_chunks').where({ run_id: runId }).select('status', 'succeeded', 'failed', 'document_ids');
    expect(chunks).toHaveLength(40);
    expect(chunks.every((c: any) => c.status === 'done' && Number(c.succeeded) + Number(c.failed) === 500)).toBe(true);
    expect(chunks.reduce((n: number, c: any) => n + Number(c.succeeded), 0)).toBe(final.succeeded);
    for (const c of chunks) {
      const ids: string[] = typeof c.document_ids === 'string' ? JSON.parse(c.document_ids) : c.document_ids;
      expect(ids.filter((id) => bumped.has(id))).toHaveLength(Number(c.succeeded));
    }
  });

  it('runs time-sized transactions: a fast run commits several chunks at once, each entry exactly once', async () => {
    const before = new Map<string, number>((await jobRows(app.knex()('articles').whereNull('published_at')).select('document_id', 'views')).map((r: any) => [r.document_id, Number(r.views)]));
    const res = await app.as('editor').post(actionUrl(ARTICLE, 'bump-views', 'run')).send({ selection: JOB_FILTER, params: { report: true } });
    const runId = res.body.data.run.id;
    const [final] = (await followRun(() => app.as('editor'), runId)).slice(-1);
    expect(final).toMatchObject({ status: 'succeeded', succeeded: 20_000 });
    const after = await jobRows(app.knex()('articles').whereNull('published_at')).select('document_id', 'views');
    expect(after.filter((r: any) => Number(r.views) === before.get(r.document_id)! + 1)).toHaveLength(20_000);
    // the fixture notes in which transaction it met each chunk: fewer transactions than chunks
    expect(final.message).toMatch(/40 chunks in (\d+) transactions/);
    const transactions = Number(/40 chunks in (\d+) transactions/.exec(final.message)![1]);
    expect(transactions).toBeLessThan(40);
    // without eachChunk's maxEntries a call gets one chunk
    expect(final.message).toContain('at most 500 entries a call');
  });

  it('hands a handler that allows it several chunks a call while calls are quick: each entry once, each chunk done with its own counts', async () => {
    const before = new Map<string, number>((await jobRows(app.knex()('articles').whereNull('published_at')).select('document_id', 'views')).map((r: any) => [r.document_id, Number(r.views)]));
    const res = await app.as('editor').post(actionUrl(ARTICLE, 'bump-views', 'run')).send({ selection: JOB_FILTER, params: { report: true, maxEntries: 2000 } });
    const runId = res.body.data.run.id;
    const [final] = (await followRun(() => app.as('editor'), runId)).slice(-1);
    expect(final).toMatchObject({ status: 'succeeded', succeeded: 20_000, processed: 20_000 });
    const [, calls, largest] = /(\d+) chunks in \d+ transactions, at most (\d+) entries a call/.exec(final.message)!.map(Number);
    // calls grow from one chunk while they stay quick, up to the 2,000 entries allowed
    expect(largest).toBeGreaterThan(500);
    expect(largest).toBeLessThanOrEqual(2000);
    expect(calls).toBeLessThan(40);
    const after = await jobRows(app.knex()('articles').whereNull('published_at')).select('document_id', 'views');
    expect(after.filter((r: any) => Number(r.views) === before.get(r.document_id)! + 1)).toHaveLength(20_000);
    const chunks = await app.knex()('bulk_actions_run_chunks').where({ run_id: runId }).select('status', 'succeeded', 'failed');
    expect(chunks).toHaveLength(40);
    expect(chunks.every((c: any) => c.status === 'done' && Number(c.succeeded) === 500 && Number(c.failed) === 0)).toBe(true);
  });

  it('lets only the owner or a runs.read holder see or cancel a job', async () => {
    const res = await app.as('editor').post(actionUrl(ARTICLE, 'bump-views', 'run')).send({ selection: JOB_FILTER, params: { delayMs: 50 } });
    const runId = res.body.data.run.id;
    expect((await app.as('author').get(`/bulk-actions/runs/${runId}`)).status).toBe(404);
    expect((await app.as('author').post(`/bulk-actions/runs/${runId}/cancel`)).status).toBe(404);
    expect((await app.as('admin').post(`/bulk-actions/runs/${runId}/cancel`)).status).toBe(202);
    const [final] = (await followRun(() => app.as('admin'), runId)).slice(-1);
    expect(final.status).toBe('cancelled');
  });

  it('documents mode: entries share transactions, one that throws rolls back alone while its group is redone, and no event is sent for it', async () => {
    const rows = await jobRows(app.knex()('articles').whereNull('published_at')).orderBy('id').limit(120).select('id', 'document_id', 'views');
    const failing = rows[37];
    await app.knex()('articles').where({ id: failing.id }).update({ title: 'Job fail-me' });
    const updated: string[] = [];
    const listen = async ({ uid, entry }: any) => {
      if (uid === ARTICLE) updated.push(entry.documentId);
    };
    app.strapi.eventHub.on('entry.update', listen);
    try {
      const ids = rows.map((r: any) => r.document_id);
      const res = await app.as('editor').post(actionUrl(ARTICLE, 'bump-views-documents', 'run')).send({ selection: { documentIds: ids }, params: { failTitle: 'Job fail-me', report: true } });
      expect(res.status).toBe(202);
      const [final] = (await followRun(() => app.as('editor'), res.body.data.run.id, undefined, { timeoutMs: 120_000 })).slice(-1);
      expect(final).toMatchObject({ status: 'partial', total: 120, succeeded: 119, failed: 1 });
      expect(final.failures).toEqual([{ documentId: failing.document_id, reason: 'fixture failure on "Job fail-me"' }]);
      // every other entry went up once; the failing one's update was rolled back
      const after = new Map((await app.knex()('articles').whereIn('id', rows.map((r: any) => r.id)).select('id', 'views')).map((r: any) => [r.id, Number(r.views)]));
      for (const row of rows) expect([row.document_id, after.get(row.id)]).toEqual([row.document_id, Number(row.views) + (row.id === failing.id ? 0 : 1)]);
      // Strapi's entry events wait for the commit: none for the rolled-back update, one per entry done
      expect(updated.filter((id) => id === failing.document_id)).toEqual([]);
      expect(new Set(updated)).toEqual(new Set(ids.filter((id: string) => id !== failing.document_id)));
      // entries shared transactions; the failing one's group, when it had others (groups are sized by
      // time: on a loaded machine an entry may have had its own), was redone one entry per transaction
      const [, calls, transactions] = /(\d+) calls in (\d+) transactions/.exec(final.message)!.map(Number);
      expect(calls).toBeGreaterThanOrEqual(120);
      expect(transactions).toBeLessThan(calls);
    } finally {
      app.strapi.eventHub.removeListener('entry.update', listen);
    }
  }, 180_000);

  it('documents mode with entries side by side (concurrency 4): each in its own transaction, each once, a failing one alone', async () => {
    const rows = await jobRows(app.knex()('articles').whereNull('published_at')).orderBy('id').offset(200).limit(120).select('id', 'document_id', 'views', 'title');
    await app.knex()('articles').where({ id: rows[50].id }).update({ title: 'Job fail-me too' });
    const res = await app.as('editor').post(actionUrl(ARTICLE, 'bump-views-documents', 'run')).send({
      selection: { documentIds: rows.map((r: any) => r.document_id) },
      params: { concurrency: 4, failTitle: 'Job fail-me too', report: true },
    });
    expect(res.status).toBe(202);
    const [final] = (await followRun(() => app.as('editor'), res.body.data.run.id, undefined, { timeoutMs: 120_000 })).slice(-1);
    expect(final).toMatchObject({ status: 'partial', total: 120, succeeded: 119, failed: 1 });
    expect(final.message).toMatch(/^120 calls in 120 transactions/);
    const after = new Map((await app.knex()('articles').whereIn('id', rows.map((r: any) => r.id)).select('id', 'views')).map((r: any) => [r.id, Number(r.views)]));
    for (const row of rows) expect([row.id, after.get(row.id)]).toEqual([row.id, Number(row.views) + (row.id === rows[50].id ? 0 : 1)]);
  }, 180_000);

  it('writes a 100,000-row export to a file chunk by chunk, downloadable by its owner', async () => {
    await insertArticles(app, 80_000, { prefix: 'Job', stage: 'draft' });
    const rssBefore = process.memoryUsage().rss;
    const res = await app.as('editor').post(actionUrl(ARTICLE, 'export-csv', 'run')).send({ selection: JOB_FILTER, params: { fields: ['title', 'views'] } });
    expect(res.status).toBe(202);
    const [final] = (await followRun(() => app.as('editor'), res.body.data.run.id, undefined, { intervalMs: 250 })).slice(-1);
    expect(final).toMatchObject({ status: 'succeeded', total: 100_000, succeeded: 100_000, download: { contentType: 'text/csv; charset=utf-8' } });
    const rssAfter = process.memoryUsage().rss;
    process.stdout.write(`\n100k-row export: process RSS ${Math.round(rssBefore / 2 ** 20)} MB → ${Math.round(rssAfter / 2 ** 20)} MB\n`);

    const file = await app.as('editor').get(`/bulk-actions/runs/${final.id}/download`).buffer(true).parse((r, cb) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (chunk: string) => (text += chunk));
      r.on('end', () => cb(null, text));
    });
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="articles-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = await jobRows(app.knex()('articles').whereNull('published_at')).orderBy('id').select('document_id', 'locale', 'title', 'views');
    const expected = `${Papa.unparse([['documentId', 'locale', 'title', 'views'], ...rows.map((r: any) => [r.document_id, r.locale, r.title, String(r.views)])], { newline: '\r\n' })}\r\n`;
    expect(file.body.split('\r\n')).toHaveLength(100_002); // 100,001 lines and the final line break
    expect(file.body).toBe(expected);
    // someone else cannot fetch it
    expect((await app.as('admin').get(`/bulk-actions/runs/${final.id}/download`)).status).toBe(404);
  });
});
