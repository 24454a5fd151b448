import request from 'supertest';
import { bootPlayground } from '../helpers/strapi';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ARTICLE, actionUrl, followRun, insertArticles, undoRecordedRows } from '../helpers/content';
import { spawnPlayground, type PlaygroundProcess } from '../helpers/processes';

const ROWS = 6_000;
const CHUNKS = ROWS / 500;
/**
 * The chunks are slowed from outside the plugin: the playground (test env only) delays every read of
 * hundreds of articles by documentId, which is what each chunk of update-from-file starts with. The
 * real action runs unchanged, and no setting of the plugin can slow a production run by accident.
 */
const JOB_ENV = {
  BULK_ACTIONS_TEST_ACTIONS: 'true',
  BULK_ACTIONS_TEST_READ_DELAY_MS: '300',
  BULK_ACTIONS_POLL_MS: '100',
  BULK_ACTIONS_STALE_MS: '1500',
};
const PASSWORD = 'Test-Password-123';

/**
 * Update from a file, killed mid-run (SIGKILL) and taken over by a new process on the same database:
 * every row of the file applied exactly once. A redone chunk would find its entries equal to the file
 * already (counted unchanged, not updated), and would record their undo twice.
 */
describe('an update from a file survives the death of its process', () => {
  let database: TestDatabase;
  const children: PlaygroundProcess[] = [];
  /** the file: documentId, locale, views one more than in the database */
  let csv = '';
  const wanted = new Map<string, number>();

  beforeAll(async () => {
    database = await createTestDatabase();
    const app = await bootPlayground({ database, articles: 4, env: JOB_ENV });
    await app.enableActions(ARTICLE, ['update-from-file']);
    const ids = await insertArticles(app, ROWS, { prefix: 'Filed' });
    // varied starting values, so that "the file's value" is not one constant
    await app.knex()('articles').where('title', 'like', 'Filed %').update({ views: app.knex().raw('(id % 7)') });
    const current = await app.knex()('articles').where('title', 'like', 'Filed %').select('document_id', 'views');
    expect(current).toHaveLength(ids.length);
    for (const row of current) wanted.set(row.document_id, Number(row.views) + 1);
    csv = `documentId,locale,views\r\n${[...wanted].map(([id, views]) => `${id},en,${views}`).join('\r\n')}\r\n`;
    await app.close();
  });
  afterAll(async () => {
    for (const child of children) await child.kill().catch(() => undefined);
    await database?.drop();
  });

  const start = async () => {
    const child = await spawnPlayground({ ...database.env, ...JOB_ENV });
    children.push(child);
    const login = await request(child.baseUrl).post('/admin/login').send({ email: 'editor@example.com', password: PASSWORD });
    return { child, token: login.body.data.token as string };
  };

  it('resumes from the last committed chunk after a restart: each row applied once', async () => {
    const first = await start();
    const uploaded = await request(first.child.baseUrl)
      .post('/bulk-actions/uploads')
      .set('Authorization', `Bearer ${first.token}`)
      .attach('file', Buffer.from(csv), 'views.csv');
    expect({ status: uploaded.status, error: uploaded.body?.error?.message }).toEqual({ status: 201, error: undefined });
    expect(uploaded.body.upload.rows).toBe(ROWS);

    const res = await first.child
      .as(first.token)
      .post(actionUrl(ARTICLE, 'update-from-file', 'run'))
      .send({ selection: { query: { filters: { title: { $startsWith: 'Filed ' } } } }, locale: 'en', params: { upload: uploaded.body.upload.id } });
    expect(res.status).toBe(202);
    const runId = res.body.data.run.id;
    const [before] = (await followRun(() => first.child.as(first.token), runId, (run) => run.processed >= 1500)).slice(-1);
    expect(before.status).toBe('running');
    expect(before.processed).toBeLessThan(ROWS);
    await first.child.kill();

    const second = await start();
    const final = (await followRun(() => second.child.as(second.token), runId)).at(-1);
    expect(final).toMatchObject({ status: 'succeeded', total: ROWS, processed: ROWS, succeeded: ROWS, failed: 0, skipped: 0 });
    await second.child.stop();

    const check = await bootPlayground({ database, articles: 0, env: { BULK_ACTIONS_WORKER: 'false' } });
    const knex = check.knex();
    // every entry holds the file's value: one more than before, not two
    const rows = await knex('articles').where('title', 'like', 'Filed %').select('document_id', 'views');
    expect(rows).toHaveLength(ROWS);
    expect(rows.filter((row: any) => Number(row.views) !== wanted.get(row.document_id))).toEqual([]);
    // each chunk done once, each entry's undo recorded once, one run in the audit log
    const chunks = await knex('bulk_actions_run_chunks').where({ run_id: runId }).select('status').count({ n: '*' }).groupBy('status');
    expect(chunks.map((c: any) => [c.status, Number(c.n)])).toEqual([['done', CHUNKS]]);
    const recorded = await undoRecordedRows(knex, runId);
    expect({ rows: new Set(recorded).size, records: recorded.length }).toEqual({ rows: ROWS, records: ROWS });
    const runs = await knex('bulk_actions_runs').where({ action: 'update-from-file' }).select('id', 'status', 'succeeded');
    expect(runs).toEqual([{ id: runId, status: 'succeeded', succeeded: ROWS }]);
    await check.close();
  });
});
