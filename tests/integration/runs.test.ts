import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, actionUrl, articleRows, draftIdsCreatedBy } from '../helpers/content';

describe('runs: the audit log, idempotency', () => {
  let app: TestApp;
  let ids: string[];
  let bumps = 0;

  beforeAll(async () => {
    app = await bootPlayground({ articles: 12 });
    // a project action with a visible side effect per execution, to prove idempotency
    app.strapi.plugin('bulk-actions').service('actions').register({
      name: 'bump-views',
      label: 'Bump views',
      contentTypes: [ARTICLE],
      permissions: ['update'],
      mode: 'query',
      form: { secretToken: { type: 'string', secret: true } },
      async handler(run: any) {
        bumps += 1;
        await run.eachChunk(async (documentIds: string[], { trx }: any) => {
          await trx('articles').whereIn('document_id', documentIds).increment('views', 1);
        });
      },
    });
    await app.enableActions(ARTICLE, ['*']);
    ids = (await draftIdsCreatedBy(app, app.seeded.users.editor.id)).slice(0, 2);
  });
  afterAll(() => app?.close());

  it('writes one audit row per run, with who, what, counts, timing and params without secrets', async () => {
    const res = await app.as('editor').post(actionUrl(ARTICLE, 'bump-views', 'run')).send({ selection: { documentIds: ids }, params: { secretToken: 's3cret' } });
    expect(res.status).toBe(200);
    const row = await app.knex()('bulk_actions_runs').where({ id: res.body.data.run.id }).first();
    expect(row).toMatchObject({
      action: 'bump-views', content_type: ARTICLE, locale: 'en', user_id: app.seeded.users.editor.id, user_name: 'Eddie Editor',
      selection_kind: 'documentIds', total: 2, processed: 2, succeeded: 2, skipped: 0, failed: 0, status: 'succeeded',
    });
    expect(JSON.parse(row.params)).toEqual({ secretToken: '[redacted]' });
    expect(row.finished_at).not.toBeNull();
    expect(row.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('runs once per idempotency key and user', async () => {
    const before = bumps;
    const body = { selection: { documentIds: ids }, idempotencyKey: 'click-1' };
    const first = await app.as('editor').post(actionUrl(ARTICLE, 'bump-views', 'run')).send(body);
    const second = await app.as('editor').post(actionUrl(ARTICLE, 'bump-views', 'run')).send(body);
    expect(second.status).toBe(200);
    expect(second.body.data.run.id).toBe(first.body.data.run.id);
    expect(bumps).toBe(before + 1);
    const views = (await articleRows(app, { locale: 'en' })).filter((r) => ids.includes(r.document_id)).map((r) => r.views);
    // seeded views were i*10; two bumps so far (previous test + this one)
    views.forEach((v) => expect(v % 10).toBe(2));
    // the same key from another user is another run
    const other = await app.as('admin').post(actionUrl(ARTICLE, 'bump-views', 'run')).send(body);
    expect(other.body.data.run.id).not.toBe(first.body.data.run.id);
    // the same key for another action is refused
    const clash = await app.as('editor').post(actionUrl(ARTICLE, 'update-field', 'run')).send({ ...body, params: { field: 'views', value: 1 } });
    expect(clash.status).toBe(400);
    expect(clash.body.error.message).toMatch(/^idempotencyKey: already used for "bump-views"/);
  });

  it('lists runs newest first with filters and pagination (runs.read)', async () => {
    await app.as('author').post(actionUrl(ARTICLE, 'update-field', 'run')).send({ selection: { documentIds: ids }, params: { field: 'stage', value: 'review' } });
    const all = await app.as('admin').get('/bulk-actions/runs?pageSize=2');
    expect(all.status).toBe(200);
    expect(all.body.data).toHaveLength(2);
    expect(all.body.meta.pagination).toMatchObject({ page: 1, pageSize: 2, total: 4, pageCount: 2 });
    expect(all.body.data[0].action).toBe('update-field');

    const byAction = await app.as('admin').get('/bulk-actions/runs?action=bump-views');
    expect(byAction.body.data.map((r: { action: string }) => r.action)).toEqual(['bump-views', 'bump-views', 'bump-views']);
    const byUser = await app.as('admin').get(`/bulk-actions/runs?user=${app.seeded.users.author.id}`);
    expect(byUser.body.data).toHaveLength(1);
    expect(byUser.body.data[0]).toMatchObject({ status: 'partial', succeeded: 0, skipped: 2, skippedReasons: { forbidden: 2 } });
    const byStatus = await app.as('admin').get(`/bulk-actions/runs?status=partial&contentType=${ARTICLE}`);
    expect(byStatus.body.data).toHaveLength(1);
  });

  it('shows a run to its owner and to runs.read holders only', async () => {
    const list = await app.as('admin').get(`/bulk-actions/runs?user=${app.seeded.users.author.id}`);
    const runId = list.body.data[0].id;
    expect((await app.as('author').get(`/bulk-actions/runs/${runId}`)).status).toBe(200);
    expect((await app.as('admin').get(`/bulk-actions/runs/${runId}`)).status).toBe(200);
    const foreign = await app.as('editor').get(`/bulk-actions/runs/${runId}`);
    expect(foreign.status).toBe(404);
    expect((await app.as('editor').get('/bulk-actions/runs')).status).toBe(403);
    expect((await app.as('admin').get('/bulk-actions/runs/999999')).status).toBe(404);
  });
});
