import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, actionUrl, draftIdsCreatedBy, followRun, insertArticles } from '../helpers/content';
import { spawnPlayground, type PlaygroundProcess } from '../helpers/processes';

const JOB_ENV = { BULK_ACTIONS_POLL_MS: '50', BULK_ACTIONS_STALE_MS: '1500' };
const RUN = actionUrl(ARTICLE, 'update-field', 'run');

/**
 * Scheduled runs with two instances on one PostgreSQL database: both workers see the runs fall
 * due at the same moment; each run starts once (its re-check of permissions counted once) and
 * every row changes once per run.
 */
describe('scheduled runs with two instances', () => {
  let app: TestApp;
  const instances: PlaygroundProcess[] = [];

  beforeAll(async () => {
    if (process.env.DATABASE_CLIENT !== 'postgres') throw new Error('run with `npm run test:pg`');
    // this in-process instance schedules and reads; its own worker stays off so the children start the runs
    app = await bootPlayground({ articles: 40, env: { ...JOB_ENV, BULK_ACTIONS_WORKER: 'false' } });
    await app.enableActions(ARTICLE, ['update-field']);
    await insertArticles(app, 1_000, { prefix: 'Sched' });
    for (let i = 0; i < 2; i += 1) instances.push(await spawnPlayground({ ...app.database.env, ...JOB_ENV }));
  });
  afterAll(async () => {
    for (const instance of instances) await instance.kill().catch(() => undefined);
    await app?.close();
  });

  it('starts each due run exactly once', async () => {
    const runAt = new Date(Date.now() + 3000).toISOString();
    const increment = { changes: [{ field: 'views', op: 'increment', value: 1 }] };
    const all = { query: { filters: { title: { $startsWith: 'Sched ' } } } };
    const before = new Map<string, number>(
      (await app.knex()('articles').where('title', 'like', 'Sched %').whereNull('published_at').select('document_id', 'views')).map((row: any) => [row.document_id, Number(row.views ?? 0)])
    );
    const first = await app.as('editor').post(RUN).send({ selection: all, params: increment, runAt });
    const second = await app.as('editor').post(RUN).send({ selection: all, params: increment, runAt });
    expect([first.status, second.status]).toEqual([202, 202]);

    // the author's run: one of its two entries changes hands before the run starts
    const [kept, given] = await draftIdsCreatedBy(app, app.seeded.users.author.id, 2);
    const authorRun = await app.as('author').post(RUN).send({ selection: { documentIds: [kept, given] }, params: increment, runAt });
    expect(authorRun.status).toBe(202);
    await app.knex()('articles').where({ document_id: given }).update({ created_by_id: app.seeded.users.editor.id });

    for (const res of [first, second]) {
      const final = (await followRun(() => app.as('editor'), res.body.data.run.id)).at(-1);
      expect(final).toMatchObject({ status: 'succeeded', total: 1000, processed: 1000, succeeded: 1000, skipped: 0 });
    }
    const authorFinal = (await followRun(() => app.as('author'), authorRun.body.data.run.id)).at(-1);
    expect(authorFinal).toMatchObject({ status: 'partial', total: 2, processed: 2, succeeded: 1, skipped: 1, skippedReasons: { forbidden: 1 } });

    const after = await app.knex()('articles').where('title', 'like', 'Sched %').whereNull('published_at').select('document_id', 'views');
    expect(after).toHaveLength(1000);
    for (const row of after) expect(Number(row.views)).toBe(before.get(row.document_id)! + 2);
  });
});
