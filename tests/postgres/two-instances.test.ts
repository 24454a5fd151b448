import request from 'supertest';
import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, actionUrl, followRun, insertArticles } from '../helpers/content';
import { spawnPlayground, type PlaygroundProcess } from '../helpers/processes';

const JOB_ENV = { BULK_ACTIONS_TEST_ACTIONS: 'true', BULK_ACTIONS_POLL_MS: '100', BULK_ACTIONS_STALE_MS: '1500' };

/**
 * Two Strapi instances (two processes) on one PostgreSQL database share the job queue: both work
 * the 20,000-row job's chunks; when one is killed mid-job the other takes its chunk over and finishes
 * the job, and every chunk is applied exactly once.
 */
describe('two instances on one PostgreSQL database', () => {
  let app: TestApp;
  const instances: PlaygroundProcess[] = [];

  beforeAll(async () => {
    if (process.env.DATABASE_CLIENT !== 'postgres') throw new Error('run with `npm run test:pg`');
    // this in-process instance seeds and reads; its own worker stays off so the children do the work
    app = await bootPlayground({ articles: 4, env: { ...JOB_ENV, BULK_ACTIONS_WORKER: 'false' } });
    await app.enableActions(ARTICLE, ['bump-views']);
    await insertArticles(app, 20_000, { prefix: 'Shared' });
    for (let i = 0; i < 2; i += 1) instances.push(await spawnPlayground({ ...app.database.env, ...JOB_ENV }));
  });
  afterAll(async () => {
    for (const instance of instances) await instance.kill().catch(() => undefined);
    await app?.close();
  });

  it('finishes a job on the surviving instance after the working one is killed', async () => {
    const res = await app
      .as('editor')
      .post(actionUrl(ARTICLE, 'bump-views', 'run'))
      .send({ selection: { query: { filters: { title: { $startsWith: 'Shared ' } } } }, params: { delayMs: 100 } });
    expect(res.status).toBe(202);
    const runId = res.body.data.run.id;

    await followRun(() => app.as('editor'), runId, (run) => run.processed >= 2000);
    // both instances work the job's chunks: kill one that holds a chunk in hand
    const held: string[] = (await app.knex()('bulk_actions_run_chunks').where({ run_id: runId, status: 'pending' }).whereNotNull('claimed_by').select('claimed_by')).map((row: any) => row.claimed_by);
    const worker = instances.find((instance) => held.some((claimedBy) => claimedBy.includes(`:${instance.child.pid}:`)));
    expect(worker).toBeDefined();
    await worker!.kill();
    const survivor = instances.find((instance) => instance !== worker)!;

    const token = (await request(survivor.baseUrl).post('/admin/login').send({ email: 'editor@example.com', password: app.password })).body.data.token;
    const [final] = (await followRun(() => survivor.as(token), runId)).slice(-1);
    expect(final).toMatchObject({ status: 'succeeded', total: 20_000, processed: 20_000, succeeded: 20_000, failed: 0 });
    const { claimed_by: finisher } = await app.knex()('bulk_actions_runs').where({ id: runId }).first('claimed_by');
    expect(finisher).toBeNull(); // released when settled

    const views = await app.knex()('articles').where('title', 'like', 'Shared %').select('views').count({ n: '*' }).groupBy('views');
    expect(views.map((v: any) => [Number(v.views), Number(v.n)])).toEqual([[1, 20_000]]);
    const chunks = await app.knex()('bulk_actions_run_chunks').where({ run_id: runId }).select('status').count({ n: '*' }).groupBy('status');
    expect(chunks.map((c: any) => [c.status, Number(c.n)])).toEqual([['done', 40]]);
  });
});
