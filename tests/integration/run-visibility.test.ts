/**
 * One visibility rule for runs (the list, its counts and filters, the run page and its sub-routes),
 * and idempotency keys the database keeps unique under concurrent confirms.
 */
import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, EXTRACTION_CONFIG, actionUrl, articleRows, draftIdsCreatedBy } from '../helpers/content';

describe('runs: one visibility rule', () => {
  let app: TestApp;
  let articleRunId: number;
  let configRunId: number;
  let readerOfRuns: string;
  let readerOfArticles: string;

  beforeAll(async () => {
    app = await bootPlayground({ articles: 8, env: { BULK_ACTIONS_TEST_ACTIONS: 'true' } });
    await app.enableActions(ARTICLE, ['update-field', 'bump-views']);
    await app.enableActions(EXTRACTION_CONFIG, ['update-field']);
    const ids = await draftIdsCreatedBy(app, app.seeded.users.editor.id);
    const article = await app.as('editor').post(actionUrl(ARTICLE, 'update-field', 'run')).send({
      selection: { documentIds: ids.slice(0, 2) }, params: { field: 'views', value: 3 },
    });
    articleRunId = article.body.data.run.id;
    const configIds = (await app.knex()('extraction_configs').select('document_id')).map((row: any) => row.document_id);
    const config = await app.as('editor').post(actionUrl(EXTRACTION_CONFIG, 'update-field', 'run')).send({
      selection: { documentIds: configIds.slice(0, 2) }, params: { field: 'source', value: 'feed' },
    });
    configRunId = config.body.data.run.id;
    expect([article.status, config.status]).toEqual([200, 200]);

    // runs.read and the extraction configs, but not the articles
    readerOfRuns = (await app.userWithRole('Runs Reader', [
      { action: 'plugin::bulk-actions.runs.read' },
      ...['read', 'update'].map((a) => ({ action: `plugin::content-manager.explorer.${a}`, subject: EXTRACTION_CONFIG })),
    ])).token;
    // runs.read and read-only articles: update-field needs update
    readerOfArticles = (await app.userWithRole('Article Reader', [
      { action: 'plugin::bulk-actions.runs.read' },
      { action: 'plugin::content-manager.explorer.read', subject: ARTICLE },
    ])).token;
  });
  afterAll(() => app?.close());

  const listed = async (token: string | null, query = '') => {
    // null: the super admin, who holds every permission
    const res = await (token ? app.withToken(token) : app.as('admin')).get(`/bulk-actions/runs${query}`);
    expect(res.status).toBe(200);
    return { ids: res.body.data.map((run: { id: number }) => run.id), total: res.body.meta.pagination.total };
  };

  it('lists exactly the runs the single-run route shows, with counts to match', async () => {
    for (const token of [readerOfRuns, readerOfArticles]) {
      const { ids, total } = await listed(token);
      expect(total).toBe(ids.length);
      for (const id of [articleRunId, configRunId]) {
        const single = await app.withToken(token).get(`/bulk-actions/runs/${id}`);
        expect({ id, listed: ids.includes(id) }).toEqual({ id, listed: single.status === 200 });
      }
    }
    expect((await listed(readerOfRuns)).ids).toEqual([configRunId]);
    expect((await listed(readerOfArticles)).ids).toEqual([]);
    expect((await listed(null)).ids).toEqual(
      expect.arrayContaining([articleRunId, configRunId])
    );
  });

  it('applies the rule under the list filters too', async () => {
    expect(await listed(readerOfRuns, `?contentType=${ARTICLE}`)).toEqual({ ids: [], total: 0 });
    expect(await listed(readerOfRuns, `?contentType=${EXTRACTION_CONFIG}`)).toEqual({ ids: [configRunId], total: 1 });
    expect(await listed(readerOfRuns, `?user=${app.seeded.users.editor.id}`)).toEqual({ ids: [configRunId], total: 1 });
  });

  it.each(['', '/failures', '/download'])('hides GET /runs/:id%s of a run it does not list', async (suffix) => {
    const res = await app.withToken(readerOfRuns).get(`/bulk-actions/runs/${articleRunId}${suffix}`);
    expect({ status: res.status, message: res.body.error?.message }).toEqual({ status: 404, message: `No run ${articleRunId}` });
  });

  it.each(['cancel', 'retry'])('hides POST /runs/:id/%s of a run it does not list', async (verb) => {
    const res = await app.withToken(readerOfRuns).post(`/bulk-actions/runs/${articleRunId}/${verb}`);
    expect({ status: res.status, message: res.body.error?.message }).toEqual({ status: 404, message: `No run ${articleRunId}` });
  });

  it('makes one run of ten concurrent confirms with one idempotency key, each row changed once', async () => {
    const ids = (await draftIdsCreatedBy(app, app.seeded.users.editor.id)).slice(0, 5);
    const before = new Map((await articleRows(app, { locale: 'en' })).map((row) => [row.document_id, row.views]));
    const body = { selection: { documentIds: ids }, idempotencyKey: 'same-click-ten-times' };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => app.as('editor').post(actionUrl(ARTICLE, 'bump-views', 'run')).send(body))
    );
    expect(answers.map((res) => res.status)).toEqual(Array(10).fill(200));
    const runIds = new Set(answers.map((res) => res.body.data.run.id));
    expect(runIds.size).toBe(1);
    const rows = await app.knex()('bulk_actions_runs').where({ idempotency_key: 'same-click-ten-times' });
    expect(rows).toHaveLength(1);
    const after = await articleRows(app, { locale: 'en' });
    for (const row of after.filter((r) => ids.includes(r.document_id))) {
      expect({ id: row.document_id, views: row.views }).toEqual({ id: row.document_id, views: (before.get(row.document_id) ?? 0) + 1 });
    }
  });

  it('keeps (user, idempotencyKey) unique in the database', async () => {
    const name = 'bulk_actions_runs_user_idempotency_uq';
    const definition: string | undefined =
      app.database.client === 'postgres'
        ? (await app.knex().raw('SELECT indexdef AS sql FROM pg_indexes WHERE indexname = ?', [name])).rows[0]?.sql
        : (await app.knex().raw("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", [name]))[0]?.sql;
    expect(definition).toMatch(/^CREATE UNIQUE INDEX/i);
    expect(definition?.replace(/["`\s]/g, '')).toMatch(/\(user_id,idempotency_key\)/);
  });
});
