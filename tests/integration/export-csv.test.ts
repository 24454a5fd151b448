import Papa from 'papaparse';
import { bootPlayground, type TestApp } from '../helpers/strapi';

const ARTICLE = 'api::article.article';
const EXPORT_URL = `/bulk-actions/content-types/${ARTICLE}/actions/export-csv/run`;
// media and component fields are not exported (see the README); to-many relations are documentIds
const ALL_FIELDS = ['title', 'body', 'stage', 'views', 'featured', 'rating', 'releaseDate', 'category', 'tags'];

type DbArticle = {
  id: number;
  document_id: string;
  locale: string;
  title: string | null;
  body: string | null;
  stage: string | null;
  views: number | null;
  featured: number | boolean | null;
  published_at: unknown;
  created_by_id: number | null;
  category_document_id: string | null;
  rating: number | string | null;
  release_date: string | null;
  tag_document_ids: string[];
};

/** Parses a CSV body the way a spreadsheet importer would: CRLF lines, a final CRLF, no parse errors. */
const parseCsv = (text: string): string[][] => {
  expect(text.endsWith('\r\n')).toBe(true);
  const parsed = Papa.parse<string[]>(text.slice(0, -2), { newline: '\r\n' });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
};

const todayUtc = () => new Date().toISOString().slice(0, 10);

