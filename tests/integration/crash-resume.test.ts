import request from 'supertest';
import { bootPlayground } from '../helpers/strapi';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ARTICLE, actionUrl, followRun, insertArticles } from '../helpers/content';
import { spawnPlayground, type PlaygroundProcess } from '../helpers/processes';

const JOB_ENV = { BULK_ACTIONS_TEST_ACTIONS: 'true', BULK_ACTIONS_POLL_MS: '100', BULK_ACTIONS_STALE_MS: '1500' };
const PASSWORD = 'Test-Password-123';

/**
 * The process working a job dies (SIGKILL, no shutdown hook). A new process on the same database
 * takes the job over once its heartbeat is stale and finishes it: exact counts, no row changed twice.
 */
describe('a job survives the death of its process', () => {
  let database: TestDatabase;
  const children: PlaygroundProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const app = await bootPlayground({ database, articles: 4, env: JOB_ENV });
    await app.enableActions(ARTICLE, ['bump-views', 'bump-views-documents']);
    await insertArticles(app, 20_000, { prefix: 'Crash' });
    await app.close();
  });
  afterAll(async () => {
    for (const child of children) await child.kill().catch(() => undefined);
    await database?.drop();
  });

  const start = async () => {
    const child = await spawnPlayground({ ...database.env, ...JOB_ENV });
    children.push(child);
    const login = await request(child.baseUrl).post('/admin/login').send({ email: 'editor@example.com', password: PASSWORD });
    return { child, token: login.body.data.token as string };
  };

  it('resumes from the last committed chunk after a restart', async () => {
    const first = await start();
    const res = await first.child
      .as(first.token)
      .post(actionUrl(ARTICLE, 'bump-views', 'run'))
      .send({ selection: { query: { filters: { title: { $startsWith: 'Crash ' } } } }, params: { delayMs: 150 } });
    expect(res.status).toBe(202);
    const runId = res.body.data.run.id;
    const [before] = (await followRun(() => first.child.as(first.token), runId, (run) => run.processed >= 2000)).slice(-1);
    expect(before.status).toBe('running');
    await first.child.kill();

    const second = await start();
    const seen = await followRun(() => second.child.as(second.token), runId);
    const final = seen.at(-1);
    expect(final).toMatchObject({ status: 'succeeded', total: 20_000, processed: 20_000, succeeded: 20_000, failed: 0 });
    await second.child.stop();

    // every row went up exactly once: a chunk done before the crash was not redone
    const check = await bootPlayground({ database, articles: 0, env: { BULK_ACTIONS_WORKER: 'false' } });
    const views = await check.knex()('articles').where('title', 'like', 'Crash %').select('views').count({ n: '*' }).groupBy('views');
    expect(views.map((v: any) => [Number(v.views), Number(v.n)])).toEqual([[1, 20_000]]);
    const chunks = await check.knex()('bulk_actions_run_chunks').where({ run_id: runId }).select('status').count({ n: '*' }).groupBy('status');
    expect(chunks.map((c: any) => [c.status, Number(c.n)])).toEqual([['done', 40]]);
    await check.close();
  });

  it('documents mode: resumes inside the chunk it was working, after the groups of entries that committed', async () => {
    const first = await start();
    // the entries as the Content Manager lists them (the database is the child's while it runs)
    const list = await first.child.as(first.token).get(`/content-manager/collection-types/${ARTICLE}?page=1&pageSize=150&sort=id:ASC&filters[title][$startsWith]=Crash%20`);
    expect(list.status).toBe(200);
    const rows: Array<{ documentId: string; views: number }> = list.body.results;
    expect(rows).toHaveLength(150);
    const ids = rows.map((r) => r.documentId);
    const res = await first.child.as(first.token).post(actionUrl(ARTICLE, 'bump-views-documents', 'run')).send({ selection: { documentIds: ids }, params: { delayMs: 40 } });
    expect(res.status).toBe(202);
    const runId = res.body.data.run.id;
    // the first chunk of 50 is done; about a second into the second one, the process dies
    await followRun(() => first.child.as(first.token), runId, (run) => run.processed >= 50);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await first.child.kill();

    // what the dead process left: a pending chunk holding the outcomes of the entries it committed
    const between = await bootPlayground({ database, articles: 0, env: { BULK_ACTIONS_WORKER: 'false' } });
    const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) ?? {};
    const pending = (await between.knex()('bulk_actions_run_chunks').where({ run_id: runId, status: 'pending' }).select('outcomes')).map((c: any) => Object.keys(parse(c.outcomes)).length);
    await between.close();
    expect(pending.filter((n: number) => n > 0 && n < 50)).toHaveLength(1);

    const second = await start();
    const final = (await followRun(() => second.child.as(second.token), runId, undefined, { timeoutMs: 120_000 })).at(-1);
    expect(final).toMatchObject({ status: 'succeeded', total: 150, succeeded: 150, failed: 0 });
    await second.child.stop();

    // every entry went up exactly once: the committed entries of the interrupted chunk were not redone
    const check = await bootPlayground({ database, articles: 0, env: { BULK_ACTIONS_WORKER: 'false' } });
    const after = new Map((await check.knex()('articles').whereIn('document_id', ids).whereNull('published_at').select('document_id', 'views')).map((r: any) => [r.document_id, Number(r.views)]));
    expect(rows.filter((r) => after.get(r.documentId) !== Number(r.views) + 1)).toEqual([]);
    await check.close();
  }, 240_000);
});
