import { createExportReader } from '../../server/src/actions/export-read';
import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE } from '../helpers/content';

/**
 * The export's reader with a chunk's row range (the ids its rows had when the selection was frozen):
 * a hint it reads along the primary key with, never a limit on what it answers.
 */
describe('export read: a chunk read by its row range finds every entry, wherever its row is now', () => {
  let app: TestApp;
  let drafts: Array<{ id: number; document_id: string }>;
  const scope = { locale: 'en', publishedAt: { $null: true } };
  const reader = () =>
    createExportReader(app.strapi, ARTICLE, { scope, localized: true, scalars: ['title', 'views'], relations: ['category', 'tags'] });
  const read = (documentIds: string[], rowRange: { first: number; last: number } | null) => reader().rows(documentIds, app.knex(), rowRange);

  beforeAll(async () => {
    app = await bootPlayground({ articles: 12 });
    drafts = await app.knex()('articles').where({ locale: 'en' }).whereNull('published_at').orderBy('id').select('id', 'document_id');
    expect(drafts.length).toBeGreaterThanOrEqual(6);
  });
  afterAll(() => app?.close());

  const table = [
    { name: 'the exact range', range: () => ({ first: drafts[1].id, last: drafts[4].id }) },
    { name: 'a range that misses two of the rows (recreated elsewhere since)', range: () => ({ first: drafts[3].id, last: drafts[4].id }) },
    { name: 'a range that holds none of them', range: () => ({ first: drafts[drafts.length - 1].id + 1, last: drafts[drafts.length - 1].id + 100 }) },
    { name: 'a range wider than the rows, with other entries in it', range: () => ({ first: drafts[0].id, last: drafts[drafts.length - 1].id }) },
  ];

  it.each(table)('$name: the same rows as without a range, in id order', async ({ range }) => {
    const documentIds = drafts.slice(1, 5).map((row) => row.document_id);
    const expected = await read(documentIds, null);
    expect(expected.map((row) => row.documentId)).toEqual(documentIds);
    expect(expected.every((row) => 'category' in row && Array.isArray(row.tags))).toBe(true);
    expect(await read(documentIds, range())).toEqual(expected);
  });

  it('a run over the entries matching the filters keeps each chunk\'s row range; ticked entries keep none', async () => {
    await app.enableActions(ARTICLE, ['export-csv']);
    const url = `/bulk-actions/content-types/${ARTICLE}/actions/export-csv/run`;
    const byQuery = await app.as('admin').post(url).send({ selection: { query: {} }, params: { fields: ['title'] } });
    expect(byQuery.status).toBe(200);
    const [chunk] = await app.knex()('bulk_actions_run_chunks').where({ run_id: Number(byQuery.headers['x-bulk-actions-run-id']) });
    expect([Number(chunk.first_row_id), Number(chunk.last_row_id)]).toEqual([drafts[0].id, drafts[drafts.length - 1].id]);

    const ticked = await app.as('admin').post(url).send({ selection: { documentIds: [drafts[0].document_id] }, params: { fields: ['title'] } });
    expect(ticked.status).toBe(200);
    const [tickedChunk] = await app.knex()('bulk_actions_run_chunks').where({ run_id: Number(ticked.headers['x-bulk-actions-run-id']) });
    expect([tickedChunk.first_row_id, tickedChunk.last_row_id]).toEqual([null, null]);
  });

  it('leaves out an entry without a row in the scope, with or without a range', async () => {
    const documentIds = [drafts[2].document_id, 'no-such-document', drafts[3].document_id];
    const rows = await read(documentIds, { first: drafts[2].id, last: drafts[2].id });
    expect(rows.map((row) => row.documentId)).toEqual([drafts[2].document_id, drafts[3].document_id]);
  });
});
