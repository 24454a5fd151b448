import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, actionUrl, draftIdsCreatedBy } from '../helpers/content';

const PREVIEW = actionUrl(ARTICLE, 'update-field', 'preview');
const RUN = actionUrl(ARTICLE, 'update-field', 'run');

/**
 * The preview with params: what the run would write, entry by entry (before → after), which entries
 * already hold the result (skipped as `unchanged`, never touched by the run) and the skipped entries
 * named. Runs on SQLite (`npm test`) and PostgreSQL (`npm run test:pg`).
 */
describe('preview: the plan of a run', () => {
  let app: TestApp;
  let ids: string[];
  let next = 0;
  const take = (n: number) => {
    const taken = ids.slice(next, next + n);
    next += n;
    return taken;
  };

  beforeAll(async () => {
    app = await bootPlayground({ articles: 60 });
    await app.enableActions(ARTICLE, ['update-field', 'publish']);
    ids = await draftIdsCreatedBy(app, app.seeded.users.editor.id);
  });
  afterAll(() => app?.close());

  const drafts = (documentIds: string[]) =>
    app.knex()('articles').whereIn('document_id', documentIds).whereNull('published_at').where({ locale: 'en' }).orderBy('id');
  /** every row and link a preview could write, for "the preview changed nothing" */
  const fingerprint = async () => {
    const k = app.knex();
    return JSON.stringify(await Promise.all(['articles', 'articles_tags_lnk', 'articles_cmps', 'components_shared_seos'].map((t) => k(t).orderBy('id').select())));
  };
  const preview = (changes: unknown, documentIds: string[], as: 'editor' | 'author' = 'editor') =>
    app.as(as).post(PREVIEW).send({ selection: { documentIds }, params: { changes } });

  it('counts the entries that already hold the value, shows before → after for the others, and the run leaves them untouched', async () => {
    const [same, other1, other2] = take(3);
    await app.knex()('articles').where({ document_id: same }).update({ stage: 'review' });
    await app.knex()('articles').whereIn('document_id', [other1, other2]).update({ stage: 'draft' });
    const before = await fingerprint();

    const res = await preview([{ field: 'stage', op: 'set', value: 'review' }], [same, other1, other2]);
    expect(res.status).toBe(200);
    const { plan } = res.body.data;
    expect(plan).toMatchObject({ willChange: 2, skipped: { unchanged: 1 } });
    expect(plan.changes.map((c: any) => c.documentId).sort()).toEqual([other1, other2].sort());
    expect(plan.changes[0].fields).toEqual([{ field: 'stage', before: 'draft', after: 'review' }]);
    expect(typeof plan.changes[0].label).toBe('string');
    expect(await fingerprint()).toBe(before);

    const untouched = (await drafts([same]))[0];
    const run = await app.as('editor').post(RUN).send({ selection: { documentIds: [same, other1, other2] }, params: { changes: [{ field: 'stage', op: 'set', value: 'review' }] } });
    expect(run.status).toBe(200);
    expect(run.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 2, skipped: 1, skippedReasons: { unchanged: 1 } });
    const after = await drafts([same, other1, other2]);
    expect(after.map((row: any) => row.stage)).toEqual(['review', 'review', 'review']);
    // the entry that held the value was not written: its updatedAt stays
    expect(after.find((row: any) => row.document_id === same).updated_at).toEqual(untouched.updated_at);
  });

  it('says how many of the entries are published (the change goes to their drafts), and the full dry run downloads as CSV', async () => {
    const documentIds = take(4);
    const published = new Set(
      (await app.knex()('articles').whereIn('document_id', documentIds).whereNotNull('published_at').where({ locale: 'en' }).select('document_id')).map((r: any) => r.document_id)
    );
    const res = await preview([{ field: 'views', op: 'increment', value: 3 }], documentIds);
    expect(res.status).toBe(200);
    expect(res.body.data.plan.counts).toEqual(published.size ? { 'published-entries': published.size } : {});

    const before = await fingerprint();
    const report = await app.as('editor').post(`${PREVIEW}/report`).send({ selection: { documentIds: [...documentIds, 'nosuchdocumentid0000000000'] }, params: { changes: [{ field: 'views', op: 'increment', value: 3 }] } });
    expect(report.status).toBe(200);
    const lines = report.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('key,outcome,field,before,after,message');
    const rows = await drafts(documentIds);
    // a line per entry's changed field, every entry (not only a sample), with the values before and after
    for (const row of rows) expect(lines).toContain(`${row.document_id},change,views,${row.views},${row.views + 3},`);
    expect(lines).toContain('nosuchdocumentid0000000000,not-found,,,,');
    expect(lines).toHaveLength(1 + rows.length + 1);
    expect(await fingerprint()).toBe(before);
  });

  it('computed operations: before → after from SQL, and nothing already holds an increment', async () => {
    const [a, b] = take(2);
    await app.knex()('articles').where({ document_id: a }).update({ views: 10 });
    await app.knex()('articles').where({ document_id: b }).update({ views: 41 });
    const res = await preview([{ field: 'views', op: 'increment', value: 5 }, { field: 'title', op: 'append', value: ' [sale]' }], [a, b]);
    expect(res.status).toBe(200);
    const { plan } = res.body.data;
    expect(plan.willChange).toBe(2);
    expect(plan.skipped).toEqual({});
    const byId = Object.fromEntries(plan.changes.map((c: any) => [c.documentId, c.fields]));
    const titleOf = async (id: string) => (await drafts([id]))[0].title;
    expect(byId[a]).toEqual([{ field: 'views', before: 10, after: 15 }, { field: 'title', before: await titleOf(a), after: `${await titleOf(a)} [sale]` }]);
    expect(byId[b][0]).toEqual({ field: 'views', before: 41, after: 46 });
  });

  it('a replace that finds nothing leaves every entry unchanged: the run succeeds and writes nothing', async () => {
    const [a, b] = take(2);
    const before = await fingerprint();
    const changes = [{ field: 'title', op: 'replace', value: { find: 'no such text anywhere', replace: 'x' } }];
    const res = await preview(changes, [a, b]);
    expect(res.body.data.plan).toMatchObject({ willChange: 0, skipped: { unchanged: 2 }, changes: [] });
    const run = await app.as('editor').post(RUN).send({ selection: { documentIds: [a, b] }, params: { changes } });
    expect(run.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 0, skippedReasons: { unchanged: 2 } });
    expect(await fingerprint()).toBe(before);
  });

  it('relations: an entry that has the tag already is unchanged; the sample names tags by their name', async () => {
    const [has, lacks] = take(2);
    const tags = await app.knex()('tags').orderBy('id').select('document_id', 'name');
    const add = [{ field: 'tags', op: 'add', value: [tags[0].document_id] }];
    expect((await app.as('editor').post(RUN).send({ selection: { documentIds: [has] }, params: { changes: add } })).status).toBe(200);
    const res = await preview(add, [has, lacks]);
    const { plan } = res.body.data;
    expect(plan).toMatchObject({ willChange: 1, skipped: { unchanged: 1 } });
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0].documentId).toBe(lacks);
    const [field] = plan.changes[0].fields;
    expect(field.field).toBe('tags');
    expect(field.after).toEqual([...field.before, tags[0].name]);
    // removing a tag neither has: both unchanged
    const remove = await preview([{ field: 'tags', op: 'remove', value: [tags[1].document_id] }], [has, lacks]);
    expect(remove.body.data.plan).toMatchObject({ willChange: 0, skipped: { unchanged: 2 } });
  });

  it('a value out of the field\'s range is counted as invalid-value, not as a change', async () => {
    const [a] = take(1);
    await app.knex()('articles').where({ document_id: a }).update({ views: 2147483600 });
    const res = await preview([{ field: 'views', op: 'increment', value: 1000 }], [a]);
    expect(res.body.data.plan).toMatchObject({ willChange: 0, skipped: { 'invalid-value': 1 }, changes: [] });
  });

  it('bad params are a 400 naming the change, a preview without params has no plan, and an action without a preview hook has none either', async () => {
    const [a] = take(1);
    const before = await fingerprint();
    const bad = await preview([{ field: 'stage', op: 'set', value: 'gone' }], [a]);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('params.changes[0].value must be one of');
    const unknown = await app.as('editor').post(PREVIEW).send({ selection: { documentIds: [a] }, params: { changes: [{ field: 'views', op: 'increment', value: 1 }] }, extra: 1 });
    expect(unknown.status).toBe(400);
    const plain = await app.as('editor').post(PREVIEW).send({ selection: { documentIds: [a] } });
    expect(plain.status).toBe(200);
    expect(plain.body.data.plan).toBeUndefined();
    const publish = await app.as('editor').post(actionUrl(ARTICLE, 'publish', 'preview')).send({ selection: { documentIds: [a] }, params: {} });
    expect(publish.status).toBe(200);
    expect(publish.body.data.plan).toBeUndefined();
    expect(await fingerprint()).toBe(before);
  });

  it('names the skipped entries: not found by documentId, forbidden ones by their main field when readable', async () => {
    const [mine] = take(1);
    // the author may update only the articles it created: the editor's are forbidden but readable
    const res = await app.as('author').post(PREVIEW).send({ selection: { documentIds: [mine, 'nosuchdocument000000000'] } });
    expect(res.status).toBe(200);
    const title = (await drafts([mine]))[0].title;
    expect(res.body.data.skippedSample).toEqual(
      expect.arrayContaining([
        { documentId: 'nosuchdocument000000000', reason: 'not-found', label: 'nosuchdocument000000000' },
        { documentId: mine, reason: 'forbidden', label: title },
      ])
    );
  });
  describe('the option to apply the change to the published version too', () => {
    const CM = `/content-manager/collection-types/${ARTICLE}`;
    /** the entry as the Content Manager's edit view reads it: its status (published, modified, draft) and fields */
    const cm = async (documentId: string, status: 'draft' | 'published') => {
      const res = await app.as('editor').get(`${CM}/${documentId}?locale=en&status=${status}`);
      expect(res.status).toBe(200);
      return res.body.data;
    };
    const publishInCm = async (documentId: string) => {
      const res = await app.as('editor').post(`${CM}/${documentId}/actions/publish?locale=en`).send({});
      expect(res.status).toBe(200);
    };

    it('changes the live version of published entries in the same run: Published ones stay Published, Modified ones stay Modified, drafts only get the draft change', async () => {
      const [published, modified, draftOnly] = take(3);
      await publishInCm(published);
      await publishInCm(modified);
      // an editor's unpublished change: the draft is newer than the live version (Modified)
      const edit = await app.as('editor').put(`${CM}/${modified}?locale=en`).send({ title: 'Edited after publishing' });
      expect(edit.status).toBe(200);
      if ((await cm(draftOnly, 'draft')).status !== 'draft') {
        const unpublish = await app.as('editor').post(`${CM}/${draftOnly}/actions/unpublish?locale=en`).send({ discardDraft: false });
        expect(unpublish.status).toBe(200);
      }
      expect((await cm(published, 'draft')).status).toBe('published');
      expect((await cm(modified, 'draft')).status).toBe('modified');
      expect((await cm(draftOnly, 'draft')).status).toBe('draft');
      const liveBefore = await cm(published, 'published');

      const changes = [
        { field: 'stage', op: 'set', value: 'trash' },
        { field: 'views', op: 'increment', value: 7 },
      ];
      const plan = await app.as('editor').post(PREVIEW).send({ selection: { documentIds: [published, modified, draftOnly] }, params: { changes, published: true } });
      expect(plan.status).toBe(200);
      expect(plan.body.data.plan).toMatchObject({ willChange: 3, counts: { 'published-entries-updated': 2 } });

      const res = await app.as('editor').post(RUN).send({ selection: { documentIds: [published, modified, draftOnly] }, params: { changes, published: true } });
      expect(res.status).toBe(200);
      expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 3, params: { changes, published: true } });

      // the live site shows the change; the statuses are those the entries had
      const live = await cm(published, 'published');
      expect(live).toMatchObject({ stage: 'trash', views: liveBefore.views + 7, title: liveBefore.title });
      expect((await cm(published, 'draft')).status).toBe('published');
      expect(await cm(modified, 'published')).toMatchObject({ stage: 'trash' });
      expect(await cm(modified, 'draft')).toMatchObject({ status: 'modified', stage: 'trash', title: 'Edited after publishing' });
      expect(await cm(draftOnly, 'draft')).toMatchObject({ status: 'draft', stage: 'trash' });

      // undo puts both versions back
      const undo = await app.as('editor').post(`/bulk-actions/runs/${res.body.data.run.id}/revert`).send({});
      expect(undo.status).toBe(200);
      expect(undo.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 3 });
      expect(await cm(published, 'published')).toMatchObject({ stage: liveBefore.stage, views: liveBefore.views });
    });

    it('leaves a published entry alone when its live version\'s result breaks a rule, and refuses the option for relations and where there is no draft & publish', async () => {
      const [documentId] = take(1);
      await publishInCm(documentId);
      // the live version holds a value the draft does not: a decrement breaks min 0 only there
      await app.knex()('articles').where({ document_id: documentId }).whereNull('published_at').update({ views: 100 });
      await app.knex()('articles').where({ document_id: documentId }).whereNotNull('published_at').update({ views: 1 });
      const before = await fingerprint();
      const res = await app.as('editor').post(RUN).send({ selection: { documentIds: [documentId] }, params: { changes: [{ field: 'views', op: 'decrement', value: 5 }], published: true } });
      expect(res.status).toBe(200);
      expect(res.body.data.run).toMatchObject({ succeeded: 0, skipped: 1, skippedReasons: { 'invalid-value': 1 } });
      expect(await fingerprint()).toBe(before);

      const tags = await app.as('editor').post(PREVIEW).send({ selection: { documentIds: [documentId] }, params: { changes: [{ field: 'tags', op: 'clear' }], published: true } });
      expect(tags.status).toBe(400);
      expect(tags.body.error.message).toBe('params.published: "tags" is not a field of the entry itself: only those change on the published version too');
      await app.enableActions('api::extraction-config.extraction-config', ['update-field']);
      const configs = await app.as('admin').post(actionUrl('api::extraction-config.extraction-config', 'update-field', 'preview')).send({ selection: { query: {} }, params: { changes: [{ field: 'name', op: 'trim' }], published: true } });
      expect(configs.status).toBe(400);
      expect(configs.body.error.message).toContain('params.published is not offered for api::extraction-config.extraction-config');
      expect(await fingerprint()).toBe(before);
    });
  });
});
