import request from 'supertest';
import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, actionUrl, articleRows, draftIdsCreatedBy } from '../helpers/content';
import { spawnPlayground, type PlaygroundProcess } from '../helpers/processes';

/**
 * The same confirm (same user, same idempotency key) sent to two instances on one PostgreSQL
 * database at once: the unique index on (user, idempotencyKey) lets one run exist, whichever
 * instance wins, and every entry is changed once.
 */
describe('idempotency across instances on one PostgreSQL database', () => {
  let app: TestApp;
  let other: PlaygroundProcess;
  let otherToken: string;

  beforeAll(async () => {
    if (process.env.DATABASE_CLIENT !== 'postgres') throw new Error('run with `npm run test:pg`');
    app = await bootPlayground({ articles: 8, env: { BULK_ACTIONS_TEST_ACTIONS: 'true' } });
    await app.enableActions(ARTICLE, ['bump-views']);
    other = await spawnPlayground({ ...app.database.env, BULK_ACTIONS_TEST_ACTIONS: 'true' });
    const login = await request(other.baseUrl).post('/admin/login').send({ email: app.seeded.users.editor.email, password: app.password });
    otherToken = login.body.data.token;
  });
  afterAll(async () => {
    await other?.stop();
    await app?.close();
  });

  it('makes one run of ten confirms sent to two instances at once, each row changed once', async () => {
    const ids = (await draftIdsCreatedBy(app, app.seeded.users.editor.id)).slice(0, 4);
    const before = new Map((await articleRows(app, { locale: 'en' })).map((row) => [row.document_id, row.views]));
    const body = { selection: { documentIds: ids }, idempotencyKey: 'two-instances-one-click' };
    const url = actionUrl(ARTICLE, 'bump-views', 'run');
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0 ? app.as('editor').post(url).send(body) : other.as(otherToken).post(url).send(body)
      )
    );
    expect(answers.map((res) => res.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((res) => res.body.data.run.id)).size).toBe(1);
    expect(await app.knex()('bulk_actions_runs').where({ idempotency_key: 'two-instances-one-click' })).toHaveLength(1);
    for (const row of (await articleRows(app, { locale: 'en' })).filter((r) => ids.includes(r.document_id))) {
      expect({ id: row.document_id, views: row.views }).toEqual({ id: row.document_id, views: (before.get(row.document_id) ?? 0) + 1 });
    }
  });
});
