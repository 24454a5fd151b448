import crypto from 'crypto';
import http from 'http';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, actionUrl, followRun } from '../helpers/content';

/**
 * Update from a file: uploads kept in the database for their owner, the export uploaded back
 * unchanged as a run of 0 changes (CSV and XLSX, both locales), a file's changes applied per entry
 * with an outcome for each, changed-since, undo, and bad files refused before anything changes.
 */
const UPLOADS = '/bulk-actions/uploads';
const EXPORT_URL = actionUrl(ARTICLE, 'export-csv', 'run');
const RUN_URL = actionUrl(ARTICLE, 'update-from-file', 'run');
const FIELDS = ['title', 'body', 'stage', 'views', 'featured', 'rating', 'releaseDate', 'category', 'tags'];
const MAX_BYTES = 200_000;

const binary = (res: any, callback: (error: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (part: Buffer) => parts.push(part));
  res.on('end', () => callback(null, Buffer.concat(parts)));
};

describe('update from a file', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await bootPlayground({ articles: 24, env: { BULK_ACTIONS_UPLOAD_MAX_BYTES: String(MAX_BYTES), BULK_ACTIONS_POLL_MS: '100' } });
    await app.enableActions(ARTICLE, ['export-csv', 'update-from-file']);
  });
  afterAll(async () => {
    await app?.close();
  });

  const enDrafts = async (locale = 'en') =>
    (await app.knex()('articles').where({ locale }).whereNull('published_at').orderBy('id').select('document_id')).map((row: any) => row.document_id as string);

  /** Every article row and every link of articles, and the count of runs: "nothing changed". */
  const fingerprint = async () => {
    const knex = app.knex();
    const rows = await knex('articles').orderBy('id').select('*');
    const tags = await knex('articles_tags_lnk').orderBy('id').select('*');
    const categories = await knex('articles_category_lnk').orderBy('id').select('*');
    return crypto.createHash('sha256').update(JSON.stringify({ rows, tags, categories })).digest('hex');
  };

  const exportFile = async (documentIds: string[], format: 'csv' | 'xlsx', locale = 'en', fields: string[] | null = FIELDS): Promise<Buffer> => {
    const res = await app
      .as('editor')
      .post(EXPORT_URL)
      .send({ selection: { documentIds }, locale, params: { format, fields } })
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    return res.body as Buffer;
  };

  /** A multipart body written by hand: form-data would strip a path from the file name, and it sends a Content-Length. */
  const upload = (bytes: Buffer | string, name: string, as: 'editor' | 'author' | 'admin' = 'editor') => {
    const boundary = '----bulk-actions-test';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return app.as(as).post(UPLOADS).set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body);
  };

  const uploaded = async (bytes: Buffer | string, name: string) => {
    const res = await upload(bytes, name);
    expect({ status: res.status, error: res.body?.error?.message }).toEqual({ status: 201, error: undefined });
    return res.body.upload as { id: number; rows: number; columns: string[]; format: string; sha256: string; size: number; name: string };
  };

  const apply = (documentIds: string[], params: Record<string, unknown>, locale = 'en') =>
    app.as('editor').post(RUN_URL).send({ selection: { documentIds }, locale, params });

  it('stores an upload for its owner only and answers its summary', async () => {
    const csv = 'documentId;locale;title\r\nabc;en;"Semi; colon"\r\n';
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]);
    const summary = await uploaded(bytes, 'prices.csv');
    expect(summary).toMatchObject({
      name: 'prices.csv', size: bytes.length, format: 'csv', rows: 1, columns: ['documentId', 'locale', 'title'],
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
    });
    // in the database every instance shares: the row and its parts
    const part = await app.knex()('bulk_actions_upload_parts').where({ upload_id: summary.id }).first();
    expect(JSON.parse(part.content)).toEqual([['abc', 'en', 'Semi; colon']]);

    // another user neither deletes nor uses it
    expect((await app.as('author').delete(`${UPLOADS}/${summary.id}`)).status).toBe(404);
    const other = await app.as('author').post(RUN_URL).send({ selection: { documentIds: ['abc'] }, params: { upload: summary.id } });
    expect(other.status).toBe(400);
    expect(other.body.error.message).toBe(`params.upload: no upload ${summary.id} of yours (uploads are kept for a limited time)`);

    expect((await app.as('editor').delete(`${UPLOADS}/${summary.id}`)).status).toBe(204);
    expect(await app.knex()('bulk_actions_upload_parts').where({ upload_id: summary.id })).toHaveLength(0);
    expect((await app.as('editor').delete(`${UPLOADS}/${summary.id}`)).status).toBe(404);
  });

  it.each([
    ['csv', 'en'],
    ['csv', 'fr'],
    ['xlsx', 'en'],
  ] as const)('an exported %s file (%s) uploaded unchanged changes nothing: every entry unchanged', async (format, locale) => {
    const ids = (await enDrafts(locale)).slice(0, 12);
    // values the export must write so that they read back: a formula-like title, an empty body
    await app.knex()('articles').where({ document_id: ids[0], locale }).whereNull('published_at').update({ title: '=1+1', body: null });
    await app.knex()('articles').where({ document_id: ids[1], locale }).whereNull('published_at').update({ title: '-3, "quoted"; semi' });
    const before = await fingerprint();
    const file = await exportFile(ids, format, locale);
    const summary = await uploaded(file, `articles.${format}`);
    expect(summary.rows).toBe(ids.length);

    // the dry run (the preview with the params) plans nothing
    const dry = await app.as('editor').post(actionUrl(ARTICLE, 'update-from-file', 'preview')).send({ selection: { documentIds: ids }, locale, params: { upload: summary.id } });
    expect(dry.status).toBe(200);
    if (dry.body.data.plan?.skipped?.unchanged !== ids.length) {
      // say which cells did not read back: the run names them (row, column, value, why)
      const explained = await apply(ids, { upload: summary.id }, locale);
      const parts = await app.knex()('bulk_actions_upload_parts').where({ upload_id: summary.id }).select('content');
      throw new Error(`the dry run planned ${JSON.stringify(dry.body.data.plan)}; the run said ${JSON.stringify(explained.body?.data?.run?.message)}; the stored cells ${JSON.stringify(parts).slice(0, 4000)}`);
    }
    expect(dry.body.data.plan).toMatchObject({ willChange: 0, skipped: { unchanged: ids.length }, changes: [] });

    const res = await apply(ids, { upload: summary.id }, locale);
    expect(res.status).toBe(200);
    expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 0, skipped: ids.length, skippedReasons: { unchanged: ids.length } });
    expect(res.body.data.run.message).toContain(`SHA-256 ${summary.sha256}`);
    expect(await fingerprint()).toBe(before);
  });

  it('round-trips every column the export writes by default: media and component fields are not among them', async () => {
    const ids = (await enDrafts()).slice(0, 6);
    // every type of the playground's articles holds a value: the seed gives every fifth a cover, each an SEO component
    const rows = await app.knex()('articles').whereIn('document_id', ids).where({ locale: 'en' }).whereNull('published_at').select('id');
    const covers = await app.knex()('files_related_mph').whereIn('related_id', rows.map((row: any) => row.id)).where({ related_type: ARTICLE, field: 'cover' });
    expect(covers.length).toBeGreaterThan(0);
    expect(await app.knex()('articles_cmps').whereIn('entity_id', rows.map((row: any) => row.id)).where({ field: 'seo' })).toHaveLength(ids.length);
    await app.knex()('articles').whereIn('document_id', ids).update({ rating: 4.5, release_date: '2026-03-01', featured: true });
    const before = await fingerprint();
    const bytes = await exportFile(ids, 'csv', 'en', null);
    const header = bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n')[0].split(',');
    expect(header).toEqual(['documentId', 'locale', ...FIELDS]);
    const summary = await uploaded(bytes, 'every-column.csv');
    const res = await apply(ids, { upload: summary.id });
    expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 0, skippedReasons: { unchanged: ids.length } });
    expect(await fingerprint()).toBe(before);
  });

  it('applies the changed cells, reports every other outcome, and undo puts the values back', async () => {
    const ids = (await enDrafts()).slice(12, 20);
    const tags = (await app.knex()('tags').orderBy('id').select('document_id')).map((t: any) => t.document_id);
    const file = (await exportFile(ids.slice(0, 6), 'csv')).toString('utf8');
    const lines = file.trimEnd().split('\r\n');
    const header = lines[0].split(',');
    const rowOf = (documentId: string) => lines.findIndex((line) => line.startsWith(`${documentId},`));
    const setCell = (documentId: string, column: string, value: string) => {
      const index = rowOf(documentId);
      const cells = lines[index].match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((cell) => cell.replace(/,$/, ''));
      cells[header.indexOf(column)] = value;
      lines[index] = cells.slice(0, header.length).join(',');
    };
    setCell(ids[0], 'title', 'Changed from the file');
    setCell(ids[0], 'views', '41');
    setCell(ids[1], 'tags', `"${tags[0]}, ${tags[1]}"`);
    setCell(ids[2], 'views', 'many'); // invalid
    setCell(ids[3], 'rating', '9'); // over the attribute's max: invalid
    lines.push(lines[rowOf(ids[4])]); // ids[4] twice: duplicate key
    lines.push(`nosuchdocument,en${',x'.repeat(header.length - 2)}`); // no such entry
    const summary = await uploaded(lines.join('\r\n') + '\r\n', 'edited.csv');
    const original = await app.knex()('articles').where({ document_id: ids[0], locale: 'en' }).whereNull('published_at').first();
    const untouched = await app.knex()('articles').whereIn('document_id', ids.slice(1)).orderBy('id').select('*');

    // the dry run: every outcome, before → after, and nothing changes
    const before = await fingerprint();
    const dry = await app.as('editor').post(actionUrl(ARTICLE, 'update-from-file', 'preview')).send({ selection: { documentIds: ids }, locale: 'en', params: { upload: summary.id } });
    expect(dry.status).toBe(200);
    expect(dry.body.data.plan).toMatchObject({
      willChange: 2,
      skipped: { unchanged: 1, 'invalid-value': 2, 'duplicate-key': 1, 'not-in-file': 2 },
      counts: { 'rows-not-in-selection': 1, 'duplicate-keys': 1 },
    });
    const planned = dry.body.data.plan.changes.find((change: any) => change.documentId === ids[0]);
    expect(planned.fields).toEqual([
      { field: 'title', before: original.title, after: 'Changed from the file' },
      { field: 'views', before: original.views, after: 41 },
    ]);
    expect(await fingerprint()).toBe(before);

    // the full dry run as a download: a line per outcome, one per changed field, the messages
    const report = await app.as('editor').post(`${actionUrl(ARTICLE, 'update-from-file', 'preview')}/report`).send({ selection: { documentIds: ids }, locale: 'en', params: { upload: summary.id } });
    expect(report.status).toBe(200);
    expect(report.headers['content-type']).toContain('text/csv');
    expect(report.headers['content-disposition']).toBe('attachment; filename="dry-run-update-from-file.csv"');
    const reported = Papa.parse<Record<string, string>>(report.text, { header: true, skipEmptyLines: true }).data;
    expect(Object.keys(reported[0])).toEqual(['key', 'outcome', 'field', 'before', 'after', 'message']);
    expect(reported.filter((line) => line.key === ids[0])).toEqual([
      { key: ids[0], outcome: 'change', field: 'title', before: original.title, after: 'Changed from the file', message: '' },
      { key: ids[0], outcome: 'change', field: 'views', before: String(original.views), after: '41', message: '' },
    ]);
    expect(reported.find((line) => line.key === ids[2])).toMatchObject({ outcome: 'invalid-value', message: 'row 4, column "views": "many" must be a number' });
    expect(reported.find((line) => line.key === 'nosuchdocument')).toMatchObject({ outcome: 'not-in-selection', message: expect.stringMatching(/^row \d+$/) });
    const outcomeOf = (outcome: string) => new Set(reported.filter((line) => line.outcome === outcome).map((line) => line.key)).size;
    expect({ change: outcomeOf('change'), unchanged: outcomeOf('unchanged'), invalid: outcomeOf('invalid-value'), duplicate: outcomeOf('duplicate-key'), notInFile: outcomeOf('not-in-file') })
      .toEqual({ change: 2, unchanged: 1, invalid: 2, duplicate: 1, notInFile: 2 });
    expect(await fingerprint()).toBe(before);
    // an action that plans nothing before it runs has no dry run to download; a report needs the params
    const none = await app.as('editor').post(`${actionUrl(ARTICLE, 'export-csv', 'preview')}/report`).send({ selection: { documentIds: ids }, params: {} });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toContain('has no dry run to download');
    const noParams = await app.as('editor').post(`${actionUrl(ARTICLE, 'update-from-file', 'preview')}/report`).send({ selection: { documentIds: ids }, locale: 'en' });
    expect(noParams.status).toBe(400);
    expect(noParams.body.error.message).toContain('params');

    // ids[6], ids[7] are selected but not in the file
    const res = await apply(ids, { upload: summary.id });
    expect(res.status).toBe(200);
    const run = res.body.data.run;
    expect(run.failures).toEqual([]);
    expect(run).toMatchObject({
      status: 'partial',
      succeeded: 2,
      skippedReasons: { unchanged: 1, 'invalid-value': 2, 'duplicate-key': 1, 'not-in-file': 2 },
    });
    expect(run.message).toContain('row 4, column "views": "many" must be a number');
    expect(run.message).toContain('rows of the file not applied: 1 named no entry');
    const changed = await app.knex()('articles').where({ document_id: ids[0], locale: 'en' }).whereNull('published_at').first();
    expect(changed).toMatchObject({ title: 'Changed from the file', views: 41 });
    const linked = await app.knex()('articles_tags_lnk as l').join('articles as a', 'a.id', 'l.article_id').join('tags as t', 't.id', 'l.tag_id')
      .where({ 'a.document_id': ids[1], 'a.locale': 'en' }).whereNull('a.published_at').orderBy('l.tag_ord').select('t.document_id');
    expect(linked.map((l: any) => l.document_id)).toEqual([tags[0], tags[1]]);
    // the others are as they were, timestamps included
    const others = await app.knex()('articles').whereIn('document_id', ids.slice(2)).orderBy('id').select('*');
    expect(others).toEqual(untouched.filter((row: any) => row.document_id !== ids[1]));

    const undo = await app.as('editor').post(`/bulk-actions/runs/${run.id}/revert`).send({});
    expect(undo.status).toBe(200);
    expect(undo.body.data.run).toMatchObject({ action: 'revert', succeeded: 2 });
    const restored = await app.knex()('articles').where({ document_id: ids[0], locale: 'en' }).whereNull('published_at').first();
    expect({ title: restored.title, views: restored.views }).toEqual({ title: original.title, views: original.views });
  });

  it('undo puts back a file that gave every entry one value while leaving its other columns as they were', async () => {
    // one new rating for all (shared by the locales: the chunk's UPDATE writes a constant to every row),
    // titles unchanged and different per entry
    const ids = (await enDrafts()).slice(6, 12);
    const rowsOf = () => app.knex()('articles').whereIn('document_id', ids).orderBy('id').select('*');
    const before = await rowsOf();
    expect(before.some((row: any) => Number(row.rating) === 5)).toBe(false);
    const lines = (await exportFile(ids, 'csv', 'en', ['title', 'rating'])).toString('utf8').replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('documentId,locale,title,rating');
    const edited = [lines[0], ...lines.slice(1).map((line) => line.replace(/,[^,]*$/, ',5'))];
    const summary = await uploaded(edited.join('\r\n') + '\r\n', 'rated.csv');
    const res = await apply(ids, { upload: summary.id });
    expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: ids.length });
    expect(new Set((await rowsOf()).filter((row: any) => row.published_at === null).map((row: any) => Number(row.rating)))).toEqual(new Set([5]));

    const undo = await app.as('editor').post(`/bulk-actions/runs/${res.body.data.run.id}/revert`).send({});
    expect(undo.body.data.run).toMatchObject({ action: 'revert', status: 'succeeded', succeeded: ids.length, skipped: 0 });
    expect(await rowsOf()).toEqual(before);
  });

  it('skips an entry changed after the dry run as changed-since', async () => {
    const ids = (await enDrafts()).slice(20, 22);
    const file = (await exportFile(ids, 'csv')).toString('utf8');
    const lines = file.trimEnd().split('\r\n');
    const title = lines[0].split(',').indexOf('title');
    const edited = lines.map((line, i) => (i === 0 ? line : line.split(',').map((cell, c) => (c === title ? `New ${i}` : cell)).join(',')));
    const summary = await uploaded(edited.join('\r\n'), 'late.csv');
    // the dry run answers its time for the run to carry (the admin sends it with the confirm)
    const dryRun = await app.as('editor').post(RUN_URL.replace(/\/run$/, '/preview')).send({ selection: { documentIds: ids }, locale: 'en', params: { upload: summary.id } });
    expect(dryRun.status).toBe(200);
    const since = dryRun.body.data.plan.carry.since;
    expect(Math.abs(Date.parse(since) - Date.now())).toBeLessThan(60_000);
    // one entry is changed after the dry run's moment
    await app.knex()('articles').where({ document_id: ids[0] }).update({ updated_at: new Date(Date.now() + 60_000) });
    const res = await apply(ids, { upload: summary.id, since });
    expect(res.body.data.run).toMatchObject({ succeeded: 1, skippedReasons: { 'changed-since': 1 } });
    const [first] = await app.knex()('articles').where({ document_id: ids[0], locale: 'en' }).whereNull('published_at');
    expect(first.title).not.toMatch(/^New /);
  });

  it('keeps an upload past its expiry while a scheduled run names it, and purges it once the run settled', async () => {
    const ids = (await enDrafts()).slice(22, 24);
    const file = (await exportFile(ids, 'csv')).toString('utf8');
    const lines = file.trimEnd().split('\r\n');
    const title = lines[0].split(',').indexOf('title');
    const edited = lines.map((line, i) => (i === 0 ? line : line.split(',').map((cell, c) => (c === title ? `Scheduled ${i}` : cell)).join(',')));
    const summary = await uploaded(edited.join('\r\n'), 'scheduled.csv');
    const res = await app
      .as('editor')
      .post(RUN_URL)
      .send({ selection: { documentIds: ids }, locale: 'en', params: { upload: summary.id }, runAt: new Date(Date.now() + 3000).toISOString() });
    expect(res.status).toBe(202);
    expect(res.body.data.run).toMatchObject({ status: 'scheduled' });
    // the upload's expiry passes while the run waits for its time
    await app.knex()('bulk_actions_uploads').where({ id: summary.id }).update({ expires_at: new Date(Date.now() - 60_000) });
    const uploads = app.strapi.plugin('bulk-actions').service('uploads');
    await uploads.purgeExpired();
    const kept = () => app.knex()('bulk_actions_uploads').where({ id: summary.id }).select('id');
    expect(await kept()).toHaveLength(1);

    const final = (await followRun(() => app.as('editor'), res.body.data.run.id)).at(-1);
    expect(final).toMatchObject({ status: 'succeeded', succeeded: 2 });
    const titles = await app.knex()('articles').whereIn('document_id', ids).where({ locale: 'en' }).whereNull('published_at').select('title');
    expect(titles.map((row: any) => row.title).sort()).toEqual(['Scheduled 1', 'Scheduled 2']);
    // settled: nothing needs it any more
    await uploads.purgeExpired();
    expect(await kept()).toHaveLength(0);
  });

  /**
   * A body sent without a Content-Length (Transfer-Encoding: chunked) in pieces, as long as the server
   * reads it: the answer, and how many bytes went out before it came.
   */
  const chunkedUpload = async (pieces: number, piece: Buffer): Promise<{ status: number; body: any; sent: number }> => {
    const token = await app.login(app.seeded.users.editor.email);
    const boundary = '----bulk-actions-chunked';
    const url = new URL(UPLOADS, app.baseUrl);
    return new Promise((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = http.request(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Transfer-Encoding': 'chunked' },
      });
      req.on('response', (res) => {
        answered = true;
        const parts: Buffer[] = [];
        res.on('data', (part) => parts.push(part));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(parts).toString('utf8')), sent }));
      });
      // the server closes the connection once it answered: writing on is not the test's concern
      req.on('error', (error) => (answered ? undefined : reject(error)));
      const write = async () => {
        req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\ndocumentId,locale,title\r\n`);
        for (let i = 0; i < pieces && !answered; i += 1) {
          sent += piece.length;
          if (!req.write(piece)) await new Promise((next) => req.once('drain', next));
        }
        if (!answered) req.end(`\r\n--${boundary}--\r\n`);
      };
      write().catch(reject);
    });
  };

  it('refuses a chunked upload once its bytes pass the limit, before the body ends, and stores nothing', async () => {
    const uploadsBefore = await app.knex()('bulk_actions_uploads').count({ n: '*' });
    const row = Buffer.from('abc,en,Title\r\n'.repeat(1024));
    // 100 times the limit, if the server read it all
    const res = await chunkedUpload(Math.ceil((100 * MAX_BYTES) / row.length), row);
    expect({ status: res.status, message: res.body.error.message }).toEqual({
      status: 413,
      message: `file: the request passed ${MAX_BYTES + 64 * 1024} bytes without a Content-Length; files of at most ${MAX_BYTES} bytes are accepted`,
    });
    expect(res.sent).toBeLessThan(100 * MAX_BYTES);
    expect(await app.knex()('bulk_actions_uploads').count({ n: '*' })).toEqual(uploadsBefore);

    // a chunked upload within the limit is taken as any other
    const small = await chunkedUpload(4, Buffer.from('abc,en,Title\r\n'));
    expect({ status: small.status, rows: small.body.upload?.rows }).toEqual({ status: 201, rows: 4 });
    expect((await app.as('editor').delete(`${UPLOADS}/${small.body.upload.id}`)).status).toBe(204);
  });

  describe('bad files are refused with a 400 before anything changes', () => {
    const header = 'documentId,locale,title,views';
    const workbook = async (rows: unknown[][]) => {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('x');
      rows.forEach((row) => sheet.addRow(row));
      return Buffer.from(await book.xlsx.writeBuffer());
    };
    type Bad = { name: string; file: () => Promise<Buffer> | Buffer | string; filename?: string; status?: number; message: string | RegExp; params?: Record<string, unknown> };
    const cases: Bad[] = [
      { name: 'an empty file', file: () => '', message: 'file: is empty' },
      { name: 'a header only', file: () => `${header}\r\n`, message: 'file: has a header but no rows' },
      { name: 'a binary file', file: () => Buffer.from([0x64, 0x6f, 0x63, 0x00, 0x01, 0x02]), message: 'file: is a binary file, not CSV text (a NUL byte at byte 4)' },
      { name: 'invalid UTF-8', file: () => Buffer.concat([Buffer.from(`${header}\r\nabc,en,caf`), Buffer.from([0xe9]), Buffer.from(',1\r\n')]), message: /^file: is not valid UTF-8 text/ },
      { name: 'a ragged row', file: () => `${header}\r\nabc,en,Title,1\r\nabd,en,Title\r\n`, message: 'file: row 3 has 3 cells; the header has 4' },
      { name: 'an unclosed quote', file: () => `${header}\r\nabc,en,"Title,1\r\nabd,en,x,2\r\n`, message: 'file: row 2 has a quote that is never closed' },
      { name: 'a duplicate header', file: () => 'documentId,title,title\r\nabc,a,b\r\n', message: 'file: the column "title" appears twice in the header (columns 2 and 3)' },
      { name: 'a header without a name', file: () => 'documentId,,title\r\nabc,a,b\r\n', message: 'file: column 2 of the header has no name' },
      { name: 'a million columns', file: () => `${Array.from({ length: 1_000_000 }, (_, i) => `c${i}`).join(',').slice(0, MAX_BYTES - 10)}\r\n`, message: /^file: the header has \d+ columns; at most 500 are accepted$/ },
      // refused from the request's length before the body is read
      { name: 'a file over the limit', file: () => `${header}\r\n${'abc,en,Title,1\r\n'.repeat((2 * MAX_BYTES) / 16)}`, status: 413, message: /^file: the request is \d+ bytes; files of at most 200000 bytes are accepted$/ },
      // within the multipart framing's allowance: refused from the file's size once received
      { name: 'a file just over the limit', file: () => `${header}\r\n${'abc,en,Title,1\r\n'.repeat(MAX_BYTES / 15)}`, status: 413, message: 'file: "bad.csv" is 213359 bytes; at most 200000 bytes are accepted' },
      { name: 'a file name with a path', file: () => `${header}\r\nabc,en,x,1\r\n`, filename: '../../etc/passwd.csv', message: /^file: the file name .* is not a plain file name/ },
      { name: 'another extension', file: () => `${header}\r\nabc,en,x,1\r\n`, filename: 'data.exe', message: 'file: "data.exe" is neither a CSV (.csv, .tsv, .txt) nor an XLSX (.xlsx) file' },
      { name: 'a CSV named .xlsx', file: () => `${header}\r\nabc,en,x,1\r\n`, filename: 'data.xlsx', message: /^file: is not a readable XLSX workbook/ },
      { name: 'an XLSX with a duplicate header', file: () => workbook([['documentId', 'title', 'title'], ['a', 'b', 'c']]), filename: 'x.xlsx', message: 'file: the column "title" appears twice in the header (columns 2 and 3)' },
      // refused when a run names the upload: the columns are checked against the content type and the user
      { name: 'an unknown header', file: () => 'documentId,locale,price\r\nabc,en,1\r\n', params: {}, message: 'params.mapping.price: "price" is not a field of api::article.article a file can hold: map the column to a field, or to null to ignore it' },
      { name: 'a media column', file: () => 'documentId,locale,cover\r\nabc,en,1\r\n', params: {}, message: 'params.mapping.cover: "cover" is a media field of api::article.article, which the export does not write and a file cannot set: map the column to null to ignore it' },
      { name: 'a component column', file: () => 'documentId,locale,seo\r\nabc,en,{}\r\n', params: {}, message: 'params.mapping.seo: "seo" is a component field of api::article.article, which the export does not write and a file cannot set: map the column to null to ignore it' },
      { name: 'a private field', file: () => 'documentId,createdBy\r\nabc,1\r\n', params: {}, message: /^params.mapping.createdBy: "createdBy" is not a field/ },
      { name: 'no key column', file: () => 'title,views\r\nabc,1\r\n', params: {}, message: 'params.key: the file has no column for the key "documentId"' },
      { name: 'a key that is not unique', file: () => `${header}\r\nabc,en,x,1\r\n`, params: { key: 'title' }, message: /^params.key: must be documentId or a unique field/ },
      { name: 'a mapping naming no column', file: () => `${header}\r\nabc,en,x,1\r\n`, params: { mapping: { nope: 'title' } }, message: 'params.mapping.nope: is not a column of the file' },
      { name: 'two columns for one field', file: () => `${header}\r\nabc,en,x,1\r\n`, params: { mapping: { views: 'title' } }, message: 'params.mapping.views: maps to "title", which the column "title" fills already' },
    ];

    it.each(cases)('$name', async (c) => {
      const ids = (await enDrafts()).slice(0, 3);
      const before = await fingerprint();
      const uploadsBefore = await app.knex()('bulk_actions_uploads').count({ n: '*' });
      const res = await upload(await c.file(), c.filename ?? 'bad.csv');
      let outcome = { status: res.status, message: res.body?.error?.message };
      if (c.params) {
        expect(res.status).toBe(201);
        const run = await apply(ids, { upload: res.body.upload.id, ...c.params });
        outcome = { status: run.status, message: run.body?.error?.message };
      } else {
        expect(await app.knex()('bulk_actions_uploads').count({ n: '*' })).toEqual(uploadsBefore);
      }
      expect(outcome).toEqual({ status: c.status ?? 400, message: typeof c.message === 'string' ? c.message : expect.stringMatching(c.message) });
      expect(await fingerprint()).toBe(before);
    });
  });
});