describe('export-csv: the built-in "Export as CSV" action', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await bootPlayground();
    await app.enableActions(ARTICLE, ['export-csv']);
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Draft rows of one locale, with the documentId of the related category, in table order. */
  const draftRows = async (locale: string): Promise<DbArticle[]> => {
    const rows = await app
      .knex()('articles as a')
      .leftJoin('articles_category_lnk as l', 'l.article_id', 'a.id')
      .leftJoin('categories as c', 'c.id', 'l.category_id')
      .where('a.locale', locale)
      .whereNull('a.published_at')
      .orderBy('a.id')
      .select('a.*', 'c.document_id as category_document_id');
    // the tags of each row in the edit view's order (the link table's order column)
    const links = await app.knex()('articles_tags_lnk as l').join('tags as t', 't.id', 'l.tag_id').orderBy(['l.article_id', 'l.tag_ord']).select('l.article_id', 't.document_id');
    return rows.map((row: any) => ({ ...row, tag_document_ids: links.filter((l: any) => l.article_id === row.id).map((l: any) => l.document_id) }));
  };

  /** What the CSV line of a database row must be (seeded values hold no formula characters). */
  const expectedLine = (row: DbArticle, fields: string[]) => [
    row.document_id,
    row.locale,
    ...fields.map((field) => {
      switch (field) {
        case 'views':
          return row.views === null ? '' : String(row.views);
        case 'featured':
          return row.featured === null ? '' : row.featured ? 'true' : 'false';
        case 'category':
          return row.category_document_id ?? '';
        case 'tags':
          return row.tag_document_ids.join(', ');
        case 'rating':
          return row.rating === null ? '' : String(Number(row.rating));
        case 'releaseDate':
          return row.release_date ?? '';
        default:
          return (row as any)[field] ?? '';
      }
    }),
  ];

  const runRow = (id: number) => app.knex()('bulk_actions_runs').where({ id }).first();

  it('answers a CSV attachment of the selected entries (their en draft rows) with every readable field', async () => {
    const en = await draftRows('en');
    // the first eight documents: every stage, one published (draft + published rows), some with a fr version
    const selected = en.slice(0, 8);
    const before = todayUtc();
    const res = await app
      .as('editor')
      .post(EXPORT_URL)
      .send({ selection: { documentIds: selected.map((row) => row.document_id) } })
      .buffer(true)
      .parse((response, callback) => {
        let data = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (data += chunk));
        response.on('end', () => callback(null, data));
      });
    const after = todayUtc();

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const disposition = /^attachment; filename="articles-(\d{4}-\d{2}-\d{2})\.csv"$/.exec(res.headers['content-disposition']);
    expect(disposition).not.toBeNull();
    expect([before, after]).toContain(disposition![1]);
    expect(res.headers['x-bulk-actions-run-id']).toMatch(/^\d+$/);

    const text = res.body as string;
    expect(text.startsWith(`documentId,locale,${ALL_FIELDS.join(',')}\r\n`)).toBe(true);
    const [header, ...lines] = parseCsv(text);
    expect(header).toEqual(['documentId', 'locale', ...ALL_FIELDS]);
    expect(lines).toEqual(selected.map((row) => expectedLine(row, ALL_FIELDS)));
    // one line per document, never its published row or another locale's
    expect(lines).toHaveLength(8);
    expect(lines.every((line) => line[1] === 'en')).toBe(true);

    // the audit log has the export
    const run = await runRow(Number(res.headers['x-bulk-actions-run-id']));
    expect(run).toMatchObject({
      action: 'export-csv',
      content_type: ARTICLE,
      locale: 'en',
      user_id: app.seeded.users.editor.id,
      status: 'succeeded',
      total: 8,
      succeeded: lines.length,
      skipped: 0,
      failed: 0,
    });
  });

  it('answers the run as JSON to a client that accepts only JSON, and serves the same bytes from the run afterwards', async () => {
    const selected = (await draftRows('en')).slice(0, 6);
    const send = (accept: string) =>
      app
        .as('editor')
        .post(EXPORT_URL)
        .set('Accept', accept)
        .send({ selection: { documentIds: selected.map((row) => row.document_id) }, params: { fields: ['title', 'views'] } });
    const streamed = await send('text/csv');
    expect(streamed.status).toBe(200);
    expect(streamed.headers['content-type']).toMatch(/^text\/csv/);

    const res = await send('application/json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const run = res.body.data.run;
    expect(run).toMatchObject({ action: 'export-csv', status: 'succeeded', total: 6, succeeded: 6 });
    expect(run.download).toEqual({ name: expect.stringMatching(/^articles-\d{4}-\d{2}-\d{2}\.csv$/), contentType: 'text/csv; charset=utf-8' });

    const file = await app.as('editor').get(`/bulk-actions/runs/${run.id}/download`);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toMatch(/^text\/csv/);
    expect(file.text).toBe(streamed.text);
    // the file is its owner's, as for a queued export
    expect((await app.as('author').get(`/bulk-actions/runs/${run.id}/download`)).status).toBe(404);
  });

  it('writes exactly the fields asked for in params.fields', async () => {
    const selected = (await draftRows('en')).slice(0, 5);
    const res = await app
      .as('editor')
      .post(EXPORT_URL)
      .send({ selection: { documentIds: selected.map((row) => row.document_id) }, params: { fields: ['title', 'views'] } });

    expect(res.status).toBe(200);
    const text = res.text;
    expect(text.startsWith('documentId,locale,title,views\r\n')).toBe(true);
    const [header, ...lines] = parseCsv(text);
    expect(header).toEqual(['documentId', 'locale', 'title', 'views']);
    expect(lines).toEqual(selected.map((row) => [row.document_id, 'en', row.title, String(row.views)]));
  });

  it("writes a relation as the related entry's documentId", async () => {
    const selected = (await draftRows('en')).slice(0, 6);
    expect(selected.every((row) => row.category_document_id)).toBe(true);
    const res = await app
      .as('editor')
      .post(EXPORT_URL)
      .send({ selection: { documentIds: selected.map((row) => row.document_id) }, params: { fields: ['category'] } });

    expect(res.status).toBe(200);
    const [header, ...lines] = parseCsv(res.text);
    expect(header).toEqual(['documentId', 'locale', 'category']);
    const categories = await app.knex()('categories').select('document_id');
    const categoryIds = new Set(categories.map((c: { document_id: string }) => c.document_id));
    expect(lines).toEqual(selected.map((row) => [row.document_id, 'en', row.category_document_id]));
    expect(lines.every((line) => categoryIds.has(line[2]))).toBe(true);
  });

  it('neutralises cells a spreadsheet would run as a formula, and leaves numbers alone', async () => {
    // the last articles in the "trash" stage: the other tests of this file read the first rows only
    const trash = (await draftRows('en')).filter((row) => row.stage === 'trash');
    const hostile = ['=1+1', '@x', '+1', '-1+1', '\tX', '\rX'];
    const targets = trash.slice(-(hostile.length + 1));
    expect(targets).toHaveLength(hostile.length + 1);
    expect(targets[0].id).toBeGreaterThan((await draftRows('en'))[9].id);
    // written straight through the query engine: no validation, as an import or a bug might
    for (const [index, title] of hostile.entries()) {
      await app.strapi.db.query(ARTICLE).update({ where: { id: targets[index].id }, data: { title } });
    }
    const negative = targets[hostile.length];
    await app.strapi.db.query(ARTICLE).update({ where: { id: negative.id }, data: { views: -5 } });

    const res = await app
      .as('editor')
      .post(EXPORT_URL)
      .send({ selection: { documentIds: targets.map((row) => row.document_id) }, params: { fields: ['title', 'views'] } });

    expect(res.status).toBe(200);
    const [header, ...lines] = parseCsv(res.text);
    expect(header).toEqual(['documentId', 'locale', 'title', 'views']);
    const byId = new Map(lines.map((line) => [line[0], line]));
    expect(lines).toHaveLength(targets.length);
    hostile.forEach((title, index) => {
      const row = targets[index];
      expect(byId.get(row.document_id)).toEqual([row.document_id, 'en', `'${title}`, String(row.views)]);
    });
    expect(byId.get(negative.document_id)).toEqual([negative.document_id, 'en', negative.title, '-5']);
    // the bytes: the quote comes first in the cell, the number has none
    expect(res.text).toContain(`${targets[0].document_id},en,'=1+1,`);
    expect(res.text).toContain(`${negative.document_id},en,${negative.title},-5\r\n`);
  });

  describe('field-level permissions', () => {
    let token: string;

    beforeAll(async () => {
      ({ token } = await app.userWithRole('Reader Without Body', [
        {
          action: 'plugin::content-manager.explorer.read',
          subject: ARTICLE,
          properties: { fields: ['title', 'stage', 'views', 'featured', 'category'], locales: ['en', 'fr'] },
        },
      ]));
    });

    it('leaves out the fields the role may not read', async () => {
      const selected = (await draftRows('en')).slice(0, 3);
      const res = await app
        .withToken(token)
        .post(EXPORT_URL)
        .send({ selection: { documentIds: selected.map((row) => row.document_id) } });

      expect(res.status).toBe(200);
      const [header, ...lines] = parseCsv(res.text);
      const fields = ['title', 'stage', 'views', 'featured', 'category'];
      expect(header).toEqual(['documentId', 'locale', ...fields]);
      expect(header).not.toContain('body');
      expect(lines).toEqual(selected.map((row) => expectedLine(row, fields)));
      expect(res.text).not.toContain('Body of article');
    });

    it('refuses with 403 naming the field when the role asks for a field it may not read', async () => {
      const selected = (await draftRows('en')).slice(0, 3);
      const res = await app
        .withToken(token)
        .post(EXPORT_URL)
        .send({ selection: { documentIds: selected.map((row) => row.document_id) }, params: { fields: ['body'] } });

      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/json/);
      expect(res.body.error.message).toMatch(/"body"/);
      expect(res.text).not.toContain('Body of article');
    });
  });

  it('exports every entry matching a query selection: the en drafts in review', async () => {
    const expected = (await draftRows('en')).filter((row) => row.stage === 'review');
    expect(expected.length).toBeGreaterThan(0);
    const res = await app
      .as('editor')
      .post(EXPORT_URL)
      .send({ selection: { query: { filters: { stage: { $eq: 'review' } } } } });

    expect(res.status).toBe(200);
    const [header, ...lines] = parseCsv(res.text);
    expect(header).toEqual(['documentId', 'locale', ...ALL_FIELDS]);
    expect(lines).toEqual(expected.map((row) => expectedLine(row, ALL_FIELDS)));

    const run = await runRow(Number(res.headers['x-bulk-actions-run-id']));
    expect(run).toMatchObject({ action: 'export-csv', selection_kind: 'query', status: 'succeeded', succeeded: expected.length });
  });

  it("exports only the fr rows with locale 'fr'", async () => {
    const fr = await draftRows('fr');
    const en = await draftRows('en');
    const frIds = new Set(fr.map((row) => row.document_id));
    const enOnly = en.filter((row) => !frIds.has(row.document_id)).slice(0, 2);
    const selectedFr = fr.slice(0, 4);
    expect(selectedFr).toHaveLength(4);

    const res = await app
      .as('editor')
      .post(EXPORT_URL)
      .send({
        locale: 'fr',
        selection: { documentIds: [...selectedFr, ...enOnly].map((row) => row.document_id) },
        params: { fields: ['title', 'views'] },
      });

    expect(res.status).toBe(200);
    const [header, ...lines] = parseCsv(res.text);
    expect(header).toEqual(['documentId', 'locale', 'title', 'views']);
    expect(lines).toEqual(selectedFr.map((row) => [row.document_id, 'fr', row.title, String(row.views)]));
    expect(lines.every((line) => line[1] === 'fr' && / \(fr\)$/.test(line[2]))).toBe(true);

    const run = await runRow(Number(res.headers['x-bulk-actions-run-id']));
    expect(run).toMatchObject({ action: 'export-csv', locale: 'fr', total: 6, succeeded: 4, skipped: 2 });
  });
});
