import { bootPlayground, type TestApp } from '../helpers/strapi';

const ARTICLE = 'api::article.article';
const CATEGORY = 'api::category.category';
const url = (action: string, step: 'preview' | 'run') => `/bulk-actions/content-types/${ARTICLE}/actions/${action}/${step}`;
const MISSING_ID = 'nosuchdocument000000000a';

type Payload = Record<string, any>;

describe('signals: requested, start and end around a run', () => {
  let app: TestApp;
  let signals: any;
  const unsubscribers: Array<() => void> = [];

  /** Subscribes for this test only (removed in afterEach). */
  const on = (event: 'requested' | 'start' | 'end', handler: (payload: Payload) => unknown, filter?: object) => {
    const off = signals.on(event, handler, filter);
    unsubscribers.push(off);
    return off as () => void;
  };

  /** Records every signal of every action, in order. */
  const recordAll = () => {
    const events: Array<{ event: string; payload: Payload }> = [];
    for (const event of ['requested', 'start', 'end'] as const) {
      on(event, (payload) => {
        events.push({ event, payload });
      });
    }
    return events;
  };

  const enDrafts = () =>
    app.knex()('articles').where({ locale: 'en' }).whereNull('published_at').orderBy('id').select('id', 'document_id', 'created_by_id', 'stage', 'title');

  /** Editor-owned en drafts not in the review stage (an update-field to review changes them). */
  const editorDraftsNotInReview = async (count: number, offset = 0) => {
    const rows = (await enDrafts()).filter(
      (row: any) => row.created_by_id === app.seeded.users.editor.id && row.stage !== 'review'
    );
    return rows.slice(offset, offset + count);
  };

  const allArticleRows = () => app.knex()('articles').orderBy('id').select('*');
  const runRow = (id: number) => app.knex()('bulk_actions_runs').where({ id }).first();

  beforeAll(async () => {
    app = await bootPlayground();
    await app.enableActions(ARTICLE, ['update-field', 'mark-reviewed']);
    signals = app.strapi.plugin('bulk-actions').service('signals');
  });
  afterEach(() => {
    while (unsubscribers.length) unsubscribers.pop()!();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('fires `requested` on preview with the counts the editor sees, and nothing else', async () => {
    const events = recordAll();
    const drafts = await enDrafts();
    const own = drafts.filter((row: any) => row.created_by_id === app.seeded.users.author.id).slice(0, 1);
    const others = drafts.filter((row: any) => row.created_by_id !== app.seeded.users.author.id).slice(0, 3);
    const documentIds = [...own, ...others].map((row: any) => row.document_id).concat(MISSING_ID);

    const res = await app.as('author').post(url('update-field', 'preview')).send({ selection: { documentIds } });

    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ total: 5, actionable: 1, skipped: { forbidden: 3, 'not-found': 1 } });
    expect(events.map((e) => e.event)).toEqual(['requested']);
    const [{ payload }] = events;
    expect(payload).toMatchObject({
      event: 'requested',
      action: 'update-field',
      contentType: ARTICLE,
      locale: 'en',
      user: { id: app.seeded.users.author.id },
      selection: { documentIds },
      total: 5,
      actionable: 1,
      skipped: { forbidden: 3, 'not-found': 1 },
    });
  });

  it('fires `start` then `end` on a run; `end` carries the finished run and its failures', async () => {
    const events = recordAll();
    const targets = await editorDraftsNotInReview(3);
    const documentIds = targets.map((row: any) => row.document_id);

    const res = await app
      .as('editor')
      .post(url('update-field', 'run'))
      .send({ selection: { documentIds }, params: { field: 'stage', value: 'review' } });

    expect(res.status).toBe(200);
    expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 3 });
    expect(events.map((e) => e.event)).toEqual(['start', 'end']);

    const [start, end] = events.map((e) => e.payload);
    expect(start).toMatchObject({
      event: 'start',
      action: 'update-field',
      contentType: ARTICLE,
      locale: 'en',
      user: { id: app.seeded.users.editor.id },
      total: 3,
      actionable: 3,
      skipped: {},
      // the one-change shape arrives as the list of changes the run makes
      params: { changes: [{ field: 'stage', op: 'set', value: 'review' }] },
    });
    expect(end).toMatchObject({
      event: 'end',
      action: 'update-field',
      contentType: ARTICLE,
      user: { id: app.seeded.users.editor.id },
      total: 3,
      actionable: 3,
      run: { id: res.body.data.run.id, status: 'succeeded', total: 3, succeeded: 3, skipped: 0, failed: 0 },
      failures: [],
    });

    // the work was done
    const rows = await app.knex()('articles').whereIn('id', targets.map((row: any) => row.id));
    expect(rows.map((row: any) => row.stage)).toEqual(['review', 'review', 'review']);
  });

  it('fires `start` before the run row exists: params and counts, no run (an interrupt leaves nothing half-made)', async () => {
    const events = recordAll();
    const documentIds = (await editorDraftsNotInReview(1, 3)).map((row: any) => row.document_id);

    const res = await app
      .as('editor')
      .post(url('update-field', 'run'))
      .send({ selection: { documentIds }, params: { changes: [{ field: 'views', op: 'set', value: 1234 }] } });

    expect(res.status).toBe(200);
    const start = events.find((e) => e.event === 'start')!.payload;
    // types.ts: "`end`: the finished run row (`start` fires before the row exists ...)"
    expect(start.run).toBeUndefined();
    expect(start).toMatchObject({ action: 'update-field', contentType: ARTICLE, total: 1, actionable: 1, params: { changes: [{ field: 'views', op: 'set', value: 1234 }] } });
    const end = events.find((e) => e.event === 'end')!.payload;
    expect(end.run).toMatchObject({ id: res.body.data.run.id, status: 'succeeded', total: 1 });
  });

  it('calls only the handlers whose contentType/action filter matches', async () => {
    const calls: string[] = [];
    on('start', () => void calls.push('article+update-field'), { contentType: ARTICLE, action: 'update-field' });
    on('start', () => void calls.push('article'), { contentType: ARTICLE });
    on('start', () => void calls.push('update-field'), { action: 'update-field' });
    on('start', () => void calls.push('category'), { contentType: CATEGORY });
    on('start', () => void calls.push('mark-reviewed'), { action: 'mark-reviewed' });
    on('start', () => void calls.push('category+update-field'), { contentType: CATEGORY, action: 'update-field' });
    on('end', () => void calls.push('end:mark-reviewed'), { action: 'mark-reviewed' });
    on('end', () => void calls.push('end:article'), { contentType: ARTICLE });

    const documentIds = (await editorDraftsNotInReview(1, 4)).map((row: any) => row.document_id);
    const res = await app
      .as('editor')
      .post(url('update-field', 'run'))
      .send({ selection: { documentIds }, params: { field: 'featured', value: true } });

    expect(res.status).toBe(200);
    expect(calls).toEqual(['article+update-field', 'article', 'update-field', 'end:article']);

    // and the other way round: a mark-reviewed run reaches the mark-reviewed handlers only
    calls.length = 0;
    const other = (await editorDraftsNotInReview(1, 5)).map((row: any) => row.document_id);
    const res2 = await app.as('editor').post(url('mark-reviewed', 'run')).send({ selection: { documentIds: other } });
    expect(res2.status).toBe(200);
    expect(calls).toEqual(['article', 'mark-reviewed', 'end:mark-reviewed', 'end:article']);
  });

  it('stops calling a handler once the function `on` returned is called', async () => {
    let calls = 0;
    const off = on('start', () => {
      calls += 1;
    });
    const run = async (offset: number) => {
      const documentIds = (await editorDraftsNotInReview(1, offset)).map((row: any) => row.document_id);
      const res = await app
        .as('editor')
        .post(url('update-field', 'run'))
        .send({ selection: { documentIds }, params: { field: 'views', value: 42 } });
      expect(res.status).toBe(200);
    };

    await run(6);
    expect(calls).toBe(1);
    off();
    await run(7);
    expect(calls).toBe(1);
    off(); // a second call is harmless
  });

  it('stops a run when a `start` handler throws ActionInterrupted: 409, nothing changed, an interrupted run row', async () => {
    on('start', () => {
      throw new signals.ActionInterrupted('Not on Fridays');
    }, { contentType: ARTICLE, action: 'update-field' });
    const ended = jest.fn();
    on('end', ended);

    const targets = await editorDraftsNotInReview(3, 8);
    expect(targets).toHaveLength(3);
    const before = await allArticleRows();
    const runsBefore = await app.knex()('bulk_actions_runs').count({ n: '*' }).first();

    const res = await app
      .as('editor')
      .post(url('update-field', 'run'))
      .send({ selection: { documentIds: targets.map((row: any) => row.document_id) }, params: { field: 'stage', value: 'trash' } });

    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('Not on Fridays');
    expect(res.body.error.details.run.status).toBe('interrupted');
    expect(await allArticleRows()).toEqual(before);
    expect(ended).not.toHaveBeenCalled();

    const runsAfter = await app.knex()('bulk_actions_runs').count({ n: '*' }).first();
    expect(Number(runsAfter!.n)).toBe(Number(runsBefore!.n) + 1);
    const run = await runRow(res.body.error.details.run.id);
    expect(run).toMatchObject({
      action: 'update-field',
      content_type: ARTICLE,
      user_id: app.seeded.users.editor.id,
      status: 'interrupted',
      total: 3,
      succeeded: 0,
      message: 'Not on Fridays',
    });
  });

  it('stops a preview when a `requested` handler throws ActionInterrupted: 409 and an interrupted run row', async () => {
    on('requested', () => {
      throw new signals.ActionInterrupted('Previews are closed');
    });
    const targets = await editorDraftsNotInReview(2);
    const before = await allArticleRows();

    const res = await app
      .as('editor')
      .post(url('update-field', 'preview'))
      .send({ selection: { documentIds: targets.map((row: any) => row.document_id) } });

    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('Previews are closed');
    expect(res.body.error.details.run.status).toBe('interrupted');
    expect(await allArticleRows()).toEqual(before);
    const run = await runRow(res.body.error.details.run.id);
    expect(run).toMatchObject({
      action: 'update-field',
      content_type: ARTICLE,
      user_id: app.seeded.users.editor.id,
      status: 'interrupted',
      total: 2,
      succeeded: 0,
      message: 'Previews are closed',
    });
  });

  it('leaves other errors of a `start` handler as errors, not interruptions, and changes nothing', async () => {
    on('start', () => {
      throw new Error('handler bug');
    });
    const targets = await editorDraftsNotInReview(1, 11);
    const before = await allArticleRows();
    const res = await app
      .as('editor')
      .post(url('update-field', 'run'))
      .send({ selection: { documentIds: targets.map((row: any) => row.document_id) }, params: { field: 'stage', value: 'trash' } });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.body.error.name).not.toBe('ActionInterrupted');
    expect(await allArticleRows()).toEqual(before);
  });
});
