import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, CATEGORY, EXTRACTION_CONFIG, actionUrl, draftIdsCreatedBy } from '../helpers/content';

const TAG = 'api::tag.tag';
const RUN = actionUrl(ARTICLE, 'update-field', 'run');
const HINTS = `/bulk-actions/content-types/${ARTICLE}/actions/update-field/hints`;

/**
 * The edit-fields action (update-field): several changes in one run, operations by type, relations,
 * media and single-component fields, checked through the Content Manager's API and the database.
 * Runs on SQLite (`npm test`) and PostgreSQL (`npm run test:pg`).
 */
describe('edit fields', () => {
  let app: TestApp;
  let ids: string[];
  let next = 0;
  /** a document no earlier case touched */
  const fresh = () => ids[next++];

  beforeAll(async () => {
    app = await bootPlayground({ articles: 120 });
    await app.enableActions(ARTICLE, ['update-field']);
    await app.enableActions(CATEGORY, ['update-field']);
    await app.enableActions(EXTRACTION_CONFIG, ['update-field']);
    ids = await draftIdsCreatedBy(app, app.seeded.users.editor.id);
  });
  afterAll(() => app?.close());

  const cm = async (documentId: string, uid = ARTICLE, locale: string | null = 'en') => {
    const res = await app.as('editor').get(`/content-manager/collection-types/${uid}/${documentId}${locale ? `?locale=${locale}` : ''}`);
    expect(res.status).toBe(200);
    return res.body.data;
  };
  /** the relation as the edit view lists it: the endpoint answers newest order first (`ordering: 'desc'`), the view reverses it */
  const cmRelation = async (documentId: string, field: string, uid = ARTICLE, locale: string | null = 'en') => {
    const res = await app.as('editor').get(`/content-manager/relations/${uid}/${documentId}/${field}?pageSize=100${locale ? `&locale=${locale}` : ''}`);
    expect(res.status).toBe(200);
    return (res.body.results as Array<{ documentId: string }>).map((r) => r.documentId).reverse();
  };
  const run = (changes: unknown, documentIds: string[], url = RUN, extra: object = {}) =>
    app.as('editor').post(url).send({ selection: { documentIds }, params: { changes }, ...extra });
  const tagIds = async () => (await app.knex()('tags').orderBy('id').select('document_id', 'name')).map((t: any) => t.document_id as string);

  /** Everything an edit-fields run can write, for "nothing changed" assertions. */
  const fingerprint = async () => {
    const k = app.knex();
    const tables = ['articles', 'articles_tags_lnk', 'articles_category_lnk', 'articles_cmps', 'components_shared_seos', 'files_related_mph'];
    const parts = await Promise.all(tables.map((t) => k(t).orderBy('id').select()));
    return JSON.stringify(parts);
  };

  describe('operations by type (one document each, read back through the Content Manager)', () => {
    const cases: Array<[string, string, unknown, (before: any) => unknown]> = [
      ['title', 'append', ' [sale]', (b) => `${b} [sale]`],
      ['title', 'prepend', 'New: ', (b) => `New: ${b}`],
      ['title', 'replace', { find: 'Article', replace: 'Post' }, (b) => b.replace('Article', 'Post')],
      ['title', 'uppercase', undefined, (b) => b.toUpperCase()],
      ['title', 'lowercase', undefined, (b) => b.toLowerCase()],
      ['body', 'set', 'A new body', () => 'A new body'],
      ['body', 'clear', undefined, () => null],
      ['stage', 'set', 'trash', () => 'trash'],
      ['views', 'increment', 5, (b) => b + 5],
      ['views', 'decrement', 5, (b) => b - 5],
      ['views', 'multiply', 1.25, (b) => Math.round(b * 1.25)],
      // 10 % of a multiple of 10 plus 5 % …: results ending in .5 round away from zero
      ['views', 'percent', 15, (b) => Math.round(b * 1.15)],
      ['views', 'percent', -15, (b) => Math.round(b * 0.85)],
      ['featured', 'toggle', undefined, (b) => !b],
      ['rating', 'increment', 0.25, (b) => Number(b) + 0.25],
      ['rating', 'multiply', 0.5, (b) => Number(b) * 0.5],
      ['releaseDate', 'shift', { days: 3 }, (b) => new Date(Date.parse(b) + 3 * 86_400_000).toISOString().slice(0, 10)],
      ['releaseDate', 'shift', { days: -40 }, (b) => new Date(Date.parse(b) - 40 * 86_400_000).toISOString().slice(0, 10)],
      ['seo.metaTitle', 'append', ' | Blog', (b) => `${b} | Blog`],
      ['seo.metaDescription', 'set', 'Described', () => 'Described'],
    ];

    const read = (data: any, field: string) => (field.startsWith('seo.') ? data.seo?.[field.slice(4)] ?? null : data[field]);

    it.each(cases)('%s %s %j', async (field, op, value, expected) => {
      const documentId = fresh();
      const before = read(await cm(documentId), field);
      const res = await run([{ field, op, ...(value === undefined ? {} : { value }) }], [documentId]);
      expect(res.status).toBe(200);
      expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 1 });
      const after = read(await cm(documentId), field);
      const want = expected(before);
      if (typeof want === 'number') expect(Number(after)).toBeCloseTo(want, 6);
      else expect(after).toEqual(want);
    });

    it('rounds integer percentages half away from zero, exactly', async () => {
      const documentId = fresh();
      await run([{ field: 'views', op: 'set', value: 30 }], [documentId]);
      await run([{ field: 'views', op: 'percent', value: 15 }], [documentId]); // 34.5
      expect((await cm(documentId)).views).toBe(35);
      await run([{ field: 'views', op: 'set', value: 30 }], [documentId]);
      await run([{ field: 'views', op: 'percent', value: -15 }], [documentId]); // 25.5
      expect((await cm(documentId)).views).toBe(26);
      await run([{ field: 'views', op: 'set', value: 7 }], [documentId]);
      await run([{ field: 'views', op: 'multiply', value: 0.5 }], [documentId]); // 3.5
      expect((await cm(documentId)).views).toBe(4);
    });

    it('shifts a date-time by days and hours', async () => {
      const configs = await app.knex()('extraction_configs').orderBy('id').limit(1).select('document_id');
      const documentId = configs[0].document_id;
      const url = actionUrl(EXTRACTION_CONFIG, 'update-field', 'run');
      await run([{ field: 'lastRunAt', op: 'set', value: '2026-03-01T10:00:00.000Z' }], [documentId], url);
      const res = await run([{ field: 'lastRunAt', op: 'shift', value: { days: 1, hours: -3 } }], [documentId], url);
      expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 1 });
      expect((await cm(documentId, EXTRACTION_CONFIG, null)).lastRunAt).toBe('2026-03-02T07:00:00.000Z');
    });
  });

  it('makes several changes in one run: one audit row, published rows untouched', async () => {
    const documentIds = [fresh(), fresh(), fresh()];
    const runsBefore = await app.knex()('bulk_actions_runs').count({ n: '*' });
    const published = await app.knex()('articles').whereIn('document_id', documentIds).whereNotNull('published_at').orderBy('id').select();
    const res = await run(
      [
        { field: 'stage', op: 'set', value: 'review' },
        { field: 'views', op: 'increment', value: 1 },
        { field: 'title', op: 'append', value: '!' },
      ],
      documentIds
    );
    expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 3, total: 3 });
    expect(res.body.data.run.params.changes).toHaveLength(3);
    expect(res.body.data.run.message).toContain('stage, views, title changed on 3 entries');
    const runsAfter = await app.knex()('bulk_actions_runs').count({ n: '*' });
    expect(Number(runsAfter[0].n)).toBe(Number(runsBefore[0].n) + 1);
    for (const documentId of documentIds) {
      const data = await cm(documentId);
      expect(data.stage).toBe('review');
      expect(data.title.endsWith('!')).toBe(true);
    }
    expect(await app.knex()('articles').whereIn('document_id', documentIds).whereNotNull('published_at').orderBy('id').select()).toEqual(published);
  });

  it('writes no result that breaks a rule: those entries are skipped as invalid-value and listed', async () => {
    const documentIds = [fresh(), fresh(), fresh(), fresh()];
    const rows = await app.knex()('articles').whereIn('document_id', documentIds).where({ locale: 'en' }).whereNull('published_at').select('document_id', 'views');
    const lowest = Math.min(...rows.map((r: any) => r.views));
    // takes every entry below zero except the ones with the most views
    const by = lowest + 1;
    const before = await fingerprint();
    const res = await run([{ field: 'views', op: 'decrement', value: by }, { field: 'body', op: 'set', value: 'changed' }], documentIds);
    const bad = rows.filter((r: any) => r.views - by < 0).map((r: any) => r.document_id);
    expect(bad.length).toBeGreaterThan(0);
    expect(res.body.data.run).toMatchObject({ status: 'partial', skippedReasons: { 'invalid-value': bad.length }, succeeded: documentIds.length - bad.length });
    for (const id of bad) expect(res.body.data.run.message).toContain(`${id} (views → ${rows.find((r: any) => r.document_id === id).views - by})`);
    for (const id of bad) {
      const data = await cm(id);
      expect(data.body).not.toBe('changed'); // the whole entry is left alone, not only the bad field
    }
    expect(await fingerprint()).not.toBe(before);

    // past a maximum (rating ≤ 5) and past maxLength (seo.metaTitle ≤ 70): nothing written
    const one = fresh();
    const untouched = await fingerprint();
    const over = await run([{ field: 'rating', op: 'multiply', value: 100 }], [one]);
    expect(over.body.data.run).toMatchObject({ skippedReasons: { 'invalid-value': 1 }, succeeded: 0 });
    const long = await run([{ field: 'seo.metaTitle', op: 'append', value: 'x'.repeat(70) }], [one]);
    expect(long.body.data.run).toMatchObject({ skippedReasons: { 'invalid-value': 1 }, succeeded: 0 });
    expect(await fingerprint()).toBe(untouched);
  });

  it('a chunk of changes to the entry itself: only the entries that change are written; the others are unchanged or invalid-value', async () => {
    // title and stage are localized: the run writes them with one guarded UPDATE a chunk, and the
    // entries it leaves out are planned to say why
    // documents from the end of the pool: the cases after this one keep the documents they were written for
    const [changes, empties, holds] = ids.slice(-3);
    const k = app.knex();
    const draft = (documentId: string) => k('articles').where({ document_id: documentId, locale: 'en' }).whereNull('published_at');
    await draft(changes).update({ title: 'Sale A', stage: 'review' });
    await draft(empties).update({ title: 'Sale', stage: 'review' });
    await draft(holds).update({ title: 'Other', stage: 'trash' });
    const before = await k('articles').whereIn('document_id', [empties, holds]).orderBy('id').select();
    const res = await run([{ field: 'title', op: 'replace', value: { find: 'Sale', replace: '' } }, { field: 'stage', op: 'set', value: 'trash' }], [changes, empties, holds]);
    expect(res.body.data.run).toMatchObject({ status: 'partial', succeeded: 1, skippedReasons: { 'invalid-value': 1, unchanged: 1 } });
    // an empty title breaks `required`: the entry is left alone, stage included, and listed with its value
    expect(res.body.data.run.message).toContain(`${empties} (title → "")`);
    expect(await k('articles').whereIn('document_id', [empties, holds]).orderBy('id').select()).toEqual(before);
    expect(await cm(changes)).toMatchObject({ title: ' A', stage: 'trash' });
  });

  it('fields without locales change on every locale, localized ones in the run\'s locale; an entry another locale refuses is left alone', async () => {
    // stage is localized, views and featured are not: one guarded UPDATE a chunk writes both kinds,
    // choosing the entries by their row in the run's locale
    const k = app.knex();
    const pool = [...new Set(ids.slice(-40, -3))];
    const withFr: string[] = await k('articles').whereIn('document_id', pool).where({ locale: 'fr' }).whereNull('published_at').orderBy('id').pluck('document_id');
    const [both, refused, apart] = withFr;
    expect(apart).toBeDefined();
    const draft = (documentId: string, locale: string) => k('articles').where({ document_id: documentId, locale }).whereNull('published_at');
    for (const documentId of [both, refused]) for (const locale of ['en', 'fr']) await draft(documentId, locale).update({ stage: 'review', views: 10 });
    // out of step with its English row: + 1 breaks the integer range in French only
    await draft(refused, 'fr').update({ views: 2147483647 });
    const rows = (documentId: string) =>
      k('articles').where({ document_id: documentId }).whereNull('published_at').orderBy('locale').select('locale', 'stage', 'views', 'featured', 'updated_at');
    const [bothBefore, refusedBefore] = [await rows(both), await rows(refused)];

    const res = await run([{ field: 'stage', op: 'set', value: 'trash' }, { field: 'views', op: 'increment', value: 1 }], [both, refused]);
    expect(res.body.data.run).toMatchObject({ status: 'partial', succeeded: 1, skippedReasons: { 'invalid-value': 1 } });
    expect(res.body.data.run.message).toContain(`${refused} (views → 2147483648)`);
    expect(await rows(refused)).toEqual(refusedBefore);
    const bothAfter = await rows(both);
    expect(bothAfter.map((row: any) => [row.locale, row.stage, row.views])).toEqual([['en', 'trash', 11], ['fr', 'review', 11]]);
    bothAfter.forEach((row: any, i: number) => expect(row.updated_at).not.toEqual(bothBefore[i].updated_at));

    // the English row already holds the value, the French one does not: the entry still changes
    await draft(apart, 'en').update({ featured: true });
    await draft(apart, 'fr').update({ featured: false });
    const set = await run([{ field: 'featured', op: 'set', value: true }], [apart]);
    expect(set.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 1 });
    expect((await rows(apart)).map((row: any) => [row.locale, Boolean(row.featured)])).toEqual([['en', true], ['fr', true]]);
  });

  describe('relations', () => {
    it('manyToMany (owner side): add keeps order and appends, remove, set replaces in the order given, clear', async () => {
      const [news, sale, guide] = await tagIds();
      const documentIds = [fresh(), fresh()];
      await run([{ field: 'tags', op: 'clear' }], documentIds);
      for (const id of documentIds) expect(await cmRelation(id, 'tags')).toEqual([]);

      await run([{ field: 'tags', op: 'add', value: [news] }], documentIds);
      const res = await run([{ field: 'tags', op: 'add', value: [sale, news] }], documentIds);
      expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 2 });
      for (const id of documentIds) expect(await cmRelation(id, 'tags')).toEqual([news, sale]);
      // the inverse side lists both articles, each once
      const tagArticles = await cmRelation(sale, 'articles', TAG, null);
      expect(tagArticles.filter((id) => documentIds.includes(id)).sort()).toEqual([...documentIds].sort());

      await run([{ field: 'tags', op: 'remove', value: [news] }], documentIds);
      for (const id of documentIds) expect(await cmRelation(id, 'tags')).toEqual([sale]);

      await run([{ field: 'tags', op: 'set', value: [guide, sale] }], documentIds);
      for (const id of documentIds) expect(await cmRelation(id, 'tags')).toEqual([guide, sale]);

      // link order columns as Strapi writes them
      const draftIds = (await app.knex()('articles').whereIn('document_id', documentIds).where({ locale: 'en' }).whereNull('published_at').select('id')).map((r: any) => r.id);
      const links = await app.knex()('articles_tags_lnk').whereIn('article_id', draftIds).orderBy(['article_id', 'tag_ord']);
      const tagRow = async (documentId: string) => (await app.knex()('tags').where({ document_id: documentId }).first()).id;
      expect(links.filter((l: any) => l.article_id === draftIds[0]).map((l: any) => [l.tag_id, l.tag_ord])).toEqual([[await tagRow(guide), 1], [await tagRow(sale), 2]]);

      await run([{ field: 'tags', op: 'clear' }], documentIds);
      for (const id of documentIds) expect(await cmRelation(id, 'tags')).toEqual([]);
    });

    it('a tag added in bulk to a draft is published with it, and the published version keeps its own links until then', async () => {
      const [, , , review] = await tagIds();
      const documentId = fresh();
      const publishedBefore = await app.strapi.documents(ARTICLE as any).findOne({ documentId, locale: 'en', status: 'published', populate: ['tags'] } as any);
      await run([{ field: 'tags', op: 'add', value: [review] }], [documentId]);
      const draft: any = await app.strapi.documents(ARTICLE as any).findOne({ documentId, locale: 'en', status: 'draft', populate: ['tags'] } as any);
      expect(draft.tags.map((t: any) => t.documentId)).toContain(review);
      if (publishedBefore) {
        const stillPublished: any = await app.strapi.documents(ARTICLE as any).findOne({ documentId, locale: 'en', status: 'published', populate: ['tags'] } as any);
        expect(stillPublished.tags.map((t: any) => t.documentId)).not.toContain(review);
      }
      const publish = await app.as('editor').post(`/content-manager/collection-types/${ARTICLE}/${documentId}/actions/publish?locale=en`).send({});
      expect(publish.status).toBe(200);
      const published: any = await app.strapi.documents(ARTICLE as any).findOne({ documentId, locale: 'en', status: 'published', populate: ['tags'] } as any);
      expect(published.tags.map((t: any) => t.documentId)).toContain(review);
    });

    it('the REST API shows the result (full-access API token)', async () => {
      const [news] = await tagIds();
      const documentId = fresh();
      await run([{ field: 'tags', op: 'set', value: [news] }, { field: 'seo.metaTitle', op: 'set', value: 'From REST' }], [documentId]);
      const token = await app.strapi.service('admin::api-token').create({ name: `rest-${Date.now()}`, type: 'full-access', lifespan: null });
      const res = await app.anonymous().get(`/api/articles/${documentId}?status=draft&locale=en&populate[0]=tags&populate[1]=seo`).set('Authorization', `Bearer ${token.accessKey}`);
      expect(res.status).toBe(200);
      expect(res.body.data.tags.map((t: any) => t.documentId)).toEqual([news]);
      expect(res.body.data.seo.metaTitle).toBe('From REST');
    });

    it('manyToOne: set and clear the category, the inverse side follows', async () => {
      const categories = (await app.knex()('categories').orderBy('id').select('document_id')).map((c: any) => c.document_id);
      const documentIds = [fresh(), fresh()];
      const res = await run([{ field: 'category', op: 'set', value: categories[4] }], documentIds);
      expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 2 });
      for (const id of documentIds) expect((await cmRelation(id, 'category'))).toEqual([categories[4]]);
      const inverse = await cmRelation(categories[4], 'articles', CATEGORY, null);
      for (const id of documentIds) expect(inverse).toContain(id);
      await run([{ field: 'category', op: 'clear' }], documentIds);
      for (const id of documentIds) expect(await cmRelation(id, 'category')).toEqual([]);
    });

    it('oneToMany (inverse side, from a category): add an article moves it from its old category', async () => {
      const categories = (await app.knex()('categories').orderBy('id').select('document_id')).map((c: any) => c.document_id);
      const article = fresh();
      const url = actionUrl(CATEGORY, 'update-field', 'run');
      const res = await run([{ field: 'articles', op: 'add', value: [article] }], [categories[0]], url);
      expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 1 });
      expect(await cmRelation(article, 'category')).toEqual([categories[0]]);
      // one article in two categories is refused before any change
      const two = await run([{ field: 'articles', op: 'add', value: [article] }], [categories[1], categories[2]], url);
      expect(two.status).toBe(400);
      expect(two.body.error.message).toContain('params.changes[0].value');
      expect(two.body.error.message).toContain('to one entry only');
      expect(await cmRelation(article, 'category')).toEqual([categories[0]]);
      await run([{ field: 'articles', op: 'remove', value: [article] }], [categories[0]], url);
      expect(await cmRelation(article, 'category')).toEqual([]);
    });

    it('oneToOne (unidirectional, from a category): one article pinned on several categories, as Strapi allows', async () => {
      const categories = (await app.knex()('categories').orderBy('id').select('document_id')).map((c: any) => c.document_id);
      const [article, other] = [fresh(), fresh()];
      const url = actionUrl(CATEGORY, 'update-field', 'run');
      // the Content Manager itself links one unidirectional target from two sources
      for (const category of [categories[3], categories[4]]) {
        const res = await app.as('admin').put(`/content-manager/collection-types/${CATEGORY}/${category}`).send({ pinned: { connect: [{ documentId: other, locale: 'en' }] } });
        expect(res.status).toBe(200);
      }
      expect(await cmRelation(categories[3], 'pinned', CATEGORY, null)).toEqual([other]);
      expect(await cmRelation(categories[4], 'pinned', CATEGORY, null)).toEqual([other]);

      // the bulk run does the same: both categories hold the article, and the earlier links stay
      const res = await run([{ field: 'pinned', op: 'set', value: article }], [categories[1], categories[2]], url);
      expect(res.status).toBe(200);
      expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 2 });
      for (const category of [categories[1], categories[2]]) expect(await cmRelation(category, 'pinned', CATEGORY, null)).toEqual([article]);
      expect(await cmRelation(categories[3], 'pinned', CATEGORY, null)).toEqual([other]);

      // set replaces the one link; clear removes it; the article itself is untouched
      await run([{ field: 'pinned', op: 'set', value: other }], [categories[1]], url);
      expect(await cmRelation(categories[1], 'pinned', CATEGORY, null)).toEqual([other]);
      expect(await cmRelation(categories[2], 'pinned', CATEGORY, null)).toEqual([article]);
      await run([{ field: 'pinned', op: 'clear' }], [categories[1], categories[2], categories[3], categories[4]], url);
      for (const category of categories.slice(1, 5)) expect(await cmRelation(category, 'pinned', CATEGORY, null)).toEqual([]);
      expect((await cm(article)).documentId).toBe(article);
    });
  });

  it('media: a single cover set and cleared, a gallery added to and removed from', async () => {
    const files = (await app.knex()('files').orderBy('id').select('id')).map((f: any) => f.id);
    const documentId = fresh();
    await run([{ field: 'cover', op: 'set', value: files[1] }, { field: 'gallery', op: 'add', value: [files[0], files[2]] }], [documentId]);
    let data = await cm(documentId);
    expect(data.cover.id).toBe(files[1]);
    expect(data.gallery.map((f: any) => f.id)).toEqual([files[0], files[2]]);
    await run([{ field: 'gallery', op: 'add', value: [files[3]] }, { field: 'cover', op: 'clear' }], [documentId]);
    data = await cm(documentId);
    expect(data.cover).toBeNull();
    expect(data.gallery.map((f: any) => f.id)).toEqual([files[0], files[2], files[3]]);
    await run([{ field: 'gallery', op: 'remove', value: [files[0]] }], [documentId]);
    expect((await cm(documentId)).gallery.map((f: any) => f.id)).toEqual([files[2], files[3]]);
  });

  it('hints: the most common current values of a field in the selection, with counts', async () => {
    const documentIds = ids.slice(-12);
    const res = await app.as('editor').post(HINTS).send({ selection: { documentIds }, field: 'stage' });
    expect(res.status).toBe(200);
    const rows = await app.knex()('articles').whereIn('document_id', documentIds).where({ locale: 'en' }).whereNull('published_at').select('stage');
    const counts: Record<string, number> = {};
    rows.forEach((r: any) => (counts[r.stage] = (counts[r.stage] ?? 0) + 1));
    expect(Object.fromEntries(res.body.data.values.map((v: any) => [v.value, v.count]))).toEqual(counts);
    const tags = await app.as('editor').post(HINTS).send({ selection: { documentIds }, field: 'tags' });
    expect(tags.status).toBe(200);
    expect(tags.body.data.values.every((v: any) => typeof v.value === 'string' && v.label && v.count > 0)).toBe(true);
    const bad = await app.as('editor').post(HINTS).send({ selection: { documentIds }, field: 'constructor' });
    expect(bad.status).toBe(400);
  });

  describe('hostile or wrong changes: a 400 naming the change, and nothing changed', () => {
    const many = (n: number) => Array.from({ length: n }, () => ({ field: 'views', op: 'increment', value: 1 }));
    const cases: Array<[string, () => unknown, number, string | RegExp]> = [
      ['an unknown op', () => [{ field: 'views', op: 'explode', value: 1 }], 400, 'params.changes[0].op must be one of set, clear, increment, decrement, multiply, percent for "views"'],
      ['an op of another type', () => [{ field: 'title', op: 'toggle' }], 400, 'params.changes[0].op must be one of set, clear, append'],
      ['an op named like an Object member', () => [{ field: 'views', op: 'constructor' }], 400, /^params.changes\[0\].op must be one of/],
      ['toString as an op', () => [{ field: 'views', op: 'toString' }], 400, /^params.changes\[0\].op must be one of/],
      ['constructor as a field', () => [{ field: 'constructor', op: 'set', value: 1 }], 400, /^params.changes\[0\].field is not an attribute you may update/],
      ['__proto__ as a field', () => [{ field: '__proto__', op: 'set', value: 1 }], 400, /^params.changes\[0\].field is not an attribute you may update/],
      ['hasOwnProperty as a field', () => [{ field: 'hasOwnProperty', op: 'clear' }], 400, /^params.changes\[0\].field is not an attribute you may update/],
      ['a system field', () => [{ field: 'createdBy', op: 'set', value: 1 }], 400, /^params.changes\[0\].field is not an attribute you may update/],
      ['a component without its field', () => [{ field: 'seo', op: 'clear' }], 400, 'params.changes[0].field is a component: name one of its fields, e.g. "seo.<field>"'],
      ['an unknown component field', () => [{ field: 'seo.nope', op: 'clear' }], 400, /^params.changes\[0\].field is not an attribute you may update/],
      ['the same field twice', () => [{ field: 'views', op: 'increment', value: 1 }, { field: 'views', op: 'set', value: 1 }], 400, 'params.changes[1].field changes "views" a second time: one change per field'],
      ['51 changes', () => many(51), 400, 'params.changes must hold at most 50 changes'],
      ['no changes', () => [], 400, 'params.changes must hold at least one change'],
      ['not a list', () => ({ field: 'views' }), 400, 'params.changes must be a list of { field, op, value }'],
      ['an unknown key in a change', () => [{ field: 'views', op: 'increment', value: 1, where: '1=1' }], 400, 'params.changes[0].where is not a key of a change (field, op, value)'],
      ['a value for toggle', () => [{ field: 'featured', op: 'toggle', value: true }], 400, 'params.changes[0].value must be left out: toggle takes no value'],
      ['clear on a required field', () => [{ field: 'title', op: 'clear' }], 400, 'params.changes[0].op cannot clear "title": the attribute is required'],
      ['a fractional increment of an integer', () => [{ field: 'views', op: 'increment', value: 1.5 }], 400, 'params.changes[0].value must be a whole number'],
      ['a percent with 3 decimals', () => [{ field: 'views', op: 'percent', value: 1.125 }], 400, 'params.changes[0].value must have at most 2 decimals'],
      ['a set outside the enum', () => [{ field: 'stage', op: 'set', value: 'gone' }], 400, 'params.changes[0].value must be one of draft, review, published, trash'],
      ['SQL as a replace', () => [{ field: 'title', op: 'replace', value: { find: "'", replace: "'); DROP TABLE articles; --" } }], 200, ''],
      ['a tag that does not exist', () => [{ field: 'tags', op: 'add', value: ['doesnotexist0000000000'] }], 400, 'params.changes[0].value names entries of api::tag.tag that do not exist or that you may not read: "doesnotexist0000000000"'],
      ['a file that does not exist', () => [{ field: 'gallery', op: 'add', value: [999999] }], 400, 'params.changes[0].value names files that do not exist or that you may not read: 999999'],
      ['a relation value that is not a document id', () => [{ field: 'tags', op: 'add', value: ['1 OR 1=1'] }], 400, 'params.changes[0].value[0] is not a document id'],
      ['a to-many op on a to-one relation', () => [{ field: 'category', op: 'add', value: ['x'] }], 400, 'params.changes[0].op must be one of set, clear for "category"'],
      ['one bad change among good ones', () => [{ field: 'views', op: 'increment', value: 1 }, { field: 'stage', op: 'set', value: 'gone' }], 400, 'params.changes[1].value must be one of'],
    ];

    it.each(cases)('%s', async (_name, changes, status, message) => {
      const documentId = ids[ids.length - 1];
      const before = await fingerprint();
      const res = await run(changes(), [documentId]);
      expect(res.status).toBe(status);
      if (status !== 400) {
        // SQL in a value is data: the replace ran (or found nothing to replace) and the table is there
        expect(res.body.data.run.status).toBe('succeeded');
        expect((await app.knex()('articles').count({ n: '*' }))[0].n).toBeTruthy();
        return;
      }
      if (typeof message === 'string') expect(res.body.error.message).toContain(message);
      else expect(res.body.error.message).toMatch(message);
      expect(await fingerprint()).toBe(before);
    });

    it('a field the role may not update is a 403; tags it may not read are a 400', async () => {
      const { token } = await app.userWithRole('Tagless Editor', [
        { action: 'plugin::content-manager.explorer.read', subject: ARTICLE, properties: { fields: ['title', 'views', 'tags'], locales: ['en', 'fr'] } },
        { action: 'plugin::content-manager.explorer.update', subject: ARTICLE, properties: { fields: ['title', 'tags'], locales: ['en', 'fr'] } },
      ]);
      const documentId = ids[ids.length - 1];
      const before = await fingerprint();
      const views = await app.withToken(token).post(RUN).send({ selection: { documentIds: [documentId] }, params: { changes: [{ field: 'views', op: 'increment', value: 1 }] } });
      expect(views.status).toBe(403);
      expect(views.body.error.message).toBe('You may not update the field "views" of api::article.article');
      const [news] = await tagIds();
      const tags = await app.withToken(token).post(RUN).send({ selection: { documentIds: [documentId] }, params: { changes: [{ field: 'tags', op: 'add', value: [news] }] } });
      expect(tags.status).toBe(400);
      expect(tags.body.error.message).toContain(`params.changes[0].value names entries of api::tag.tag that do not exist or that you may not read: "${news}"`);
      expect(await fingerprint()).toBe(before);
    });
  });
});
