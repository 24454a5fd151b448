/**
 * GET /runs/:id/entries: the entries a run skipped or failed, each with its main field (labelled in
 * one query, within what the reader may read), for the run page.
 */
import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, EXTRACTION_CONFIG, actionUrl, articleRows, draftIdsCreatedBy } from '../helpers/content';

describe('runs: the skipped and failed entries, named', () => {
  let app: TestApp;
  let skipRun: number;
  let ids: string[];

  beforeAll(async () => {
    app = await bootPlayground({ articles: 8 });
    await app.enableActions(ARTICLE, ['update-field']);
    await app.enableActions(EXTRACTION_CONFIG, ['run-now']);
    ids = await draftIdsCreatedBy(app, app.seeded.users.editor.id, 3);
    // views would go below their minimum: each entry is skipped as an invalid value, entry by entry
    const res = await app.as('editor').post(actionUrl(ARTICLE, 'update-field', 'run')).send({
      selection: { documentIds: ids },
      params: { changes: [{ field: 'views', op: 'decrement', value: 1_000_000 }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.run).toMatchObject({ succeeded: 0, skipped: 3 });
    skipRun = res.body.data.run.id;
  });
  afterAll(() => app?.close());

  const titleOf = async (documentId: string) => (await articleRows(app, { document_id: documentId, locale: 'en' }))[0].title;

  it('names the skipped entries by their main field, in selection order, with the reason', async () => {
    const res = await app.as('editor').get(`/bulk-actions/runs/${skipRun}/entries`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      entries: await Promise.all(
        ids.map(async (documentId) => ({ documentId, outcome: 'skipped', reason: 'invalid-value', label: await titleOf(documentId) }))
      ),
      failed: 0,
      skipped: 3,
      truncated: false,
    });
  });

  it('names failures with the failure message', async () => {
    const configs = await app.knex()('extraction_configs').orderBy('id').select('document_id', 'name', 'enabled');
    const res = await app.as('admin').post(actionUrl(EXTRACTION_CONFIG, 'run-now', 'run')).send({
      selection: { documentIds: configs.map((config: any) => config.document_id) },
    });
    expect([res.status, res.body.error?.message]).toEqual([200, undefined]);
    const disabled = configs.filter((config: any) => !config.enabled);
    expect(disabled.length).toBeGreaterThan(0);
    const entries = await app.as('admin').get(`/bulk-actions/runs/${res.body.data.run.id}/entries`);
    expect(entries.status).toBe(200);
    expect(entries.body.data.entries).toEqual(
      disabled.map((config: any) => ({ documentId: config.document_id, outcome: 'failed', reason: `"${config.name}" is disabled`, label: config.name }))
    );
    expect(entries.body.data.failed).toBe(disabled.length);
  });

  it('leaves out the labels of entries the reader may not read now, and hides runs it may not see', async () => {
    // runs.read and update, but reading only the articles it created (none): the run shows, its labels do not
    const reader = await app.userWithRole('Run reader without articles', [
      { action: 'plugin::bulk-actions.runs.read' },
      { action: 'plugin::content-manager.explorer.read', subject: ARTICLE, conditions: ['admin::is-creator'] },
      { action: 'plugin::content-manager.explorer.update', subject: ARTICLE },
    ]);
    const res = await app.withToken(reader.token).get(`/bulk-actions/runs/${skipRun}/entries`);
    expect(res.status).toBe(200);
    expect(res.body.data.entries.map((entry: { label: string | null }) => entry.label)).toEqual([null, null, null]);

    const stranger = await app.userWithRole('No runs', [{ action: 'plugin::content-manager.explorer.read', subject: ARTICLE }]);
    expect((await app.withToken(stranger.token).get(`/bulk-actions/runs/${skipRun}/entries`)).status).toBe(404);
    expect((await app.as('admin').get('/bulk-actions/runs/abc/entries')).status).toBe(400);
    expect((await app.as('admin').get('/bulk-actions/runs/999999/entries')).status).toBe(404);
  });
});
