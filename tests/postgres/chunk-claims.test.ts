import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, actionUrl, insertArticles } from '../helpers/content';

/**
 * One claim takes one chunk, whatever plan PostgreSQL picks for the claiming UPDATE: a claim that
 * took more would leave the other instances' workers nothing to do (they would still never apply a
 * chunk twice). The chunks table of this fresh database has no statistics yet, which is the state in
 * which an `id IN (SELECT ... LIMIT 1 FOR UPDATE SKIP LOCKED)` claim took every chunk of the run.
 */
describe('chunk claims on PostgreSQL', () => {
  let app: TestApp;

  beforeAll(async () => {
    if (process.env.DATABASE_CLIENT !== 'postgres') throw new Error('run with `npm run test:pg`');
    // no worker: the claims below are the only ones
    app = await bootPlayground({ articles: 4, env: { BULK_ACTIONS_TEST_ACTIONS: 'true', BULK_ACTIONS_WORKER: 'false' } });
    await app.enableActions(ARTICLE, ['bump-views-documents']);
    await insertArticles(app, 1_000, { prefix: 'Docs' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('claims exactly one chunk per claim, in position order, with or without table statistics', async () => {
    const res = await app
      .as('editor')
      .post(actionUrl(ARTICLE, 'bump-views-documents', 'run'))
      .send({ selection: { query: { filters: { title: { $startsWith: 'Docs ' } } } }, params: {} });
    expect(res.status).toBe(202);
    const runId = res.body.data.run.id;
    const chunks = app.strapi.plugin('bulk-actions').service('chunks');
    const claimedBy = async () =>
      (await app.knex()('bulk_actions_run_chunks').where({ run_id: runId }).whereNotNull('claimed_by').orderBy('position').select('position', 'claimed_by'))
        .map((row: any) => [Number(row.position), row.claimed_by]);

    expect((await chunks.claim(runId, 'host:1:a'))?.position).toBe(0);
    expect((await chunks.claim(runId, 'host:2:b'))?.position).toBe(1);
    expect(await claimedBy()).toEqual([[0, 'host:1:a'], [1, 'host:2:b']]);

    // a worker claiming again gets its own chunk back first (a resumed chunk), nothing more
    expect((await chunks.claim(runId, 'host:1:a'))?.position).toBe(0);

    await app.knex().raw('ANALYZE bulk_actions_run_chunks');
    expect((await chunks.claim(runId, 'host:3:c'))?.position).toBe(2);
    expect(await claimedBy()).toEqual([[0, 'host:1:a'], [1, 'host:2:b'], [2, 'host:3:c']]);
  });
});
