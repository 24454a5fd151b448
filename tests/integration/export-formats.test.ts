import ExcelJS from 'exceljs';
import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, EXTRACTION_CONFIG, actionUrl, followRun, insertArticles } from '../helpers/content';

const EXPORT_URL = actionUrl(ARTICLE, 'export-csv', 'run');
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ALL_FIELDS = ['title', 'body', 'stage', 'views', 'featured', 'rating', 'releaseDate', 'category', 'tags'];
/** exports over this many entries are queued for the worker (playground config, set for this file) */
const EXPORT_THRESHOLD = 50;
const JOB_ROWS = 1_200;

type DbArticle = {
  id: number;
  document_id: string;
  locale: string;
  title: string | null;
  body: string | null;
  stage: string | null;
  views: number | null;
  featured: number | boolean | null;
  rating: number | string | null;
  release_date: string | Date | null;
  category_document_id: string | null;
  /** the tags' documentIds in the edit view's order */
  tag_document_ids: string[];
};

const binary = (res: any, callback: (error: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (part: Buffer) => parts.push(part));
  res.on('end', () => callback(null, Buffer.concat(parts)));
};

/** A workbook's first sheet as rows of [value, cell type] read back by exceljs' reader (row 1: the header). */
const readSheet = async (bytes: Buffer) => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as any);
  expect(workbook.worksheets).toHaveLength(1);
  const sheet = workbook.worksheets[0];
  const rows: ExcelJS.Cell[][] = [];
  // columnCount walks every row: read it once
  const columns = sheet.columnCount;
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const cells: ExcelJS.Cell[] = [];
    for (let i = 1; i <= columns; i += 1) cells.push(row.getCell(i));
    rows.push(cells);
  });
  return rows;
};

const bool = (value: number | boolean | null) => (value === null ? null : Boolean(value));

