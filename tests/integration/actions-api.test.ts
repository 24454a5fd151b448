import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, CATEGORY, EXTRACTION_CONFIG, actionUrl, draftIdsCreatedBy, snapshotArticles } from '../helpers/content';

const names = (res: { body: { data: Array<{ name: string }> } }) => res.body.data.map((a) => a.name);

describe('admin API: settings, action lists, guards and input validation', () => {
  let app: TestApp;
  let ids: string[];

  beforeAll(async () => {
    app = await bootPlayground({ articles: 12 });
    ids = (await draftIdsCreatedBy(app, app.seeded.users.editor.id)).slice(0, 3);
  });
  afterAll(() => app?.close());

  describe('settings', () => {
    it('enables nothing by default', async () => {
      const res = await app.as('admin').get('/bulk-actions/settings');
      expect(res.status).toBe(200);
      expect(res.body.data.contentTypes[ARTICLE]).toEqual({ actions: [], replaceBuiltIns: false });
      expect(names(await app.as('editor').get(`/bulk-actions/content-types/${ARTICLE}/actions`))).toEqual([]);
    });

    it('lists every available action of a content type for the settings page', async () => {
      const res = await app.as('admin').get(`/bulk-actions/content-types/${EXTRACTION_CONFIG}/available-actions`);
      expect(res.status).toBe(200);
      expect(res.body.data).toContainEqual({ name: 'run-now', label: 'Run now', description: expect.any(String), destructive: false, reasons: {}, messages: {} });
      // the built-ins' texts come with their translation ids (the admin shows them in the editor's language)
      expect(res.body.data).toContainEqual(
        expect.objectContaining({
          name: 'delete',
          destructive: true,
          messages: { label: 'bulk-actions.actions.delete.label', description: 'bulk-actions.actions.delete.description', confirm: 'bulk-actions.actions.delete.confirm' },
        })
      );
    });

    it('saves per content type and answers the effective settings', async () => {
      const res = await app.as('admin').put('/bulk-actions/settings').send({ contentTypes: { [ARTICLE]: { actions: ['update-field', 'export-csv'] } } });
      expect(res.status).toBe(200);
      expect(res.body.data.contentTypes[ARTICLE]).toEqual({ actions: ['update-field', 'export-csv'], replaceBuiltIns: false });
      expect(names(await app.as('editor').get(`/bulk-actions/content-types/${ARTICLE}/actions`))).toEqual(['update-field', 'export-csv']);
      // other content types keep theirs
      const again = await app.as('admin').put('/bulk-actions/settings').send({ contentTypes: { [CATEGORY]: { actions: ['*'] } } });
      expect(again.body.data.contentTypes[ARTICLE]).toEqual({ actions: ['update-field', 'export-csv'], replaceBuiltIns: false });
      expect(names(await app.as('editor').get(`/bulk-actions/content-types/${CATEGORY}/actions`))).toEqual(['update-field', 'export-csv', 'update-from-file', 'delete']);
    });

    it('lets the app pre-enable in config until an administrator saves', async () => {
      app.strapi.config.set('plugin::bulk-actions.contentTypes', { [EXTRACTION_CONFIG]: { actions: ['run-now'] } });
      expect(names(await app.as('editor').get(`/bulk-actions/content-types/${EXTRACTION_CONFIG}/actions`))).toEqual(['run-now']);
      await app.as('admin').put('/bulk-actions/settings').send({ contentTypes: { [EXTRACTION_CONFIG]: { actions: [] } } });
      expect(names(await app.as('editor').get(`/bulk-actions/content-types/${EXTRACTION_CONFIG}/actions`))).toEqual([]);
      app.strapi.config.set('plugin::bulk-actions.contentTypes', {});
    });

    it('replaces Strapi’s bulk Publish / Unpublish / Delete where asked, with the plugin’s enabled and permitted ones', async () => {
      const meta = async (role: 'admin' | 'editor' | 'author', uid = ARTICLE) => (await app.as(role).get(`/bulk-actions/content-types/${uid}/actions`)).body.meta;
      await app.as('admin').put('/bulk-actions/settings').send({ contentTypes: { [ARTICLE]: { actions: ['update-field', 'publish', 'delete'] } } });
      expect(await meta('editor')).toEqual({ replacesBuiltIns: [] });

      const res = await app.as('admin').put('/bulk-actions/settings').send({ contentTypes: { [ARTICLE]: { actions: ['update-field', 'publish', 'delete'], replaceBuiltIns: true } } });
      expect(res.status).toBe(200);
      expect(res.body.data.contentTypes[ARTICLE]).toEqual({ actions: ['update-field', 'publish', 'delete'], replaceBuiltIns: true });
      // unpublish is not enabled: Strapi's Unpublish stays
      expect(await meta('editor')).toEqual({ replacesBuiltIns: ['publish', 'delete'] });
      // another content type keeps Strapi's buttons
      expect(await meta('editor', CATEGORY)).toEqual({ replacesBuiltIns: [] });

      // from config/plugins.ts, for a content type no administrator has saved yet
      const TAG = 'api::tag.tag';
      app.strapi.config.set('plugin::bulk-actions.contentTypes', { [TAG]: { actions: ['delete'], replaceBuiltIns: true } });
      expect(await meta('admin', TAG)).toEqual({ replacesBuiltIns: ['delete'] });
      expect((await app.as('admin').get('/bulk-actions/settings')).body.data.contentTypes[TAG]).toEqual({ actions: ['delete'], replaceBuiltIns: true });
      app.strapi.config.set('plugin::bulk-actions.contentTypes', {});
      await app.as('admin').put('/bulk-actions/settings').send({ contentTypes: { [ARTICLE]: { actions: [] } } });
      expect(await meta('editor')).toEqual({ replacesBuiltIns: [] });
    });

    it.each([
      [{ contentTypes: { [ARTICLE]: { actions: [], replaceBuiltIns: 'yes' } } }, 'body.contentTypes.api::article.article.replaceBuiltIns: Expected boolean, received string'],
      [{ contentTypes: { 'api::nope.nope': { actions: [] } } }, 'contentTypes.api::nope.nope: not a collection type bulk actions can act on'],
      [{ contentTypes: { [ARTICLE]: { actions: ['fly'] } } }, `contentTypes.${ARTICLE}.actions: "fly" is not an action available to ${ARTICLE}`],
      [{ contentTypes: { [ARTICLE]: { actions: 'delete' } } }, 'body.contentTypes.api::article.article.actions: Expected array, received string'],
      [{ contentTypes: {}, extra: 1 }, "body: Unrecognized key(s) in object: 'extra'"],
      [{}, 'body.contentTypes: Required'],
    ])('refuses bad settings %j with 400', async (body, message) => {
      const before = await app.as('admin').get('/bulk-actions/settings');
      const res = await app.as('admin').put('/bulk-actions/settings').send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(message);
      expect((await app.as('admin').get('/bulk-actions/settings')).body).toEqual(before.body);
    });

    it('guards the settings with the plugin permissions', async () => {
      expect((await app.as('editor').get('/bulk-actions/settings')).status).toBe(403);
      expect((await app.as('editor').put('/bulk-actions/settings').send({ contentTypes: {} })).status).toBe(403);
      expect((await app.anonymous().get('/bulk-actions/settings')).status).toBe(401);
      const { token } = await app.userWithRole('Settings Reader', [{ action: 'plugin::bulk-actions.settings.read' }]);
      expect((await app.withToken(token).get('/bulk-actions/settings')).status).toBe(200);
      expect((await app.withToken(token).put('/bulk-actions/settings').send({ contentTypes: {} })).status).toBe(403);
    });
  });

  describe('action endpoints', () => {
    beforeAll(() => app.enableActions(ARTICLE, ['update-field', 'publish', 'export-csv']));

    it('answers 401 without a token on every route', async () => {
      for (const [method, url] of [
        ['get', `/bulk-actions/content-types/${ARTICLE}/actions`],
        ['post', actionUrl(ARTICLE, 'update-field', 'preview')],
        ['post', actionUrl(ARTICLE, 'update-field', 'run')],
        ['get', '/bulk-actions/runs'],
        ['get', '/bulk-actions/runs/1'],
      ] as const) {
        expect((await app.anonymous()[method](url)).status).toBe(401);
      }
    });

    it('only lists the actions the user holds the permissions of', async () => {
      const { token } = await app.userWithRole('Reader', [
        { action: 'plugin::content-manager.explorer.read', subject: ARTICLE, properties: { fields: ['title', 'stage'], locales: ['en', 'fr'] } },
      ]);
      expect(names(await app.withToken(token).get(`/bulk-actions/content-types/${ARTICLE}/actions`))).toEqual(['export-csv']);
      const res = await app.withToken(token).post(actionUrl(ARTICLE, 'update-field', 'run')).send({ selection: { documentIds: ids }, params: { field: 'stage', value: 'review' } });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe('You need the "update" permission on api::article.article to run "Update a field"');
    });

    it('refuses a content type the user cannot read with 403', async () => {
      const res = await app.as('author').get(`/bulk-actions/content-types/${EXTRACTION_CONFIG}/actions`);
      expect(res.status).toBe(403);
    });

    it.each([
      ['get', `/bulk-actions/content-types/api::nope.nope/actions`, 404, 'Unknown content type "api::nope.nope" (bulk actions act on collection types)'],
      ['post', actionUrl(ARTICLE, 'fly', 'run'), 404, 'Unknown action "fly" for api::article.article'],
      ['post', actionUrl(ARTICLE, 'delete', 'run'), 403, 'The action "delete" is not enabled for api::article.article'],
    ] as const)('%s %s → %i', async (method, url, status, message) => {
      const res = await app.as('editor')[method](url).send({ selection: { documentIds: ids } });
      expect(res.status).toBe(status);
      expect(res.body.error.message).toBe(message);
    });

    const RUN = actionUrl(ARTICLE, 'update-field', 'run');
    const params = { field: 'stage', value: 'review' };
    it.each([
      [{ selection: { documentIds: [] }, params }, 'body.selection.documentIds: must not be empty'],
      [{ selection: { documentIds: [1, 2] }, params }, 'body.selection.documentIds.0: must be a string; body.selection.documentIds.1: must be a string'],
      [{ selection: { documentIds: ['a'], query: {} }, params }, "body.selection: Unrecognized key(s) in object: 'query'"],
      [{ selection: {}, params }, 'body.selection.documentIds: Required'],
      [{ params }, 'body.selection: Required'],
      [{ selection: { query: { filters: {}, sort: 'title' } }, params }, "body.selection.query: Unrecognized key(s) in object: 'sort'"],
      [{ selection: { documentIds: ['a'] }, params, force: true }, "body: Unrecognized key(s) in object: 'force'"],
      [{ selection: { documentIds: ['a'] }, params: 'stage=review' }, 'body.params: Expected object, received string'],
      [{ selection: { documentIds: ['a'] }, params, locale: 'de' }, 'locale: unknown locale "de"'],
      [{ selection: { documentIds: ['a'] }, params, idempotencyKey: '' }, 'body.idempotencyKey: String must contain at least 1 character(s)'],
    ])('refuses bad body %j with 400 and changes nothing', async (body, message) => {
      const before = await snapshotArticles(app);
      const res = await app.as('editor').post(RUN).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(message);
      expect(await snapshotArticles(app)).toEqual(before);
    });

    it('refuses a locale on a content type without i18n', async () => {
      await app.enableActions(CATEGORY, ['update-field']);
      const res = await app.as('editor').post(actionUrl(CATEGORY, 'update-field', 'preview')).send({ selection: { documentIds: ['abc'] }, locale: 'en' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('locale: api::category.category is not localized');
    });

    it('deduplicates ids, and refuses oversized (even duplicate-laden) lists', async () => {
      const preview = await app.as('editor').post(actionUrl(ARTICLE, 'update-field', 'preview')).send({ selection: { documentIds: [ids[0], ids[0], ids[1]] } });
      expect(preview.body.data).toMatchObject({ total: 2, actionable: 2 });
      app.strapi.config.set('plugin::bulk-actions.maxSelection', 5);
      try {
        const res = await app.as('editor').post(RUN).send({ selection: { documentIds: Array(6).fill(ids[0]) }, params });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe('body.selection.documentIds: must not hold more than 5 ids');
      } finally {
        app.strapi.config.set('plugin::bulk-actions.maxSelection', 10_000);
      }
    });

    it('refuses bad run-list queries with 400', async () => {
      for (const [query, message] of [
        ['pageSize=1000', 'query.pageSize: Number must be less than or equal to 100'],
        ['status=done', "query.status: Invalid enum value. Expected 'scheduled' | 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted' | 'cancelled', received 'done'"],
        ['sort=id', "query: Unrecognized key(s) in object: 'sort'"],
      ]) {
        const res = await app.as('admin').get(`/bulk-actions/runs?${query}`);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe(message);
      }
      expect((await app.as('admin').get('/bulk-actions/runs/abc')).status).toBe(400);
    });
  });
});
