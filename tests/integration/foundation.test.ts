import { bootPlayground, type TestApp } from '../helpers/strapi';

const ARTICLE = 'api::article.article';
const CM_ARTICLES = `/content-manager/collection-types/${ARTICLE}`;

describe('foundation: the playground boots with the plugin', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await bootPlayground();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('loads the bulk-actions plugin with its services', () => {
    const plugin = app.strapi.plugin('bulk-actions');
    expect(plugin).toBeDefined();
    expect(typeof plugin.service('content-types').list).toBe('function');
  });

  it('serves the demo app\'s favicon (every admin page asks for it)', async () => {
    const res = await app.anonymous().get('/favicon.ico').buffer(true);
    expect(res.status).toBe(200);
    expect(Buffer.from(res.body).subarray(1, 4).toString()).toBe('PNG');
  });

  it('answers GET /bulk-actions/info with 401 without a token', async () => {
    const res = await app.anonymous().get('/bulk-actions/info');
    expect(res.status).toBe(401);
  });

  it.each(['admin', 'editor', 'author'] as const)('answers GET /bulk-actions/info with 200 for the %s', async (role) => {
    const res = await app.as(role).get('/bulk-actions/info');
    expect(res.status).toBe(200);
    expect(res.body.data.plugin).toBe('bulk-actions');
    expect(res.body.data.version).toBe(require('../../package.json').version);
    const uids = res.body.data.contentTypes.map((ct: { uid: string }) => ct.uid);
    expect(uids).toContain(ARTICLE);
    const article = res.body.data.contentTypes.find((ct: { uid: string }) => ct.uid === ARTICLE);
    expect(article).toEqual({ uid: ARTICLE, displayName: 'Article', draftAndPublish: true, localized: true });
  });

  it('lists only content types the user may read', async () => {
    const editor = await app.as('editor').get('/bulk-actions/info');
    const author = await app.as('author').get('/bulk-actions/info');
    const uids = (res: { body: any }) => res.body.data.contentTypes.map((ct: { uid: string }) => ct.uid);
    expect(uids(editor)).toContain('api::extraction-config.extraction-config');
    // the Author role has no permission on extraction configs
    expect(uids(author)).not.toContain('api::extraction-config.extraction-config');
  });

  describe('the Author RBAC fixture (is-creator on update)', () => {
    const draftRowsOf = (creatorId: number) =>
      app
        .knex()('articles')
        .where({ created_by_id: creatorId, locale: 'en' })
        .whereNull('published_at')
        .orderBy('id')
        .select('document_id', 'title');

    it('lets the Author update an article it created', async () => {
      const [own] = await draftRowsOf(app.seeded.users.author.id);
      const res = await app
        .as('author')
        .put(`${CM_ARTICLES}/${own.document_id}?locale=en`)
        .send({ title: 'Changed by its author' });
      expect(res.status).toBe(200);
      const row = await app
        .knex()('articles')
        .where({ document_id: own.document_id, locale: 'en' })
        .whereNull('published_at')
        .first();
      expect(row.title).toBe('Changed by its author');
    });

    it("refuses the Author's update of another user's article with 403 and leaves it untouched", async () => {
      const [other] = await draftRowsOf(app.seeded.users.editor.id);
      const res = await app
        .as('author')
        .put(`${CM_ARTICLES}/${other.document_id}?locale=en`)
        .send({ title: 'Hijacked' });
      expect(res.status).toBe(403);
      const row = await app
        .knex()('articles')
        .where({ document_id: other.document_id, locale: 'en' })
        .whereNull('published_at')
        .first();
      expect(row.title).toBe(other.title);
    });
  });
});
