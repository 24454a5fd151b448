import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, actionUrl, articleRows, draftIdsCreatedBy, snapshotArticles } from '../helpers/content';

const RUN = actionUrl(ARTICLE, 'update-field', 'run');
const PREVIEW = actionUrl(ARTICLE, 'update-field', 'preview');

describe('update-field (query mode)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await bootPlayground({ articles: 40 });
    await app.enableActions(ARTICLE, ['*']);
  });
  afterAll(() => app?.close());

  it('sets a localized field on the draft rows of the locale only, stamping updatedAt/updatedBy', async () => {
    const ids = (await draftIdsCreatedBy(app, app.seeded.users.editor.id)).slice(0, 3);
    // none of them holds the value yet (an entry that does is left untouched, as `unchanged`)
    await app.knex()('articles').whereIn('document_id', ids).update({ stage: 'draft' });
    const before = await snapshotArticles(app);
    const res = await app.as('editor').post(RUN).send({ selection: { documentIds: ids }, params: { field: 'stage', value: 'review' } });

    expect(res.status).toBe(200);
    expect(res.body.data.run).toMatchObject({ status: 'succeeded', total: 3, succeeded: 3, skipped: 0, failed: 0, locale: 'en' });
    const changed = await articleRows(app, { locale: 'en' });
    for (const row of changed.filter((r) => ids.includes(r.document_id))) {
      expect(row.stage).toBe('review');
      expect(row.updated_by_id).toBe(app.seeded.users.editor.id);
      const old = before.find((b: { id: number }) => b.id === row.id);
      expect(new Date(row.updated_at).getTime()).toBeGreaterThan(new Date(old.updated_at).getTime());
    }
    // every other row (other documents, the fr drafts, every published row) is untouched
    const after = await snapshotArticles(app);
    const untouched = (rows: any[]) => rows.filter((r) => !(ids.includes(r.document_id) && r.locale === 'en' && !r.published_at));
    expect(untouched(after)).toEqual(untouched(before));
  });

  it('writes a non-localized field to the drafts of every locale of those documents', async () => {
    const frIds = (await articleRows(app, { locale: 'fr' })).map((r) => r.document_id).slice(0, 2);
    const res = await app.as('editor').post(RUN).send({ selection: { documentIds: frIds }, locale: 'en', params: { field: 'views', value: 999 } });
    expect(res.status).toBe(200);
    const drafts = (await articleRows(app)).filter((r) => frIds.includes(r.document_id));
    expect(drafts.map((r) => [r.locale, r.views]).sort()).toEqual([['en', 999], ['en', 999], ['fr', 999], ['fr', 999]]);
    const published = (await articleRows(app, {}, { published: true })).filter((r) => frIds.includes(r.document_id));
    published.forEach((row) => expect(row.views).not.toBe(999));
  });

  it('acts on the locale given', async () => {
    const fr = (await articleRows(app, { locale: 'fr' })).slice(0, 2);
    const ids = fr.map((r) => r.document_id);
    await app.knex()('articles').whereIn('document_id', ids).where({ locale: 'fr' }).update({ stage: 'draft' });
    const res = await app.as('editor').post(RUN).send({ selection: { documentIds: ids }, locale: 'fr', params: { field: 'stage', value: 'trash' } });
    expect(res.body.data.run).toMatchObject({ succeeded: 2, locale: 'fr' });
    const rows = (await articleRows(app)).filter((r) => ids.includes(r.document_id));
    expect(rows.filter((r) => r.locale === 'fr').every((r) => r.stage === 'trash')).toBe(true);
    expect(rows.filter((r) => r.locale === 'en').some((r) => r.stage === 'trash')).toBe(false);
  });

  it('skips, counts and leaves untouched the rows an Author did not create', async () => {
    const own = await draftIdsCreatedBy(app, app.seeded.users.author.id, 2);
    const others = await draftIdsCreatedBy(app, app.seeded.users.editor.id, 30);
    const theirs = others.slice(-3);
    const before = (await articleRows(app, { locale: 'en' })).filter((r) => theirs.includes(r.document_id));

    const preview = await app.as('author').post(PREVIEW).send({ selection: { documentIds: [...own, ...theirs, 'doesnotexist000000000000'] } });
    expect(preview.status).toBe(200);
    expect(preview.body.data).toMatchObject({ total: 6, actionable: 2, skipped: { forbidden: 3, 'not-found': 1 } });
    expect(preview.body.data.sample.map((s: { documentId: string }) => s.documentId).sort()).toEqual([...own].sort());
    expect(preview.body.data.sample[0].label).toMatch(/^Article \d{3}$/);

    const res = await app.as('author').post(RUN).send({ selection: { documentIds: [...own, ...theirs] }, params: { field: 'stage', value: 'review' } });
    expect(res.status).toBe(200);
    expect(res.body.data.run).toMatchObject({ status: 'partial', total: 5, succeeded: 2, skipped: 3, skippedReasons: { forbidden: 3 } });
    expect(res.body.data.run.message).toContain('3 skipped: forbidden');
    // what the admin formats in the editor's language: an id and values, the English beside them
    expect(res.body.data.run.notes).toEqual([
      { level: 'info', text: 'stage set on 2 entries', id: 'bulk-actions.message.update-field.done', values: { fields: 'stage', verb: 'set', count: 2 } },
    ]);
    const ownRows = (await articleRows(app, { locale: 'en' })).filter((r) => own.includes(r.document_id));
    expect(ownRows.every((r) => r.stage === 'review')).toBe(true);
    expect((await articleRows(app, { locale: 'en' })).filter((r) => theirs.includes(r.document_id))).toEqual(before);
  });

  it('answers 403 for a field the role may not update, and changes nothing', async () => {
    const fields = ['title', 'body', 'views', 'featured', 'category'];
    const { token } = await app.userWithRole('No Stage Editor', [
      { action: 'plugin::content-manager.explorer.read', subject: ARTICLE, properties: { fields: [...fields, 'stage'], locales: ['en', 'fr'] } },
      { action: 'plugin::content-manager.explorer.update', subject: ARTICLE, properties: { fields, locales: ['en', 'fr'] } },
    ]);
    const ids = (await draftIdsCreatedBy(app, app.seeded.users.editor.id)).slice(0, 2);
    const before = await snapshotArticles(app);
    const res = await app.withToken(token).post(RUN).send({ selection: { documentIds: ids }, params: { field: 'stage', value: 'trash' } });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('You may not update the field "stage" of api::article.article');
    expect(await snapshotArticles(app)).toEqual(before);

    // the field is not even offered to that role
    const list = await app.withToken(token).get(`/bulk-actions/content-types/${ARTICLE}/actions`);
    const form = list.body.data.find((a: { name: string }) => a.name === 'update-field').form;
    // (relations are editable: category is a field this role may update)
    expect(form[0].options.map((o: { name: string }) => o.name)).toEqual(['title', 'body', 'views', 'featured', 'category']);
  });

  it.each([
    [{ field: 'stage', value: 'archived' }, 'params.value must be one of draft, review, published, trash'],
    [{ field: 'views', value: -1 }, 'params.value must be at least 0'],
    [{ field: 'views', value: 'ten' }, 'params.value must be a number'],
    [{ field: 'views', value: 1.5 }, 'params.value must be a whole number'],
    [{ field: 'title', value: '' }, 'params.value is required'],
    [{ field: 'title', value: null }, 'params.value is required by the attribute "title"'],
    [{ field: 'featured', value: 'yes' }, 'params.value must be true or false'],
    [{ field: 'nope', value: 1 }, 'params.field is not an attribute you may update'],
    [{ field: 'category', value: 1 }, 'params.field is not an attribute you may update'],
    [{ value: 1 }, 'params.field is required'],
    [{ field: 'stage', value: 'draft', extra: 1 }, 'params.extra is not a field of this action'],
  ])('refuses bad params %j with 400 naming the problem', async (params, message) => {
    const ids = (await draftIdsCreatedBy(app, app.seeded.users.editor.id)).slice(0, 2);
    const before = await snapshotArticles(app);
    const res = await app.as('editor').post(RUN).send({ selection: { documentIds: ids }, params });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
    expect(res.body.error.details.errors[0].path[0]).toBe('params');
    expect(await snapshotArticles(app)).toEqual(before);
  });

  it('changes every entry matching the filters ("all matching"), even when it changes the filtered field', async () => {
    const matching = (await articleRows(app, { locale: 'en', stage: 'draft' })).map((r) => r.document_id);
    expect(matching.length).toBeGreaterThan(3);
    const selection = { query: { filters: { $and: [{ stage: { $eq: 'draft' } }] } } };
    const preview = await app.as('editor').post(PREVIEW).send({ selection });
    expect(preview.body.data).toMatchObject({ total: matching.length, actionable: matching.length });

    const res = await app.as('editor').post(RUN).send({ selection, params: { field: 'stage', value: 'published' } });
    expect(res.body.data.run).toMatchObject({ selectionKind: 'query', total: matching.length, succeeded: matching.length });
    const rows = await articleRows(app, { locale: 'en' });
    expect(rows.filter((r) => matching.includes(r.document_id)).every((r) => r.stage === 'published')).toBe(true);
    expect(rows.filter((r) => r.stage === 'draft')).toHaveLength(0);
  });

  it('honours the list search (_q) and the published status of the list', async () => {
    const res = await app.as('editor').post(PREVIEW).send({ selection: { query: { _q: 'Article 01' } } });
    expect(res.body.data.total).toBe(10); // Article 010 .. Article 019
    const published = await app.as('editor').post(PREVIEW).send({ selection: { query: { status: 'published' } } });
    const publishedEn = await articleRows(app, { locale: 'en' }, { published: true });
    expect(published.body.data.total).toBe(publishedEn.length);
  });

  it('treats SQL-looking text as data', async () => {
    const res = await app.as('editor').post(PREVIEW).send({ selection: { query: { filters: { title: { $eq: "x'; DROP TABLE articles; --" } } } } });
    expect(res.status).toBe(200);
    expect(res.body.data.total).toBe(0);
    const ids = await app.as('editor').post(RUN).send({ selection: { documentIds: ['1; DROP TABLE articles'] }, params: { field: 'views', value: 1 } });
    expect(ids.status).toBe(400);
    expect(ids.body.error.message).toBe('body.selection.documentIds.0: is not a document id (letters, digits, - and _ only)');
    expect((await articleRows(app)).length).toBeGreaterThan(0);
  });

  it('refuses filters on private fields and on fields the role may not read', async () => {
    const priv = await app.as('editor').post(PREVIEW).send({ selection: { query: { filters: { createdBy: { password: { $eq: 'x' } } } } } });
    expect(priv.status).toBe(400);
    expect(priv.body.error.message).toBe(
      'body.selection.query.filters.createdBy: filtering by "createdBy" needs the permission to read admin users'
    );
    const { token } = await app.userWithRole('Blind Reader', [
      { action: 'plugin::content-manager.explorer.read', subject: ARTICLE, properties: { fields: ['title'], locales: ['en', 'fr'] } },
      { action: 'plugin::content-manager.explorer.update', subject: ARTICLE, properties: { fields: ['title'], locales: ['en', 'fr'] } },
    ]);
    const hidden = await app.withToken(token).post(PREVIEW).send({ selection: { query: { filters: { views: { $gt: 0 } } } } });
    expect(hidden.status).toBe(400);
    expect(hidden.body.error.message).toMatch(/views/);
  });
});
