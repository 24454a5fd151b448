import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, CATEGORY, actionUrl } from '../helpers/content';

/**
 * The built-ins' "all locales" option: publish, unpublish, delete and update-field act on every
 * locale version of the selected documents the user may act on in that locale, count each locale,
 * leave the others untouched, and an undo puts back every locale the run changed.
 */
describe('all locales', () => {
  let app: TestApp;
  /** a role that may act in English and French, not in German */
  let token: string;
  /** a role that may act in English only, and read others' runs */
  let englishOnly: string;

  beforeAll(async () => {
    app = await bootPlayground({ articles: 4, categories: 2 });
    await app.enableActions(ARTICLE, ['publish', 'unpublish', 'delete', 'update-field']);
    await app.enableActions(CATEGORY, ['delete', 'update-field']);
    const locales = app.strapi.plugin('i18n').service('locales');
    if (!(await locales.findByCode('de'))) await locales.create({ code: 'de', name: 'German (de)' });
    const fields = ['title', 'body', 'stage', 'views', 'featured', 'category'];
    const enFr = ['en', 'fr'];
    const cm = 'plugin::content-manager.explorer';
    ({ token } = await app.userWithRole('English French Editor', [
      { action: `${cm}.read`, subject: ARTICLE, properties: { fields, locales: enFr } },
      { action: `${cm}.create`, subject: ARTICLE, properties: { fields, locales: enFr } },
      { action: `${cm}.update`, subject: ARTICLE, properties: { fields, locales: enFr } },
      { action: `${cm}.publish`, subject: ARTICLE, properties: { locales: enFr } },
      { action: `${cm}.delete`, subject: ARTICLE, properties: { locales: enFr } },
      { action: `${cm}.read`, subject: CATEGORY, properties: { fields: ['name'] } },
      { action: `${cm}.delete`, subject: CATEGORY },
    ]));
    ({ token: englishOnly } = await app.userWithRole('English Editor', [
      { action: `${cm}.read`, subject: ARTICLE, properties: { fields, locales: ['en'] } },
      { action: `${cm}.update`, subject: ARTICLE, properties: { fields, locales: ['en'] } },
      { action: `${cm}.publish`, subject: ARTICLE, properties: { locales: ['en'] } },
      { action: 'plugin::bulk-actions.runs.read' },
    ]));
  });
  afterAll(async () => {
    await app?.close();
  });

  const as = () => app.withToken(token);
  const run = (action: string, body: Record<string, unknown>) => as().post(actionUrl(ARTICLE, action, 'run')).send(body);
  const revert = (runId: number) => as().post(`/bulk-actions/runs/${runId}/revert`).send({});

  let made = 0;
  /** A document with a draft in each of these locales (English first), optionally published in some. */
  const createDocument = async (locales: string[], published: string[] = []) => {
    made += 1;
    const documents = app.strapi.documents(ARTICLE as any);
    const doc = await documents.create({ locale: 'en', data: { title: `Multi ${made} en`, stage: 'draft' } as any });
    for (const locale of locales.filter((code) => code !== 'en')) {
      await documents.update({ documentId: doc.documentId, locale, data: { title: `Multi ${made} ${locale}`, stage: 'draft' } as any });
    }
    for (const locale of published) await documents.publish({ documentId: doc.documentId, locale });
    return doc.documentId as string;
  };

  /** Every row of these documents, every locale, drafts and published, as the database holds them. */
  const rowsOf = (documentIds: string[], locale?: string) => {
    const query = app.knex()('articles').whereIn('document_id', documentIds);
    if (locale) query.where({ locale });
    return query.orderBy(['document_id', 'locale', 'id']).select('id', 'document_id', 'locale', 'title', 'stage', 'views', 'published_at', 'updated_at');
  };
  /** (documentId, locale) of the published rows, sorted */
  const publishedOf = async (documentIds: string[]) =>
    (await app.knex()('articles').whereIn('document_id', documentIds).whereNotNull('published_at').select('document_id', 'locale'))
      .map((row: any) => `${row.document_id}:${row.locale}`)
      .sort();
  /** What an entry holds, locale by locale, without the row ids and times an undo through the Document Service renews. */
  const contentOf = async (documentIds: string[]) =>
    (await rowsOf(documentIds)).map((row: any) => ({
      document_id: row.document_id, locale: row.locale, title: row.title, stage: row.stage, views: row.views, published: row.published_at !== null,
    }));

  it('offers the option on localized content types only', async () => {
    const articles = await as().get(`/bulk-actions/content-types/${ARTICLE}/actions`);
    const form = (name: string, list: any) => list.body.data.find((action: { name: string }) => action.name === name).form;
    for (const name of ['publish', 'unpublish', 'delete', 'update-field']) {
      expect(form(name, articles).find((field: { name: string }) => field.name === 'allLocales')).toMatchObject({ type: 'boolean', default: false, messages: { label: `bulk-actions.actions.${name}.fields.allLocales.label`, description: `bulk-actions.actions.${name}.fields.allLocales.description` } });
    }
    const categories = await as().get(`/bulk-actions/content-types/${CATEGORY}/actions`);
    expect(form('delete', categories)).toEqual([]);
  });

  it('refuses it with a 400 naming params.allLocales on a content type without locales, and deletes nothing', async () => {
    const [category] = await app.knex()('categories').select('document_id').limit(1);
    const before = await app.knex()('categories').orderBy('id').select();
    const body = { selection: { documentIds: [category.document_id] }, params: { allLocales: true } };
    for (const step of ['preview', 'run'] as const) {
      const res = await as().post(actionUrl(CATEGORY, 'delete', step)).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('params.allLocales is not offered for api::category.category');
      expect(res.body.error.details.errors[0].path).toEqual(['params', 'allLocales']);
    }
    expect(await app.knex()('categories').orderBy('id').select()).toEqual(before);
  });

  it('publishes every permitted locale, counts each locale, leaves German untouched, and an undo unpublishes every locale again', async () => {
    const a = await createDocument(['en', 'fr', 'de']);
    const b = await createDocument(['en', 'fr']);
    const c = await createDocument(['en', 'de']);
    const ids = [a, b, c];
    const before = await contentOf(ids);
    const german = await rowsOf(ids, 'de');

    const preview = await as().post(actionUrl(ARTICLE, 'publish', 'preview')).send({ selection: { documentIds: ids }, locale: 'en', params: { allLocales: true } });
    expect(preview.status).toBe(200);
    expect(preview.body.data).toMatchObject({
      total: 3,
      actionable: 3,
      locales: { en: { actionable: 3, forbidden: 0 }, fr: { actionable: 2, forbidden: 0 }, de: { actionable: 0, forbidden: 2 } },
    });

    const res = await run('publish', { selection: { documentIds: ids }, locale: 'en', params: { allLocales: true } });
    expect(res.status).toBe(200);
    const published = res.body.data.run;
    expect(published).toMatchObject({
      status: 'succeeded',
      total: 3,
      succeeded: 3,
      params: { allLocales: true },
      localeCounts: { en: { done: 3 }, fr: { done: 2 }, de: { forbidden: 2 } },
    });
    expect(published.message.split('\n')).toEqual(['3 entries done', 'de: 2 forbidden · en: 3 done · fr: 2 done']);
    expect(await publishedOf(ids)).toEqual([`${a}:en`, `${a}:fr`, `${b}:en`, `${b}:fr`, `${c}:en`].sort());
    expect(await rowsOf(ids, 'de')).toEqual(german);

    // the run page reads the same counts
    const page = await as().get(`/bulk-actions/runs/${published.id}`);
    expect(page.body.data.run.localeCounts).toEqual(published.localeCounts);

    const undo = await revert(published.id);
    expect(undo.status).toBe(200);
    expect(undo.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 3, localeCounts: { en: { done: 3 }, fr: { done: 2 } } });
    expect(await publishedOf(ids)).toEqual([]);
    expect(await contentOf(ids)).toEqual(before);
    expect(await rowsOf(ids, 'de')).toEqual(german);
  });

  it('unpublishes every permitted locale, counts a locale with nothing published, and an undo publishes them again', async () => {
    const d = await createDocument(['en', 'fr', 'de'], ['en', 'fr', 'de']);
    const e = await createDocument(['en', 'fr'], ['en']);
    const ids = [d, e];
    const german = await rowsOf(ids, 'de');

    const res = await run('unpublish', { selection: { documentIds: ids }, locale: 'en', params: { allLocales: true } });
    expect(res.status).toBe(200);
    expect(res.body.data.run).toMatchObject({
      succeeded: 2,
      localeCounts: { en: { done: 2 }, fr: { done: 1, 'not-published': 1 }, de: { forbidden: 1 } },
    });
    expect(await publishedOf(ids)).toEqual([`${d}:de`]);
    expect(await rowsOf(ids, 'de')).toEqual(german);

    const undo = await revert(res.body.data.run.id);
    expect(undo.status).toBe(200);
    expect(undo.body.data.run).toMatchObject({ succeeded: 2, localeCounts: { en: { done: 2 }, fr: { done: 1 } } });
    expect(await publishedOf(ids)).toEqual([`${d}:en`, `${d}:fr`, `${d}:de`, `${e}:en`].sort());
    expect(await rowsOf(ids, 'de')).toEqual(german);
  });

  it('deletes every permitted locale (the German one stays), and an undo brings every deleted locale back', async () => {
    const f = await createDocument(['en', 'fr', 'de'], ['en']);
    const g = await createDocument(['en', 'fr']);
    const ids = [f, g];
    const before = await contentOf(ids);
    const german = await rowsOf(ids, 'de');

    const res = await run('delete', { selection: { documentIds: ids }, locale: 'en', params: { allLocales: true } });
    expect(res.status).toBe(200);
    expect(res.body.data.run).toMatchObject({ succeeded: 2, localeCounts: { en: { done: 2 }, fr: { done: 2 }, de: { forbidden: 1 } } });
    expect(await rowsOf(ids)).toEqual(german);

    const undo = await revert(res.body.data.run.id);
    expect(undo.status).toBe(200);
    expect(undo.body.data.run).toMatchObject({ succeeded: 2, localeCounts: { en: { done: 2 }, fr: { done: 2 } } });
    expect(await contentOf(ids)).toEqual(before);
    expect(await rowsOf(ids, 'de')).toEqual(german);
  });

  it('changes localized fields in every permitted locale, and an undo restores each locale', async () => {
    const h = await createDocument(['en', 'fr', 'de']);
    const i = await createDocument(['en', 'de']);
    const ids = [h, i];
    const before = await rowsOf(ids);
    const german = await rowsOf(ids, 'de');

    const res = await run('update-field', {
      selection: { documentIds: ids },
      locale: 'en',
      params: { changes: [{ field: 'stage', op: 'set', value: 'review' }, { field: 'title', op: 'append', value: ' (checked)' }], allLocales: true },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.run).toMatchObject({ succeeded: 2, localeCounts: { en: { done: 2 }, fr: { done: 1 }, de: { forbidden: 2 } } });
    const drafts = (await rowsOf(ids)).filter((row: any) => row.published_at === null && row.locale !== 'de');
    expect(drafts.map((row: any) => [row.locale, row.title, row.stage])).toEqual(
      before.filter((row: any) => row.locale !== 'de').map((row: any) => [row.locale, `${row.title} (checked)`, 'review'])
    );
    expect(await rowsOf(ids, 'de')).toEqual(german);

    // a second run that changes nothing in English still changes French: the entry is done
    const again = await run('update-field', {
      selection: { documentIds: [h] },
      locale: 'en',
      params: { changes: [{ field: 'stage', op: 'set', value: 'review' }], allLocales: true },
    });
    expect(again.body.data.run).toMatchObject({ succeeded: 0, skippedReasons: { unchanged: 1 }, localeCounts: { en: { unchanged: 1 }, fr: { unchanged: 1 }, de: { forbidden: 1 } } });

    const undo = await revert(res.body.data.run.id);
    expect(undo.status).toBe(200);
    expect(undo.body.data.run).toMatchObject({ succeeded: 2 });
    // column values come back as they were, with their updatedAt
    expect(await rowsOf(ids)).toEqual(before);
  });

  it('an undo by a user who may act in English only restores English, and the shared fields of every locale', async () => {
    const j = await createDocument(['en', 'fr', 'de']);
    const before = await rowsOf([j]);

    const res = await run('update-field', {
      selection: { documentIds: [j] },
      locale: 'en',
      params: { changes: [{ field: 'stage', op: 'set', value: 'review' }, { field: 'views', op: 'increment', value: 5 }], allLocales: true },
    });
    expect(res.body.data.run).toMatchObject({ succeeded: 1, localeCounts: { en: { done: 1 }, fr: { done: 1 }, de: { forbidden: 1 } } });
    // views is not localized: one value per document, in every locale, written once
    expect((await rowsOf([j])).map((row: any) => [row.locale, row.stage, row.views])).toEqual(
      before.map((row: any) => [row.locale, row.locale === 'de' ? row.stage : 'review', row.views + 5])
    );

    const undo = await app.withToken(englishOnly).post(`/bulk-actions/runs/${res.body.data.run.id}/revert`).send({});
    expect(undo.status).toBe(200);
    expect(undo.body.data.run).toMatchObject({ succeeded: 1 });
    const after = await rowsOf([j]);
    expect(after.find((row: any) => row.locale === 'en')).toEqual(before.find((row: any) => row.locale === 'en'));
    // French keeps the stage the run gave it (not this user's to restore); the shared views come back everywhere
    expect(after.map((row: any) => [row.locale, row.stage, row.views])).toEqual(
      before.map((row: any) => [row.locale, row.locale === 'fr' ? 'review' : row.stage, row.views])
    );
  });

  it('an undo of a publish by a user who may publish in English only unpublishes English, and counts French forbidden', async () => {
    const k = await createDocument(['en', 'fr']);
    const res = await run('publish', { selection: { documentIds: [k] }, locale: 'en', params: { allLocales: true } });
    expect(res.body.data.run).toMatchObject({ succeeded: 1, localeCounts: { en: { done: 1 }, fr: { done: 1 } } });
    const french = await rowsOf([k], 'fr');

    const undo = await app.withToken(englishOnly).post(`/bulk-actions/runs/${res.body.data.run.id}/revert`).send({});
    expect(undo.status).toBe(200);
    expect(undo.body.data.run).toMatchObject({ succeeded: 1, localeCounts: { en: { done: 1 }, fr: { forbidden: 1 } } });
    expect(await publishedOf([k])).toEqual([`${k}:fr`]);
    expect(await rowsOf([k], 'fr')).toEqual(french);
  });

  it('refuses a relation change with all locales (its undo could not restore other locales), and an unknown param', async () => {
    const [category] = await app.knex()('categories').select('document_id').limit(1);
    const h = await createDocument(['en', 'fr']);
    const before = await rowsOf([h]);
    const res = await run('update-field', {
      selection: { documentIds: [h] },
      locale: 'en',
      params: { changes: [{ field: 'category', op: 'set', value: category.document_id }], allLocales: true },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'params.allLocales with all locales, only fields stored in the entry\'s own columns can be changed ("category" is not one)'
    );
    const unknown = await run('publish', { selection: { documentIds: [h] }, params: { allLocales: true, everyLocale: true } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe('params.everyLocale is not a field of this action');
    expect(await rowsOf([h])).toEqual(before);
  });
});
