import fs from 'fs';
import os from 'os';
import path from 'path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import request from 'supertest';
import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, actionUrl, followRun, insertArticles } from '../helpers/content';
import { spawnPlayground, type PlaygroundProcess } from '../helpers/processes';

/** Short heartbeats so a takeover happens within the test; slowed article reads so an export lasts a few seconds. */
const JOB_ENV = {
  BULK_ACTIONS_TEST_ACTIONS: 'true',
  BULK_ACTIONS_POLL_MS: '100',
  BULK_ACTIONS_STALE_MS: '1500',
  BULK_ACTIONS_TEST_READ_DELAY_MS: '200',
};
const SHARED = 20_200;
const DOCS = 1_000;
const EXPORT_FIELDS = ['title', 'views'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const sharedSelection = { query: { filters: { title: { $startsWith: 'Shared ' } } } };

interface Instance {
  process: PlaygroundProcess;
  token: string;
  /** this instance's own export location, which no other instance can see */
  exportDir: string;
}

const binary = (res: any, callback: (error: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (part: Buffer) => parts.push(part));
  res.on('end', () => callback(null, Buffer.concat(parts)));
};

/**
 * Several Strapi instances (child processes, each with its own export location) on one PostgreSQL
 * database: run files are in the database, so any instance serves them and a takeover continues
 * the same file; the chunks of one run are claimed by every instance's worker.
 */
describe('several instances on one PostgreSQL database', () => {
  let app: TestApp;
  const instances: Instance[] = [];
  const all: Instance[] = [];

  const spawn = async (): Promise<Instance> => {
    const exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-actions-instance-'));
    const child = await spawnPlayground({ ...app.database.env, ...JOB_ENV, BULK_ACTIONS_EXPORT_DIR: exportDir });
    const login = await request(child.baseUrl).post('/admin/login').send({ email: 'editor@example.com', password: app.password });
    const instance = { process: child, token: login.body.data.token as string, exportDir };
    instances.push(instance);
    all.push(instance);
    return instance;
  };
  const client = (instance: Instance) => () => instance.process.as(instance.token);
  const download = (instance: Instance, runId: number) =>
    instance.process.as(instance.token).get(`/bulk-actions/runs/${runId}/download`).buffer(true).parse(binary);
  const pidOf = (workerId: string) => Number(workerId.split(':').at(-2));
  const claims = async (runId: number) =>
    (await app.knex()('bulk_actions_run_chunks').where({ run_id: runId }).select('status', 'claimed_by', 'document_ids')).map((row: any) => ({
      status: row.status as string,
      pid: row.claimed_by ? pidOf(row.claimed_by) : null,
      size: (typeof row.document_ids === 'string' ? JSON.parse(row.document_ids) : row.document_ids).length as number,
    }));

  /** The CSV an export of the Shared articles must be, built from the database. */
  const expectedCsv = async () => {
    const rows = await app.knex()('articles').where('title', 'like', 'Shared %').whereNull('published_at').orderBy('id').select('document_id', 'locale', 'title', 'views');
    const lines = [['documentId', 'locale', ...EXPORT_FIELDS], ...rows.map((row: any) => [row.document_id, row.locale, row.title, String(row.views)])];
    return `${Papa.unparse(lines, { newline: '\r\n' })}\r\n`;
  };

  let uninterrupted: Buffer;

  beforeAll(async () => {
    if (process.env.DATABASE_CLIENT !== 'postgres') throw new Error('run with `npm run test:pg`');
    // this in-process instance seeds, reads and serves requests; its worker stays off
    app = await bootPlayground({ articles: 4, env: { ...JOB_ENV, BULK_ACTIONS_WORKER: 'false' } });
    await app.enableActions(ARTICLE, ['export-csv', 'bump-views', 'bump-views-documents']);
    await insertArticles(app, SHARED, { prefix: 'Shared' });
    await insertArticles(app, DOCS, { prefix: 'Docs' });
    await spawn();
    await spawn();
  });
  afterAll(async () => {
    for (const instance of all) await instance.process.kill().catch(() => undefined);
    await app?.close();
    for (const instance of all) fs.rmSync(instance.exportDir, { recursive: true, force: true });
  });

  it('serves a queued export byte for byte through every instance, not only the one that wrote it', async () => {
    const [a, b] = instances;
    const started = Date.now();
    const res = await a.process.as(a.token).post(actionUrl(ARTICLE, 'export-csv', 'run')).send({ selection: sharedSelection, params: { fields: EXPORT_FIELDS } });
    expect(res.status).toBe(202);
    const runId = res.body.data.run.id;
    const [final] = (await followRun(client(a), runId, undefined, { intervalMs: 250 })).slice(-1);
    process.stdout.write(`\nqueued export of ${SHARED} rows (reads slowed by ${JOB_ENV.BULK_ACTIONS_TEST_READ_DELAY_MS} ms a chunk), two workers: ${Date.now() - started} ms\n`);
    expect(final).toMatchObject({ status: 'succeeded', total: SHARED, succeeded: SHARED, download: { contentType: 'text/csv; charset=utf-8' } });

    const fromA = await download(a, runId);
    const fromB = await download(b, runId);
    expect(fromA.status).toBe(200);
    expect(fromB.status).toBe(200);
    expect(fromB.headers['content-disposition']).toMatch(/^attachment; filename="articles-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(Buffer.compare(fromA.body, fromB.body)).toBe(0);
    expect(fromA.body.toString('utf8')).toBe(await expectedCsv());
    uninterrupted = fromA.body;
  });

  it('assembles a queued XLSX export from its parts on every instance: the same workbook bytes, cell by cell the database', async () => {
    const [a, b] = instances;
    const res = await a.process.as(a.token).post(actionUrl(ARTICLE, 'export-csv', 'run')).send({ selection: sharedSelection, params: { format: 'xlsx', fields: EXPORT_FIELDS } });
    expect(res.status).toBe(202);
    const runId = res.body.data.run.id;
    const [final] = (await followRun(client(a), runId, undefined, { intervalMs: 250 })).slice(-1);
    expect(final).toMatchObject({ status: 'succeeded', total: SHARED, succeeded: SHARED, download: { contentType: XLSX_TYPE } });

    const fromA = await download(a, runId);
    const fromB = await download(b, runId);
    const fromApp = await app.as('editor').get(`/bulk-actions/runs/${runId}/download`).buffer(true).parse(binary);
    for (const file of [fromA, fromB, fromApp]) expect(file.status).toBe(200);
    expect(Buffer.compare(fromA.body, fromB.body)).toBe(0);
    expect(Buffer.compare(fromA.body, fromApp.body)).toBe(0);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(fromB.body as any);
    const cells: unknown[][] = [];
    workbook.worksheets[0].eachRow((row) => cells.push([1, 2, 3, 4].map((i) => row.getCell(i).value)));
    const rows = await app.knex()('articles').where('title', 'like', 'Shared %').whereNull('published_at').orderBy('id').select('document_id', 'locale', 'title', 'views');
    expect(cells).toEqual([['documentId', 'locale', ...EXPORT_FIELDS], ...rows.map((row: any) => [row.document_id, row.locale, row.title, Number(row.views)])]);
  });

  it('continues the same file when the instance writing it is killed: complete, valid, identical to an uninterrupted export', async () => {
    const res = await instances[0].process
      .as(instances[0].token)
      .post(actionUrl(ARTICLE, 'export-csv', 'run'))
      .send({ selection: sharedSelection, params: { fields: EXPORT_FIELDS } });
    expect(res.status).toBe(202);
    const runId = res.body.data.run.id;
    await followRun(client(instances[0]), runId, (run) => run.processed >= 1000 || run.status !== 'running' && run.status !== 'queued');

    // kill a worker that holds a chunk in hand (SIGKILL: no shutdown, its claim is left to go stale)
    const held = (await claims(runId)).filter((chunk) => chunk.status === 'pending' && chunk.pid !== null).map((chunk) => chunk.pid);
    const victim = instances.find((instance) => held.includes(instance.process.child.pid!)) ?? instances[0];
    const victimPid = victim.process.child.pid!;
    await victim.process.kill();
    instances.splice(instances.indexOf(victim), 1);
    const survivor = instances[0];

    const [final] = (await followRun(client(survivor), runId, undefined, { intervalMs: 250 })).slice(-1);
    expect(final).toMatchObject({ status: 'succeeded', total: SHARED, processed: SHARED, succeeded: SHARED, failed: 0 });
    const chunks = await claims(runId);
    expect(chunks.every((chunk) => chunk.status === 'done')).toBe(true);
    // both instances wrote parts of this file
    expect(new Set(chunks.map((chunk) => chunk.pid))).toEqual(new Set([victimPid, survivor.process.child.pid]));

    const file = await download(survivor, runId);
    expect(file.status).toBe(200);
    const text = file.body.toString('utf8');
    expect(text.startsWith('documentId,locale,title,views\r\n')).toBe(true);
    expect(text).not.toContain('\u0000');
    const parsed = Papa.parse<string[]>(text.slice(0, -2), { newline: '\r\n' });
    expect(parsed.errors).toEqual([]);
    const [header, ...lines] = parsed.data;
    expect(header).toEqual(['documentId', 'locale', ...EXPORT_FIELDS]);
    expect(lines).toHaveLength(SHARED);
    expect(new Set(lines.map((line) => line[0])).size).toBe(SHARED);
    expect(Buffer.compare(file.body, uninterrupted)).toBe(0);
    // and through the instance that worked no chunk of it
    const third = await app.as('editor').get(`/bulk-actions/runs/${runId}/download`).buffer(true).parse(binary);
    expect(Buffer.compare(third.body, uninterrupted)).toBe(0);

    await spawn(); // two workers again for what follows
  });

  it('works one large documents-mode run with the workers of both instances, every entry changed exactly once', async () => {
    const started = Date.now();
    // 10 ms a document: one worker alone would need 10 s, so the other instance's worker (polling every
    // 100 ms) always joins, however fast the machine
    const res = await app
      .as('editor')
      .post(actionUrl(ARTICLE, 'bump-views-documents', 'run'))
      .send({ selection: { query: { filters: { title: { $startsWith: 'Docs ' } } } }, params: { delayMs: 10 } });
    expect(res.status).toBe(202);
    const runId = res.body.data.run.id;
    const [final] = (await followRun(() => app.as('editor'), runId, undefined, { intervalMs: 250, timeoutMs: 300_000 })).slice(-1);
    const ms = Date.now() - started;
    process.stdout.write(`\ndocuments mode, ${DOCS} documents, two instances: ${ms} ms (${Math.round((DOCS / ms) * 1000)} documents/s)\n`);
    expect(final).toMatchObject({ status: 'succeeded', total: DOCS, processed: DOCS, succeeded: DOCS, failed: 0 });

    const chunks = await claims(runId);
    expect(chunks).toHaveLength(DOCS / 50);
    expect(chunks.every((chunk) => chunk.status === 'done')).toBe(true);
    // both instances' workers took chunks of the run: a claim takes one chunk, so the first worker
    // cannot hold them all while the other polls (see queue.claimChunk)
    const pids = new Set(chunks.map((chunk) => chunk.pid));
    process.stdout.write(`documents mode: chunks claimed by ${pids.size} of ${instances.length} instances\n`);
    expect(pids).toEqual(new Set(instances.map((instance) => instance.process.child.pid)));

    const views = await app.knex()('articles').where('title', 'like', 'Docs %').whereNull('published_at').select('views').count({ n: '*' }).groupBy('views');
    expect(views.map((row: any) => [Number(row.views), Number(row.n)])).toEqual([[1, DOCS]]);
  }, 400_000);

  it('stops every worker between chunks when the run is cancelled through an instance that works none of its chunks', async () => {
    const [a] = instances;
    const res = await a.process.as(a.token).post(actionUrl(ARTICLE, 'bump-views', 'run')).send({ selection: sharedSelection, params: { delayMs: 300 } });
    expect(res.status).toBe(202);
    const runId = res.body.data.run.id;
    await followRun(client(a), runId, (run) => run.processed >= 2000);
    // the in-process instance has no worker: it holds no chunk of this run
    const cancel = await app.as('editor').post(`/bulk-actions/runs/${runId}/cancel`);
    expect(cancel.status).toBe(202);

    const [final] = (await followRun(client(a), runId)).slice(-1);
    expect(final.status).toBe('cancelled');
    expect(final.processed).toBeLessThan(SHARED);
    const chunks = await claims(runId);
    const done = chunks.filter((chunk) => chunk.status === 'done');
    const doneEntries = done.reduce((n, chunk) => n + chunk.size, 0);
    expect(done.length).toBeLessThan(chunks.length);
    // the run's counts are exactly its done chunks, and exactly the rows that changed
    expect(final.processed).toBe(doneEntries);
    expect(final.succeeded).toBe(doneEntries);
    const views = await app.knex()('articles').where('title', 'like', 'Shared %').where('views', 1).count({ n: '*' }).first();
    expect(Number(views!.n)).toBe(doneEntries);
    const row = await app.knex()('bulk_actions_runs').where({ id: runId }).first('processed', 'status');
    expect(row).toMatchObject({ processed: doneEntries, status: 'cancelled' });
  });

  it('purges expired files once when several instances run retention at the same moment', async () => {
    const exported = (await app.knex()('bulk_actions_runs').whereNotNull('output_name').select('id')).map((row: any) => row.id);
    expect(exported.length).toBeGreaterThanOrEqual(2);
    expect(Number((await app.knex()('bulk_actions_run_output_parts').whereIn('run_id', exported).count({ n: '*' }).first())!.n)).toBeGreaterThan(0);
    await app.knex()('bulk_actions_runs').whereIn('id', exported).update({ finished_at: new Date(Date.now() - 48 * 3600_000) });

    // three purges on three connections at once, as three instances would
    const outputs = app.strapi.plugin('bulk-actions').service('outputs');
    await Promise.all([outputs.purgeExpired(24), outputs.purgeExpired(24), outputs.purgeExpired(24)]);

    expect(Number((await app.knex()('bulk_actions_run_output_parts').whereIn('run_id', exported).count({ n: '*' }).first())!.n)).toBe(0);
    expect(await app.knex()('bulk_actions_runs').whereIn('id', exported).whereNotNull('output_name').count({ n: '*' }).first()).toMatchObject({ n: '0' });
    const [a] = instances;
    expect((await download(a, exported[0])).status).toBe(404);
  });

  it('keeps no run file on any instance disk', () => {
    for (const instance of all) {
      const files = fs.existsSync(instance.exportDir) ? fs.readdirSync(instance.exportDir) : [];
      expect(files).toEqual([]);
    }
  });
});
