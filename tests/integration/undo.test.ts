import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, actionUrl, followRun, insertArticles, undoRecordedRows } from '../helpers/content';

const CM = `/content-manager/collection-types/${ARTICLE}`;

/**
 * Undo: a revertible run records what it changes in the transaction of the change; POST
 * /runs/:id/revert puts back the entries still as the run left them and skips the others.
 */
describe('undo a run', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await bootPlayground({ articles: 40, env: { BULK_ACTIONS_TEST_ACTIONS: 'true' } });
    await app.enableActions(ARTICLE, ['update-field', 'delete', 'publish', 'unpublish', 'export-csv', 'mark-reviewed', 'mark-titles']);
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Every row of these documents (all locales, drafts and published), as the database holds them. */
  const rowsOf = (documentIds: string[]) =>
    app
      .knex()('articles')
      .whereIn('document_id', documentIds)
      .orderBy('id')
      .select('id', 'document_id', 'locale', 'title', 'stage', 'views', 'featured', 'published_at', 'updated_at', 'updated_by_id');

  const enDrafts = async (where: Record<string, unknown> = {}) =>
    app.knex()('articles').where({ locale: 'en', ...where }).whereNull('published_at').orderBy('id').select('document_id', 'title', 'stage');

  /** COUNT(*) of a query as a number (PostgreSQL answers it as text) */
  const countOf = async (query: any) => Number((await query.count({ n: '*' }))[0].n);

  const run = (action: string, body: Record<string, unknown>) => app.as('editor').post(actionUrl(ARTICLE, action, 'run')).send(body);
  const revert = (runId: number, body: unknown = {}) => app.as('editor').post(`/bulk-actions/runs/${runId}/revert`).send(body as object);
  const getRun = async (runId: number) => (await app.as('editor').get(`/bulk-actions/runs/${runId}`)).body.data.run;

  it('puts back the previous values of an update-field run, and skips an entry changed since', async () => {
    const picked = (await enDrafts()).filter((row: any) => row.stage !== 'trash').slice(0, 6).map((row: any) => row.document_id);
    const before = await rowsOf(picked);

    const res = await run('update-field', { selection: { documentIds: picked }, params: { field: 'stage', value: 'trash' } });
    expect(res.status).toBe(200);
    const original = res.body.data.run;
    expect(original).toMatchObject({ status: 'succeeded', succeeded: 6, undo: { available: true, reason: null } });
    expect(Date.parse(original.undo.expiresAt) - Date.parse(original.finishedAt)).toBe(30 * 86_400_000);

    // an editor changes one of them afterwards, through the Content Manager
    const edited = picked[2];
    const put = await app.as('editor').put(`${CM}/${edited}?locale=en`).send({ title: 'Edited after the run' });
    expect(put.status).toBe(200);
    // and another one is changed in the database, its stamp left as the run wrote it: the value alone tells
    const touched = picked[4];
    await app.knex()('articles').where({ document_id: touched, locale: 'en' }).whereNull('published_at').update({ stage: 'review' });

    const undo = await revert(original.id);
    expect(undo.status).toBe(200);
    expect(undo.body.data.run).toMatchObject({
      action: 'revert',
      revertOf: original.id,
      // skipped entries make a run partial, as for any action
      status: 'partial',
      total: 6,
      succeeded: 4,
      skipped: 2,
      skippedReasons: { 'changed-since': 2 },
    });
    expect(undo.body.data.run.message.split('\n')[0]).toBe(`4 entries put back as before run ${original.id}; 2 changed since, left as they are`);

    // the four come back exactly (values and their updatedAt/updatedBy); the edited one keeps both changes
    const after = await rowsOf(picked);
    const untouched = (row: any) => row.document_id !== edited && row.document_id !== touched;
    expect(after.filter(untouched)).toEqual(before.filter(untouched));
    expect(after.find((row: any) => row.document_id === touched && row.locale === 'en' && row.published_at === null)).toMatchObject({ stage: 'review' });
    const editedNow = after.filter((row: any) => row.document_id === edited && row.locale === 'en' && row.published_at === null);
    expect(editedNow).toEqual([expect.objectContaining({ stage: 'trash', title: 'Edited after the run' })]);

    // linked both ways; a second undo is refused with a message
    expect(await getRun(original.id)).toMatchObject({ revertedBy: undo.body.data.run.id, undo: { available: false, reason: 'reverted' } });
    const again = await revert(original.id);
    expect(again.status).toBe(400);
    expect(again.body.error.message).toBe(`Run ${original.id} was undone already (run ${undo.body.data.run.id})`);
  });

  it('starts one of two undos of the same run sent at once, and puts every entry back once', async () => {
    const picked = (await enDrafts()).filter((row: any) => row.stage !== 'published').slice(6, 11).map((row: any) => row.document_id);
    const before = await rowsOf(picked);
    const res = await run('update-field', { selection: { documentIds: picked }, params: { changes: [{ field: 'stage', op: 'set', value: 'published' }, { field: 'title', op: 'append', value: ' (twice)' }] } });
    expect(res.status).toBe(200);
    const original = res.body.data.run;
    expect(original).toMatchObject({ status: 'succeeded', succeeded: 5 });
    // one record per row written (PostgreSQL keeps a chunk's rows in one packed record until an undo)
    expect((await undoRecordedRows(app.knex(), original.id)).length).toBe(5);

    const answers = await Promise.all([revert(original.id), revert(original.id)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
    const started = answers.find((answer) => answer.status === 200)!.body.data.run;
    expect(started).toMatchObject({ action: 'revert', status: 'succeeded', succeeded: 5, skipped: 0 });
    expect(await rowsOf(picked)).toEqual(before);
    // unpacked once: still one record per row
    expect((await undoRecordedRows(app.knex(), original.id)).sort()).toEqual(before.filter((row: any) => row.locale === 'en' && row.published_at === null).map((row: any) => Number(row.id)).sort());
  });

  it('undoes several changes of one edit: columns and the links of a relation, set-based', async () => {
    const picked = (await enDrafts()).slice(20, 24).map((row: any) => row.document_id);
    const before = await rowsOf(picked);
    const columns = await run('update-field', {
      selection: { documentIds: picked },
      params: { changes: [{ field: 'stage', op: 'set', value: 'review' }, { field: 'views', op: 'increment', value: 5 }] },
    });
    expect(columns.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 4 });
    const undoColumns = await revert(columns.body.data.run.id);
    expect(undoColumns.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 4, params: { mode: 'query' } });
    expect(await rowsOf(picked)).toEqual(before);

    // every operation's result is recorded as the database keeps it: each entry comes back, and only
    // the one changed since (by one column) is told apart
    const all = (await enDrafts()).slice(24, 28).map((row: any) => row.document_id);
    const full = () =>
      app.knex()('articles').whereIn('document_id', all).orderBy('id').select('id', 'title', 'body', 'stage', 'views', 'featured', 'rating', 'release_date', 'updated_at', 'updated_by_id');
    const fullBefore = await full();
    const operations = await run('update-field', {
      selection: { documentIds: all },
      params: {
        changes: [
          { field: 'title', op: 'append', value: ' (1)' },
          { field: 'body', op: 'prepend', value: '> ' },
          { field: 'views', op: 'percent', value: 15 },
          { field: 'featured', op: 'toggle' },
          { field: 'rating', op: 'multiply', value: 0.5 },
          { field: 'releaseDate', op: 'shift', value: { days: 2 } },
        ],
      },
    });
    expect(operations.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 4 });
    const changedSince = all[1];
    await app.knex()('articles').where({ document_id: changedSince, locale: 'en' }).whereNull('published_at').increment('views', 1);
    const undoOperations = await revert(operations.body.data.run.id);
    expect(undoOperations.body.data.run).toMatchObject({ succeeded: 3, skippedReasons: { 'changed-since': 1 } });
    const changedRows = new Set((await app.knex()('articles').where({ document_id: changedSince }).pluck('id')).map(Number));
    expect((await full()).filter((row: any) => !changedRows.has(Number(row.id)))).toEqual(fullBefore.filter((row: any) => !changedRows.has(Number(row.id))));

    // a tag added together with a number change: the rows' links are recorded with the columns and come back
    const linksOf = async (documentIds: string[]) => {
      const drafts = app.knex()('articles').whereIn('document_id', documentIds).whereNull('published_at').select('id');
      return app.knex()('articles_tags_lnk').whereIn('article_id', drafts).orderBy(['article_id', 'tag_id']).select('article_id', 'tag_id', 'tag_ord', 'article_ord');
    };
    const linksBefore = await linksOf(picked);
    const tagsOf = async (documentId: string) => {
      const res = await app.as('editor').get(`${CM}/${documentId}?locale=en&populate[tags]=true`);
      return ((res.body.data.tags ?? []) as Array<{ documentId: string }>).map((tag) => tag.documentId).sort();
    };
    const tagsBefore = await Promise.all(picked.map(tagsOf));
    const tag = await app.knex()('tags').first('document_id');
    const relation = await run('update-field', {
      selection: { documentIds: picked },
      params: { changes: [{ field: 'tags', op: 'add', value: [tag.document_id] }, { field: 'views', op: 'increment', value: 1 }] },
    });
    expect(relation.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 4 });
    expect((await Promise.all(picked.map(tagsOf))).every((tags) => tags.includes(tag.document_id))).toBe(true);

    const undoRelation = await revert(relation.body.data.run.id);
    expect(undoRelation.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 4, params: { mode: 'query' } });
    expect(await Promise.all(picked.map(tagsOf))).toEqual(tagsBefore);
    // the links themselves, with their order on both sides
    expect(await linksOf(picked)).toEqual(linksBefore);
    const views = await app.knex()('articles').whereIn('document_id', picked).where({ locale: 'en' }).whereNull('published_at').orderBy('id').pluck('views');
    expect(views).toEqual(before.filter((row: any) => row.locale === 'en' && row.published_at === null).map((row: any) => row.views));
  });

  it('puts back the links a relation change replaced or removed, in their order, and the category; an entry edited since keeps its edit', async () => {
    const picked = (await enDrafts()).slice(28, 31).map((row: any) => row.document_id);
    const tags: string[] = await app.knex()('tags').orderBy('id').pluck('document_id');
    const [other] = await app.knex()('categories').orderBy('id', 'desc').limit(1).pluck('document_id');
    const k = app.knex();
    const drafts = () => k('articles').whereIn('document_id', picked).whereNull('published_at').select('id');
    const state = async () => ({
      links: await k('articles_tags_lnk').whereIn('article_id', drafts()).orderBy(['article_id', 'tag_ord', 'id']).select('article_id', 'tag_id', 'tag_ord', 'article_ord'),
      categories: await k('articles_category_lnk').whereIn('article_id', drafts()).orderBy('article_id').select('article_id', 'category_id', 'article_ord'),
      rows: await rowsOf(picked),
    });
    // two tags each, in a known order, to be replaced
    const first = await run('update-field', { selection: { documentIds: picked }, params: { changes: [{ field: 'tags', op: 'set', value: [tags[1], tags[0]] }] } });
    expect(first.body.data.run).toMatchObject({ succeeded: 3 });
    const before = await state();

    const res = await run('update-field', {
      selection: { documentIds: picked },
      params: { changes: [{ field: 'tags', op: 'set', value: [tags[2]] }, { field: 'category', op: 'set', value: other }] },
    });
    expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 3 });
    // edited since, through the Content Manager: this entry keeps what it has now
    const edited = picked[1];
    await app.as('editor').put(`${CM}/${edited}?locale=en`).send({ title: 'Edited after the relation change' }).expect(200);
    // and another one's links changed from the other side of the relation (which does not stamp the article)
    const linkedSince = picked[2];
    const [linkedDraft] = await k('articles').where({ document_id: linkedSince, locale: 'en' }).whereNull('published_at').pluck('id');
    const [tagRow] = await k('tags').where({ document_id: tags[3] }).pluck('id');
    await k('articles_tags_lnk').insert({ article_id: linkedDraft, tag_id: tagRow, tag_ord: 9, article_ord: 9 });
    const editedNow = (await state()).links.filter((link: any) => before.rows.some((row: any) => [edited, linkedSince].includes(row.document_id) && row.id === link.article_id));

    const undo = await revert(res.body.data.run.id);
    expect(undo.body.data.run).toMatchObject({ params: { mode: 'query' }, succeeded: 1, skippedReasons: { 'changed-since': 2 } });
    const after = await state();
    const editedRows = new Set(before.rows.filter((row: any) => [edited, linkedSince].includes(row.document_id)).map((row: any) => row.id));
    const others = (list: any[]) => list.filter((link) => !editedRows.has(link.article_id ?? link.id));
    expect(others(after.links)).toEqual(others(before.links));
    expect(others(after.categories)).toEqual(others(before.categories));
    expect(others(after.rows)).toEqual(others(before.rows));
    expect(after.links.filter((link: any) => editedRows.has(link.article_id))).toEqual(editedNow);
  });

  it('undoes a localized field, a field without locales and a relation changed together on entries with several locales', async () => {
    const withFr = await app.knex()('articles as a').join('articles as f', 'f.document_id', 'a.document_id')
      .where({ 'a.locale': 'en', 'f.locale': 'fr' }).whereNull('a.published_at').whereNull('f.published_at').distinct('a.document_id').orderBy('a.document_id', 'desc').limit(2);
    const picked = withFr.map((row: any) => row.document_id);
    expect(picked.length).toBe(2);
    const before = await rowsOf(picked);
    const [tag] = await app.knex()('tags').orderBy('id', 'desc').limit(1).pluck('document_id');
    // the English rows get stage and the tag, every locale's rows get featured: the rows recorded differ
    const res = await run('update-field', {
      selection: { documentIds: picked },
      params: { changes: [{ field: 'stage', op: 'set', value: 'trash' }, { field: 'featured', op: 'set', value: true }, { field: 'tags', op: 'add', value: [tag] }] },
    });
    expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 2 });
    const undo = await revert(res.body.data.run.id);
    expect(undo.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 2, skipped: 0 });
    expect(await rowsOf(picked)).toEqual(before);
  });

  it('puts back a non-localized field on every locale it was written to', async () => {
    const withFr = await app.knex()('articles as a').join('articles as f', 'f.document_id', 'a.document_id')
      .where({ 'a.locale': 'en', 'f.locale': 'fr' }).whereNull('a.published_at').whereNull('f.published_at').distinct('a.document_id').limit(3);
    const picked = withFr.map((row: any) => row.document_id);
    expect(picked.length).toBeGreaterThan(0);
    const before = await rowsOf(picked);

    const res = await run('update-field', { selection: { documentIds: picked }, params: { field: 'views', value: 4242 } });
    expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: picked.length });
    const frViews = await app.knex()('articles').whereIn('document_id', picked).where({ locale: 'fr' }).whereNull('published_at').pluck('views');
    expect(frViews.every((views: number) => views === 4242)).toBe(true);

    const undo = await revert(res.body.data.run.id);
    expect(undo.body.data.run).toMatchObject({ status: 'succeeded', succeeded: picked.length, skipped: 0 });
    expect(await rowsOf(picked)).toEqual(before);
  });

  it('brings deleted entries back under their documentId, with their fields, relation and published version', async () => {
    const published = await app.knex()('articles').where({ locale: 'en' }).whereNotNull('published_at').first('document_id');
    const drafts = (await enDrafts()).map((row: any) => row.document_id).filter((id: string) => id !== published.document_id);
    const picked = [published.document_id, ...drafts.slice(10, 12)];
    const view = async (documentId: string, status: 'draft' | 'published' = 'draft') => {
      const res = await app.as('editor').get(`${CM}/${documentId}?locale=en&status=${status}&populate[category]=true`);
      const data = res.body.data;
      return data && { documentId: data.documentId, title: data.title, body: data.body, stage: data.stage, views: data.views, featured: data.featured, category: data.category?.documentId ?? null, publishedAt: Boolean(data.publishedAt) };
    };
    const before = await Promise.all(picked.map((id) => view(id)));
    const creators = () => app.knex()('articles').whereIn('document_id', picked).where({ locale: 'en' }).orderBy(['document_id', 'published_at']).select('document_id', 'created_by_id');
    const creatorsBefore = await creators();
    const publishedBefore = await view(published.document_id, 'published');
    expect(publishedBefore?.publishedAt).toBe(true);

    const res = await run('delete', { selection: { documentIds: picked } });
    expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 3, undo: { available: true } });
    expect(await countOf(app.knex()('articles').whereIn('document_id', picked).where({ locale: 'en' }))).toBe(0);

    const undo = await revert(res.body.data.run.id);
    expect(undo.body.data.run).toMatchObject({ action: 'revert', status: 'succeeded', succeeded: 3, failed: 0, skippedReasons: {} });
    expect(await Promise.all(picked.map((id) => view(id)))).toEqual(before);
    expect(await view(published.document_id, 'published')).toEqual(publishedBefore);
    // the creator comes back too: "only what they created" conditions hold for the restored entries
    expect(await creators()).toEqual(creatorsBefore);
  });

  it('unpublishes what a publish run published, and republishes what an unpublish run took down', async () => {
    const neverPublished = await app.knex()('articles as a').where({ 'a.locale': 'en' }).whereNull('a.published_at')
      .whereNotExists(function (this: any) {
        this.select(1).from('articles as p').whereRaw('p.document_id = a.document_id').whereNotNull('p.published_at');
      })
      .limit(3).pluck('a.document_id');
    const published = await run('publish', { selection: { documentIds: neverPublished } });
    expect(published.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 3 });
    const undoPublish = await revert(published.body.data.run.id);
    expect(undoPublish.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 3 });
    expect(await countOf(app.knex()('articles').whereIn('document_id', neverPublished).whereNotNull('published_at'))).toBe(0);

    // one live entry whose draft was edited since, published again with one never published: undo
    // puts the old live version back and keeps both drafts exactly (the other's draft is never rewritten)
    const [liveOne] = await app.knex()('articles').where({ locale: 'en' }).whereNotNull('published_at').limit(1).pluck('document_id');
    await app.as('editor').put(`${CM}/${liveOne}?locale=en`).send({ title: 'Edited draft, then published' }).expect(200);
    const liveBefore = await app.knex()('articles').where({ document_id: liveOne, locale: 'en' }).whereNotNull('published_at').first('title');
    const pair = [liveOne, neverPublished[0]];
    const draftsBefore = await app.knex()('articles').whereIn('document_id', pair).whereNull('published_at').orderBy('id').select();
    const again = await run('publish', { selection: { documentIds: pair } });
    expect(again.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 2 });
    expect((await app.knex()('articles').where({ document_id: liveOne, locale: 'en' }).whereNotNull('published_at').first('title')).title).toBe('Edited draft, then published');
    expect((await revert(again.body.data.run.id)).body.data.run).toMatchObject({ status: 'succeeded', succeeded: 2 });
    expect(await app.knex()('articles').where({ document_id: liveOne, locale: 'en' }).whereNotNull('published_at').first('title')).toEqual(liveBefore);
    expect(await countOf(app.knex()('articles').where({ document_id: neverPublished[0] }).whereNotNull('published_at'))).toBe(0);
    const neverDraft = (rows: any[]) => rows.filter((row) => row.document_id === neverPublished[0]);
    expect(neverDraft(await app.knex()('articles').whereIn('document_id', pair).whereNull('published_at').orderBy('id').select())).toEqual(neverDraft(draftsBefore));

    const live = await app.knex()('articles').where({ locale: 'en' }).whereNotNull('published_at').limit(2).select('document_id', 'title');
    const ids = live.map((row: any) => row.document_id);
    const unpublished = await run('unpublish', { selection: { documentIds: ids } });
    expect(unpublished.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 2 });
    const undoUnpublish = await revert(unpublished.body.data.run.id);
    expect(undoUnpublish.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 2 });
    const back = await app.knex()('articles').whereIn('document_id', ids).where({ locale: 'en' }).whereNotNull('published_at').orderBy('id').select('document_id', 'title');
    expect(back.map((row: any) => [row.document_id, row.title]).sort()).toEqual(live.map((row: any) => [row.document_id, row.title]).sort());
  });

  it("undoes a custom updateAll action's queued job over 1,200 entries", async () => {
    await insertArticles(app, 1200, { prefix: 'Undo', stage: 'draft' });
    const selection = { query: { filters: { title: { $startsWith: 'Undo ' } } } };
    const res = await run('mark-reviewed', { selection });
    expect(res.status).toBe(202);
    const [done] = (await followRun(() => app.as('editor'), res.body.data.run.id)).slice(-1);
    expect(done).toMatchObject({ status: 'succeeded', succeeded: 1200, undo: { available: true } });

    const undo = await revert(done.id);
    expect(undo.status).toBe(202);
    const [reverted] = (await followRun(() => app.as('editor'), undo.body.data.run.id)).slice(-1);
    expect(reverted).toMatchObject({ action: 'revert', status: 'succeeded', total: 1200, succeeded: 1200 });
    const stages = await app.knex()('articles').where('title', 'like', 'Undo %').select('stage').count({ n: '*' }).groupBy('stage');
    expect(stages.map((row: any) => [row.stage, Number(row.n)])).toEqual([['draft', 1200]]);
  });

  it("undoes a run with the action's own revert handler, over the entries it did, once", async () => {
    const picked = (await enDrafts()).slice(20, 23).map((row: any) => row.document_id);
    const before = await rowsOf(picked);
    const listed = (await app.as('editor').get(`/bulk-actions/content-types/${ARTICLE}/actions`)).body.data.find((a: any) => a.name === 'mark-titles');
    expect(listed.revertible).toBe(true);
    const res = await run('mark-titles', { selection: { documentIds: picked }, params: { suffix: ' [x]' } });
    expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 3, undo: { available: true } });
    // one title changed since: its suffix is gone, the handler leaves it
    const [changed] = picked;
    await app.knex()('articles').where({ document_id: changed, locale: 'en' }).whereNull('published_at').update({ title: 'Edited since' });

    const undone = await revert(res.body.data.run.id);
    expect(undone.status).toBe(200);
    expect(undone.body.data.run).toMatchObject({ action: 'revert', revertOf: res.body.data.run.id, total: 3, succeeded: 2, skippedReasons: { 'changed-since': 1 } });
    expect(undone.body.data.run.message).toContain('suffix " [x]" taken off again');
    const after = await rowsOf(picked);
    const titles = (rows: any[]) => rows.filter((row) => row.locale === 'en' && !row.published_at).map((row) => [row.document_id, row.title]);
    expect(titles(after)).toEqual(titles(before).map(([id, title]) => [id, id === changed ? 'Edited since' : title]));
    expect((await getRun(res.body.data.run.id)).revertedBy).toBe(undone.body.data.run.id);
    const again = await revert(res.body.data.run.id);
    expect(again.status).toBe(400);
    expect(again.body.error.message).toContain('was undone already');
  });

  it('refuses what cannot be undone, with a message', async () => {
    const ids = (await enDrafts()).slice(0, 2).map((row: any) => row.document_id);
    const exported = await app.as('editor').post(actionUrl(ARTICLE, 'export-csv', 'run')).set('Accept', 'application/json').send({ selection: { documentIds: ids } });
    const exportRun = exported.body.data.run;
    expect(exportRun.undo).toEqual({ available: false, reason: 'not-revertible', expiresAt: null, purgedAt: null });
    const refused = await revert(exportRun.id);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(`"export-csv" records nothing to undo: run ${exportRun.id} cannot be undone`);

    // unknown body keys, a bad id, someone else's run
    const update = await run('update-field', { selection: { documentIds: ids }, params: { field: 'views', value: 7 } });
    const bad = await revert(update.body.data.run.id, { force: true });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/force/);
    expect((await app.as('editor').post('/bulk-actions/runs/abc/revert').send({})).status).toBe(400);
    expect((await app.as('author').post(`/bulk-actions/runs/${update.body.data.run.id}/revert`).send({})).status).toBe(404);
  });

  it('purges undo records after the retention time; the run says when', async () => {
    const ids = (await enDrafts()).slice(3, 5).map((row: any) => row.document_id);
    const res = await run('update-field', { selection: { documentIds: ids }, params: { field: 'views', value: 11 } });
    const runId = res.body.data.run.id;
    expect(await countOf(app.knex()('bulk_actions_run_undo').where({ run_id: runId }))).toBeGreaterThan(0);
    await app.knex()('bulk_actions_runs').where({ id: runId }).update({ finished_at: new Date(Date.now() - 31 * 86_400_000) });

    await app.strapi.plugin('bulk-actions').service('undo').purgeExpired(30);
    expect(await countOf(app.knex()('bulk_actions_run_undo').where({ run_id: runId }))).toBe(0);
    const purged = await getRun(runId);
    expect(purged.undo).toMatchObject({ available: false, reason: 'purged', purgedAt: expect.any(String) });
    const refused = await revert(runId);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(new RegExp(`^The undo records of run ${runId} were removed on \\d{4}-\\d{2}-\\d{2}`));
  });
});
