import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, actionUrl, draftIdsCreatedBy, followRun } from '../helpers/content';

const RUN = actionUrl(ARTICLE, 'update-field', 'run');

/**
 * Scheduled runs: `runAt` freezes the selection at confirm time and a worker starts the run when it
 * is due, with the user's permissions checked again per record. Runs on SQLite and PostgreSQL; the
 * start with two instances on one database is in tests/postgres/scheduled-instances.test.ts.
 */
describe('scheduled runs', () => {
  let app: TestApp;
  let editorIds: string[];
  let authorIds: string[];
  const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
  const views = async (documentIds: string[]) =>
    (await app.knex()('articles').whereIn('document_id', documentIds).whereNull('published_at').where({ locale: 'en' }).orderBy('id').select('views')).map((row: any) => Number(row.views));
  const fingerprint = async () => JSON.stringify(await app.knex()('articles').orderBy('id').select());
  const schedule = (as: 'editor' | 'author', documentIds: string[], value: number, runAt: string) =>
    app.as(as).post(RUN).send({ selection: { documentIds }, params: { changes: [{ field: 'views', op: 'set', value }] }, runAt });

  beforeAll(async () => {
    app = await bootPlayground({ articles: 40, env: { BULK_ACTIONS_POLL_MS: '100' } });
    await app.enableActions(ARTICLE, ['update-field']);
    editorIds = await draftIdsCreatedBy(app, app.seeded.users.editor.id);
    authorIds = await draftIdsCreatedBy(app, app.seeded.users.author.id);
  });
  afterAll(() => app?.close());

  it('waits for its time, then runs once over the frozen selection', async () => {
    const ids = editorIds.slice(0, 3);
    const before = await views(ids);
    const runAt = inMs(1500);
    const res = await schedule('editor', ids, 7001, runAt);
    expect(res.status).toBe(202);
    expect(res.body.data.run).toMatchObject({ status: 'scheduled', runAt, total: 3, processed: 0, finishedAt: null });
    expect(res.body.data.run.undo).toMatchObject({ available: false, reason: 'not-finished' });
    expect(await views(ids)).toEqual(before);
    const listed = await app.as('admin').get('/bulk-actions/runs?status=scheduled');
    expect(listed.body.data.map((run: any) => run.id)).toContain(res.body.data.run.id);

    const seen = await followRun(() => app.as('editor'), res.body.data.run.id);
    const final = seen.at(-1);
    expect(final).toMatchObject({ status: 'succeeded', succeeded: 3, skipped: 0 });
    expect(new Date(final.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(runAt).getTime());
    expect(await views(ids)).toEqual([7001, 7001, 7001]);
  });

  it('checks the permissions again when it starts: an entry the author no longer owns is skipped as forbidden', async () => {
    const [kept, given] = authorIds;
    const res = await schedule('author', [kept, given], 7002, inMs(1500));
    expect(res.status).toBe(202);
    const before = await views([given]);
    // the author may update only what it created (admin::is-creator): this one becomes the editor's
    await app.knex()('articles').where({ document_id: given }).update({ created_by_id: app.seeded.users.editor.id });
    const final = (await followRun(() => app.as('author'), res.body.data.run.id)).at(-1);
    expect(final).toMatchObject({ status: 'partial', succeeded: 1, skipped: 1, skippedReasons: { forbidden: 1 }, processed: 2 });
    expect(await views([kept])).toEqual([7002]);
    expect(await views([given])).toEqual(before);
  });

  it('can be cancelled before its time (nothing changes) or started now', async () => {
    const [a, b] = editorIds.slice(3, 5);
    const before = await views([a]);
    const later = await schedule('editor', [a], 7003, inMs(3_600_000));
    const cancelled = await app.as('editor').post(`/bulk-actions/runs/${later.body.data.run.id}/cancel`);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.data.run.status).toBe('cancelled');
    expect(await views([a])).toEqual(before);
    const again = await app.as('editor').post(`/bulk-actions/runs/${later.body.data.run.id}/run-now`).send({});
    expect(again.status).toBe(400);
    expect(again.body.error.message).toContain('not scheduled');

    const other = await schedule('editor', [b], 7004, inMs(3_600_000));
    const withKey = await app.as('editor').post(`/bulk-actions/runs/${other.body.data.run.id}/run-now`).send({ at: 'now' });
    expect(withKey.status).toBe(400);
    const now = await app.as('editor').post(`/bulk-actions/runs/${other.body.data.run.id}/run-now`).send({});
    expect(now.status).toBe(202);
    const final = (await followRun(() => app.as('editor'), other.body.data.run.id)).at(-1);
    expect(final).toMatchObject({ status: 'succeeded', succeeded: 1 });
    expect(await views([b])).toEqual([7004]);
    // another user without runs.read cannot start it
    const third = await schedule('editor', [b], 7005, inMs(3_600_000));
    expect((await app.as('author').post(`/bulk-actions/runs/${third.body.data.run.id}/run-now`).send({})).status).toBe(404);
    await app.as('editor').post(`/bulk-actions/runs/${third.body.data.run.id}/cancel`);
  });

  it('fails without changing anything when its action was disabled for the content type before it came due', async () => {
    const ids = editorIds.slice(6, 8);
    const res = await schedule('editor', ids, 7006, inMs(1500));
    expect(res.status).toBe(202);
    const before = await fingerprint();
    await app.enableActions(ARTICLE, []);
    try {
      const final = (await followRun(() => app.as('editor'), res.body.data.run.id)).at(-1);
      expect(final).toMatchObject({ status: 'failed', succeeded: 0 });
      expect(final.message).toContain(`The action "update-field" is no longer enabled for ${ARTICLE}`);
      expect(final.notes).toEqual([
        {
          level: 'error',
          text: `The action "update-field" is no longer enabled for ${ARTICLE}`,
          id: 'bulk-actions.message.scheduled.disabled',
          values: { action: 'update-field', contentType: ARTICLE },
        },
      ]);
      expect(final.finishedAt).not.toBeNull();
      expect(await fingerprint()).toBe(before);
      // the audit log shows the same settled run
      const listed = await app.as('admin').get('/bulk-actions/runs');
      expect(listed.body.data.find((run: any) => run.id === res.body.data.run.id)).toMatchObject({ status: 'failed', message: final.message });
    } finally {
      await app.enableActions(ARTICLE, ['update-field']);
    }
  });

  it.each([
    ['in the past', () => new Date(Date.now() - 60_000).toISOString(), 'body.runAt: must be in the future'],
    ['not a date-time', () => 'tomorrow', 'body.runAt: must be an ISO 8601 date-time'],
    ['a date without a time', () => '2030-01-01', 'body.runAt: must be an ISO 8601 date-time'],
    ['too far ahead', () => inMs(400 * 86_400_000), 'body.runAt: must be within 366 days'],
    ['a number', () => Date.now() + 60_000, 'body.runAt'],
  ])('refuses a runAt %s with a 400, and nothing is scheduled', async (_name, runAt, message) => {
    const before = await fingerprint();
    const count = async () => Number((await app.knex()('bulk_actions_runs').count({ n: '*' }))[0].n);
    const runs = await count();
    const res = await app.as('editor').post(RUN).send({ selection: { documentIds: editorIds.slice(5, 6) }, params: { changes: [{ field: 'views', op: 'set', value: 1 }] }, runAt: runAt() });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
    expect(await count()).toBe(runs);
    expect(await fingerprint()).toBe(before);
  });
});