describe('export formats: JSON and XLSX next to CSV', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await bootPlayground({ env: { BULK_ACTIONS_EXPORT_THRESHOLD: String(EXPORT_THRESHOLD), BULK_ACTIONS_POLL_MS: '50' } });
    await app.enableActions(ARTICLE, ['export-csv']);
    await app.enableActions(EXTRACTION_CONFIG, ['export-csv']);
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Draft rows of one locale with the related category's documentId, in table order. */
  const draftRows = async (locale: string, where: (q: any) => any = (q) => q): Promise<DbArticle[]> => {
    const rows = await where(
      app
        .knex()('articles as a')
        .leftJoin('articles_category_lnk as l', 'l.article_id', 'a.id')
        .leftJoin('categories as c', 'c.id', 'l.category_id')
        .where('a.locale', locale)
        .whereNull('a.published_at')
        .orderBy('a.id')
    ).select('a.*', 'c.document_id as category_document_id');
    const links = await app.knex()('articles_tags_lnk as l').join('tags as t', 't.id', 'l.tag_id').orderBy(['l.article_id', 'l.tag_ord']).select('l.article_id', 't.document_id');
    return rows.map((row: any) => ({ ...row, tag_document_ids: links.filter((link: any) => link.article_id === row.id).map((link: any) => link.document_id) }));
  };

  /** A date column as the database answers it (text on SQLite, a Date on PostgreSQL), as YYYY-MM-DD. */
  const day = (value: string | Date | null) => (value === null ? null : value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10));

  /** What a JSON entry of a database row must be: typed, a to-one relation as its documentId. */
  const expectedEntry = (row: DbArticle, fields = ALL_FIELDS) => {
    const all: Record<string, unknown> = {
      title: row.title,
      body: row.body,
      stage: row.stage,
      views: row.views,
      featured: bool(row.featured),
      rating: row.rating === null ? null : Number(row.rating),
      releaseDate: day(row.release_date),
      category: row.category_document_id ?? null,
      tags: row.tag_document_ids,
    };
    return { documentId: row.document_id, locale: row.locale, ...Object.fromEntries(fields.map((field) => [field, all[field]])) };
  };

  /** What a sheet row of a database row must be: [value, exceljs value type] per cell. */
  const expectedSheetRow = (row: DbArticle, fields = ALL_FIELDS) => {
    const entry = expectedEntry(row, fields) as Record<string, unknown>;
    return ['documentId', 'locale', ...fields].map((name) => {
      const value = entry[name];
      if (value === null || value === undefined) return [null, ExcelJS.ValueType.Null];
      // a date is a date cell (UTC midnight); a to-many relation one text cell of documentIds, empty when none
      if (name === 'releaseDate') return [new Date(`${value}T00:00:00.000Z`), ExcelJS.ValueType.Date];
      if (Array.isArray(value)) return value.length ? [value.join(', '), ExcelJS.ValueType.String] : [null, ExcelJS.ValueType.Null];
      if (typeof value === 'number') return [value, ExcelJS.ValueType.Number];
      if (typeof value === 'boolean') return [value, ExcelJS.ValueType.Boolean];
      return [value, ExcelJS.ValueType.String];
    });
  };
  const asPairs = (rows: ExcelJS.Cell[][]) => rows.map((cells) => cells.map((cell) => [cell.value ?? null, cell.type]));

  const exportOf = (selected: DbArticle[], params: Record<string, unknown>, accept?: string) => {
    const req = app.as('editor').post(EXPORT_URL);
    if (accept) req.set('Accept', accept);
    return req.send({ selection: { documentIds: selected.map((row) => row.document_id) }, params }).buffer(true).parse(binary);
  };

  it('streams a JSON array of the selected entries, every value typed, nothing neutralised', async () => {
    const selected = (await draftRows('en')).slice(0, 10);
    // a title a spreadsheet would run: JSON keeps it as it is
    await app.knex()('articles').where({ id: selected[0].id }).update({ title: '=1+1' });
    selected[0].title = '=1+1';

    const res = await exportOf(selected, { format: 'json' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="articles-\d{4}-\d{2}-\d{2}\.json"$/);
    const entries = JSON.parse(res.body.toString('utf8'));
    expect(entries).toEqual(selected.map((row) => expectedEntry(row)));
    expect(entries[0].title).toBe('=1+1');
    for (const entry of entries) {
      expect(typeof entry.views).toBe('number');
      expect(typeof entry.featured).toBe('boolean');
      expect(typeof entry.title).toBe('string');
    }
    const run = await app.knex()('bulk_actions_runs').where({ id: Number(res.headers['x-bulk-actions-run-id']) }).first();
    expect(run).toMatchObject({ action: 'export-csv', status: 'succeeded', succeeded: 10 });
  });

  it('streams an XLSX workbook: the CSV columns, cells typed, a title starting with = a string cell', async () => {
    const selected = (await draftRows('en')).slice(0, 10);
    await app.knex()('articles').where({ id: selected[1].id }).update({ title: '=HYPERLINK("http://x","y")' });
    selected[1].title = '=HYPERLINK("http://x","y")';

    const res = await exportOf(selected, { format: 'xlsx' }, XLSX_TYPE);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX_TYPE);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="articles-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const rows = await readSheet(res.body);
    const [header, ...cells] = rows;
    expect(header.map((cell) => cell.value)).toEqual(['documentId', 'locale', ...ALL_FIELDS]);
    expect(asPairs(cells)).toEqual(selected.map((row) => expectedSheetRow(row)));
    // the formula-looking titles: string cells with no formula
    for (const index of [0, 1]) {
      const title = cells[index][2];
      expect(title.type).toBe(ExcelJS.ValueType.String);
      expect(title.formula).toBeUndefined();
      expect(title.value).toBe(selected[index].title);
    }
  });

  it('stores the file for a JSON-only client (the admin) and serves it from the run, the same every time', async () => {
    const selected = (await draftRows('en')).slice(0, 12);
    for (const [format, type, extension] of [['json', 'application/json; charset=utf-8', 'json'], ['xlsx', XLSX_TYPE, 'xlsx']]) {
      const res = await app
        .as('editor')
        .post(EXPORT_URL)
        .set('Accept', 'application/json')
        .send({ selection: { documentIds: selected.map((row) => row.document_id) }, params: { format, fields: ['title', 'views', 'featured'] } });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const run = res.body.data.run;
      expect(run).toMatchObject({ status: 'succeeded', total: 12, succeeded: 12, params: { format } });
      expect(run.download).toEqual({ name: expect.stringMatching(new RegExp(`^articles-\\d{4}-\\d{2}-\\d{2}\\.${extension}$`)), contentType: type });

      const download = () => app.as('editor').get(`/bulk-actions/runs/${run.id}/download`).buffer(true).parse(binary);
      const file = await download();
      expect(file.status).toBe(200);
      expect(file.headers['content-type']).toBe(type);
      const fields = ['title', 'views', 'featured'];
      if (format === 'json') {
        expect(JSON.parse(file.body.toString('utf8'))).toEqual(selected.map((row) => expectedEntry(row, fields)));
        // the same bytes as the streamed file of the same selection
        expect(file.body.toString('utf8')).toBe((await exportOf(selected, { format, fields })).body.toString('utf8'));
      } else {
        const [header, ...cells] = await readSheet(file.body);
        expect(header.map((cell) => cell.value)).toEqual(['documentId', 'locale', ...fields]);
        expect(asPairs(cells)).toEqual(selected.map((row) => expectedSheetRow(row, fields)));
        // assembled from the run's parts on each download: byte for byte the same workbook
        expect(Buffer.compare((await download()).body, file.body)).toBe(0);
      }
      expect((await app.as('author').get(`/bulk-actions/runs/${run.id}/download`)).status).toBe(404);
    }
  });

  it('writes date-times as date cells (XLSX) and ISO 8601 text (JSON), booleans as booleans', async () => {
    const configs = await app.knex()('extraction_configs').orderBy('id').limit(6).select('id', 'document_id');
    const stamps = configs.map((_row: unknown, index: number) => (index % 3 === 2 ? null : new Date(Date.UTC(2026, 0, 10 + index, 8, 30, 15))));
    for (const [index, row] of configs.entries()) {
      await app.strapi.db.query(EXTRACTION_CONFIG as any).update({ where: { id: row.id }, data: { lastRunAt: stamps[index] } });
    }
    const db = await app.knex()('extraction_configs').whereIn('id', configs.map((row: any) => row.id)).orderBy('id');
    const send = (format: string) =>
      app
        .as('editor')
        .post(actionUrl(EXTRACTION_CONFIG, 'export-csv', 'run'))
        .send({ selection: { documentIds: configs.map((row: any) => row.document_id) }, params: { format, fields: ['name', 'lastRunAt', 'enabled'] } })
        .buffer(true)
        .parse(binary);

    const json = JSON.parse((await send('json')).body.toString('utf8'));
    expect(json).toEqual(
      db.map((row: any, index: number) => ({
        documentId: row.document_id,
        name: row.name,
        lastRunAt: stamps[index] ? stamps[index]!.toISOString() : null,
        enabled: Boolean(row.enabled),
      }))
    );

    const [header, ...cells] = await readSheet((await send('xlsx')).body);
    // no locale column: the content type is not localized
    expect(header.map((cell) => cell.value)).toEqual(['documentId', 'name', 'lastRunAt', 'enabled']);
    cells.forEach((row, index) => {
      expect(row[1].value).toBe(db[index].name);
      expect(row[3].type).toBe(ExcelJS.ValueType.Boolean);
      expect(row[3].value).toBe(Boolean(db[index].enabled));
      if (stamps[index]) {
        expect(row[2].type).toBe(ExcelJS.ValueType.Date);
        expect((row[2].value as Date).getTime()).toBe(stamps[index]!.getTime());
        expect(row[2].numFmt).toBe('yyyy-mm-dd hh:mm:ss');
      } else {
        expect(row[2].type).toBe(ExcelJS.ValueType.Null);
      }
    });
  });

  describe('field-level permissions', () => {
    let token: string;
    const fields = ['title', 'stage', 'views', 'featured', 'category'];

    beforeAll(async () => {
      ({ token } = await app.userWithRole('Reader Without Body', [
        { action: 'plugin::content-manager.explorer.read', subject: ARTICLE, properties: { fields, locales: ['en', 'fr'] } },
      ]));
    });

    it('leaves out the fields the role may not read, in both formats', async () => {
      const selected = (await draftRows('en')).slice(0, 4);
      const send = (format: string) =>
        app.withToken(token).post(EXPORT_URL).send({ selection: { documentIds: selected.map((row) => row.document_id) }, params: { format } }).buffer(true).parse(binary);

      const json = await send('json');
      expect(json.status).toBe(200);
      expect(JSON.parse(json.body.toString('utf8'))).toEqual(selected.map((row) => expectedEntry(row, fields)));
      expect(json.body.toString('utf8')).not.toContain('Body of article');

      const [header, ...cells] = await readSheet((await send('xlsx')).body);
      expect(header.map((cell) => cell.value)).toEqual(['documentId', 'locale', ...fields]);
      expect(asPairs(cells)).toEqual(selected.map((row) => expectedSheetRow(row, fields)));
    });

    it('refuses with 403 naming the field when the role asks for a field it may not read', async () => {
      const selected = (await draftRows('en')).slice(0, 2);
      for (const format of ['json', 'xlsx']) {
        const res = await app
          .withToken(token)
          .post(EXPORT_URL)
          .send({ selection: { documentIds: selected.map((row) => row.document_id) }, params: { format, fields: ['body'] } });
        expect(res.status).toBe(403);
        expect(res.body.error.message).toMatch(/"body"/);
      }
    });
  });

  it('refuses an unknown format with a 400 naming params.format, before any run is made', async () => {
    const selected = (await draftRows('en')).slice(0, 2);
    const runsBefore = Number((await app.knex()('bulk_actions_runs').count({ n: '*' }).first())!.n);
    for (const format of ['pdf', 'XLSX', null, 3]) {
      const res = await app
        .as('editor')
        .post(EXPORT_URL)
        .send({ selection: { documentIds: selected.map((row) => row.document_id) }, params: { format } });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/params\.format/);
      expect(res.body.error.details.errors[0].path).toEqual(['params', 'format']);
    }
    expect(Number((await app.knex()('bulk_actions_runs').count({ n: '*' }).first())!.n)).toBe(runsBefore);
  });

  it('offers the format in the action form: csv (the default), json, xlsx', async () => {
    const res = await app.as('editor').get(`/bulk-actions/content-types/${ARTICLE}/actions`);
    const form = res.body.data.find((action: any) => action.name === 'export-csv').form;
    expect(form.find((field: any) => field.name === 'format')).toMatchObject({ type: 'enumeration', enum: ['csv', 'json', 'xlsx'], default: 'csv', required: true });
  });

  describe(`queued exports (over ${EXPORT_THRESHOLD} entries): the worker writes the parts, the download assembles the file`, () => {
    let rows: DbArticle[];

    beforeAll(async () => {
      await insertArticles(app, JOB_ROWS, { prefix: 'Fmt', stage: 'review' });
      // a few hundred views and one formula-looking title among them
      await app.knex()('articles').where('title', 'like', 'Fmt %').update({ views: app.knex().raw('id % 997') });
      await app.knex()('articles').where('title', 'Fmt 7').update({ title: '=SUM(A1:A9)' });
      rows = await draftRows('en', (q) => q.where((w: any) => w.where('a.title', 'like', 'Fmt %').orWhere('a.title', '=SUM(A1:A9)')));
      expect(rows).toHaveLength(JOB_ROWS);
    });

    const queued = async (format: string, fields: string[]) => {
      const selection = { documentIds: rows.map((row) => row.document_id) };
      const res = await app.as('editor').post(EXPORT_URL).send({ selection, params: { format, fields } });
      expect(res.status).toBe(202);
      const [final] = (await followRun(() => app.as('editor'), res.body.data.run.id, undefined, { intervalMs: 100 })).slice(-1);
      expect(final).toMatchObject({ status: 'succeeded', total: JOB_ROWS, succeeded: JOB_ROWS });
      // several parts of the file: a run's first call takes one chunk, the next ones (while quick) several
      const parts = await app.knex()('bulk_actions_run_output_parts').where({ run_id: final.id }).count({ n: '*' }).first();
      expect(Number(parts!.n)).toBeGreaterThanOrEqual(2);
      return { final, download: () => app.as('editor').get(`/bulk-actions/runs/${final.id}/download`).buffer(true).parse(binary) };
    };

    it('XLSX: every row, cell by cell, from parts several chunks wrote', async () => {
      const fields = ['title', 'views', 'featured', 'stage'];
      const { final, download } = await queued('xlsx', fields);
      expect(final.download).toMatchObject({ contentType: XLSX_TYPE, name: expect.stringMatching(/\.xlsx$/) });
      const file = await download();
      expect(file.status).toBe(200);
      expect(file.headers['content-type']).toBe(XLSX_TYPE);
      const [header, ...cells] = await readSheet(file.body);
      expect(header.map((cell) => cell.value)).toEqual(['documentId', 'locale', ...fields]);
      expect(asPairs(cells)).toEqual(rows.map((row) => expectedSheetRow(row, fields)));
      const formula = cells.find((row) => row[2].value === '=SUM(A1:A9)')!;
      expect(formula[2].type).toBe(ExcelJS.ValueType.String);
      expect(formula[2].formula).toBeUndefined();
      expect(Buffer.compare((await download()).body, file.body)).toBe(0);
    });

    it('JSON: one array of every entry, from parts several chunks wrote', async () => {
      const fields = ['title', 'views', 'featured', 'category'];
      const { final, download } = await queued('json', fields);
      expect(final.download).toMatchObject({ contentType: 'application/json; charset=utf-8', name: expect.stringMatching(/\.json$/) });
      const file = await download();
      expect(file.status).toBe(200);
      expect(JSON.parse(file.body.toString('utf8'))).toEqual(rows.map((row) => expectedEntry(row, fields)));
    });
  });
});
