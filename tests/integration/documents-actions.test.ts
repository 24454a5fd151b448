import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, EXTRACTION_CONFIG, actionUrl, articleRows, draftIdsCreatedBy } from '../helpers/content';

describe('documents-mode built-ins: publish, unpublish, delete; the playground examples', () => {
  let app: TestApp;
  const run = (role: 'editor' | 'author', name: string, body: object, uid = ARTICLE) =>
    app.as(role).post(actionUrl(uid, name, 'run')).send(body);

  beforeAll(async () => {
    app = await bootPlayground({ articles: 24 });
    await app.enableActions(ARTICLE, ['*']);
    await app.enableActions(EXTRACTION_CONFIG, ['*']);
  });
  afterAll(() => app?.close());

  it('publishes the drafts of the chosen locale only', async () => {
    const unpublished = (await articleRows(app, { locale: 'fr' })).map((r) => r.document_id);
    const published = new Set((await articleRows(app, {}, { published: true })).map((r) => `${r.document_id}/${r.locale}`));
    const ids = unpublished.filter((id) => !published.has(`${id}/fr`)).slice(0, 2);
    expect(ids).toHaveLength(2);

    const res = await run('editor', 'publish', { selection: { documentIds: ids }, locale: 'fr' });
    expect(res.status).toBe(200);
    expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 2, locale: 'fr' });
    const rows = (await articleRows(app, {}, { published: true })).filter((r) => ids.includes(r.document_id));
    expect(rows.map((r) => r.locale).sort()).toEqual(
      ['fr', 'fr', ...ids.filter((id) => published.has(`${id}/en`)).map(() => 'en')].sort()
    );
  });

  it('publishes entries side by side: one that breaks a rule fails alone with its message, the others are published', async () => {
    const publishedEn = new Set((await articleRows(app, { locale: 'en' }, { published: true })).map((r) => r.document_id));
    // the editor's (the Author's own drafts are the case below's)
    const ids = [...new Set(await draftIdsCreatedBy(app, app.seeded.users.editor.id))].filter((id) => !publishedEn.has(id)).slice(0, 8);
    expect(ids.length).toBeGreaterThanOrEqual(5);
    // a draft may lack a required field; its published version may not
    const broken = ids[2];
    await app.knex()('articles').where({ document_id: broken, locale: 'en' }).whereNull('published_at').update({ title: null });

    const res = await run('editor', 'publish', { selection: { documentIds: ids } });
    expect(res.body.data.run).toMatchObject({ status: 'partial', succeeded: ids.length - 1, failed: 1 });
    expect(res.body.data.run.failures).toEqual([{ documentId: broken, reason: expect.stringMatching(/title/) }]);
    const published = (await articleRows(app, { locale: 'en' }, { published: true })).map((r) => r.document_id);
    expect(ids.filter((id) => published.includes(id)).sort()).toEqual(ids.filter((id) => id !== broken).sort());
    // each published once
    expect(published.filter((id) => ids.includes(id))).toHaveLength(ids.length - 1);
  });

  it('unpublishes, skipping entries that have no published version', async () => {
    const publishedEn = (await articleRows(app, { locale: 'en' }, { published: true })).map((r) => r.document_id);
    const draftOnly = (await articleRows(app, { locale: 'en' })).map((r) => r.document_id).filter((id) => !publishedEn.includes(id));
    const ids = [...publishedEn.slice(0, 2), draftOnly[0]];
    const res = await run('editor', 'unpublish', { selection: { documentIds: ids } });
    expect(res.body.data.run).toMatchObject({ status: 'partial', succeeded: 2, skipped: 1, skippedReasons: { 'not-published': 1 } });
    const stillPublished = (await articleRows(app, { locale: 'en' }, { published: true })).map((r) => r.document_id);
    ids.forEach((id) => expect(stillPublished).not.toContain(id));
    // the drafts remain
    expect((await articleRows(app, { locale: 'en' })).filter((r) => ids.includes(r.document_id))).toHaveLength(3);
  });

  it("lets the Author publish only its own articles", async () => {
    const own = await draftIdsCreatedBy(app, app.seeded.users.author.id, 2);
    const theirs = await draftIdsCreatedBy(app, app.seeded.users.editor.id, 2);
    const res = await run('author', 'publish', { selection: { documentIds: [...own, ...theirs] } });
    expect(res.body.data.run).toMatchObject({ succeeded: 2, skipped: 2, skippedReasons: { forbidden: 2 } });
    const published = (await articleRows(app, { locale: 'en' }, { published: true })).map((r) => r.document_id);
    own.forEach((id) => expect(published).toContain(id));
  });

  it('deletes the locale version of the selected documents', async () => {
    const fr = (await articleRows(app, { locale: 'fr' })).map((r) => r.document_id).slice(-2);
    const res = await run('editor', 'delete', { selection: { documentIds: fr }, locale: 'fr' });
    expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 2 });
    const rows = await app.knex()('articles').whereIn('document_id', fr);
    expect(rows.every((r: { locale: string }) => r.locale === 'en')).toBe(true);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('lists delete as destructive with its confirm message', async () => {
    const list = await app.as('editor').get(`/bulk-actions/content-types/${ARTICLE}/actions`);
    const del = list.body.data.find((a: { name: string }) => a.name === 'delete');
    expect(del).toMatchObject({ mode: 'documents', destructive: true, confirm: { message: 'Delete {count, plural, one {# entry} other {# entries}}?', destructive: true }, revertible: true });
  });

  it('"Run now" records the run time on each enabled config and fails the disabled ones with a reason', async () => {
    const res = await run('editor', 'run-now', { selection: { query: {} } }, EXTRACTION_CONFIG);
    expect(res.status).toBe(200);
    const configs = await app.knex()('extraction_configs').orderBy('id');
    const disabled = configs.filter((c: { enabled: number }) => !c.enabled);
    expect(disabled.length).toBeGreaterThan(0);
    expect(res.body.data.run).toMatchObject({ status: 'partial', total: configs.length, succeeded: configs.length - disabled.length, failed: disabled.length });
    expect(res.body.data.run.failures).toEqual(
      disabled.map((c: { document_id: string; name: string }) => ({ documentId: c.document_id, reason: `"${c.name}" is disabled` }))
    );
    configs.forEach((c: { enabled: number; last_run_at: unknown }) => (c.enabled ? expect(c.last_run_at).not.toBeNull() : expect(c.last_run_at).toBeNull()));

    const csv = await app.as('editor').get(`/bulk-actions/runs/${res.body.data.run.id}/failures`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="run-${res.body.data.run.id}-failures.csv"`);
    expect(csv.text).toBe(
      ['documentId,reason', ...disabled.map((c: { document_id: string; name: string }) => `${c.document_id},"""${c.name}"" is disabled"`)].join('\r\n') + '\r\n'
    );
  });

  it('"Retry failed" runs the action again over exactly the failed entries', async () => {
    const first = await run('editor', 'run-now', { selection: { query: {} } }, EXTRACTION_CONFIG);
    const failedIds = first.body.data.run.failures.map((f: { documentId: string }) => f.documentId);
    expect(failedIds.length).toBeGreaterThan(0);
    await app.knex()('extraction_configs').whereIn('document_id', failedIds).update({ enabled: true });

    const retry = await app.as('editor').post(`/bulk-actions/runs/${first.body.data.run.id}/retry`);
    expect(retry.status).toBe(200);
    expect(retry.body.data.run).toMatchObject({ action: 'run-now', selectionKind: 'documentIds', total: failedIds.length, succeeded: failedIds.length, failed: 0 });
    const again = await app.as('editor').post(`/bulk-actions/runs/${retry.body.data.run.id}/retry`);
    expect(again.status).toBe(400);
    expect(again.body.error.message).toBe(`Run ${retry.body.data.run.id} has no failed entries to retry`);
  });

  it('"Run now" needs its custom permission', async () => {
    const { token } = await app.userWithRole('Config Reader', [
      { action: 'plugin::content-manager.explorer.read', subject: EXTRACTION_CONFIG, properties: { fields: ['name', 'source', 'lastRunAt', 'enabled'] } },
    ]);
    const res = await app.withToken(token).post(actionUrl(EXTRACTION_CONFIG, 'run-now', 'run')).send({ selection: { query: {} } });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('You need the "run-extraction" permission on api::extraction-config.extraction-config to run "Run now"');
  });

  it('"Mark as reviewed" moves the selected articles to review', async () => {
    const ids = (await draftIdsCreatedBy(app, app.seeded.users.editor.id)).slice(0, 4);
    const res = await run('editor', 'mark-reviewed', { selection: { documentIds: ids } });
    expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 4 });
    expect(res.body.data.run.message).toContain('4 articles marked as reviewed');
    // the sentence also comes as a note the admin translates (the playground's admin app has it in French)
    expect(res.body.data.run.notes).toEqual([{ level: 'info', text: '4 articles marked as reviewed', id: 'playground.mark-reviewed.done', values: { count: 4 } }]);
    expect((await articleRows(app, { locale: 'en' })).filter((r) => ids.includes(r.document_id)).every((r) => r.stage === 'review')).toBe(true);
  });
});
