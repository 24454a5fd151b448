import http from 'http';
import type { AddressInfo } from 'net';
import { bootPlayground, type TestApp } from '../helpers/strapi';

const ARTICLE = 'api::article.article';
const EVENT = 'bulk-actions.run.finished';
const RUN_URL = `/bulk-actions/content-types/${ARTICLE}/actions/update-field/run`;

interface Received {
  url: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
}

/** A local receiver that records every POST it gets. */
const startReceiver = async () => {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      if (req.method === 'POST') {
        let body: unknown = null;
        try {
          body = JSON.parse(raw);
        } catch {
          body = null;
        }
        received.push({ url: req.url ?? '', headers: req.headers, raw, body });
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { received, url: `http://127.0.0.1:${port}/hook`, close };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `predicate` holds or the deadline passes (no timing is asserted, only the outcome). */
const waitFor = async (predicate: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate() && Date.now() < deadline) await sleep(50);
  return predicate();
};

describe('webhooks: one Strapi webhook event per finished run', () => {
  let app: TestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    app = await bootPlayground();
    await app.enableActions(ARTICLE, ['update-field']);
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });

  it('refuses a webhook subscribing to an event that does not exist', async () => {
    const res = await app
      .as('admin')
      .post('/admin/webhooks')
      .send({ name: 'Unknown event', url: receiver.url, headers: {}, events: ['bulk-actions.nope'] });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(res.body)).toContain('bulk-actions.nope');
    const stored = await app.knex()('strapi_webhooks').select('name');
    expect(stored.map((row: { name: string }) => row.name)).not.toContain('Unknown event');
  });

  it(`lets the super admin create a webhook on "${EVENT}" and posts the run summary to it once per run`, async () => {
    const created = await app
      .as('admin')
      .post('/admin/webhooks')
      .send({ name: 'Bulk runs', url: receiver.url, headers: {}, events: [EVENT] });
    expect([200, 201]).toContain(created.status);
    expect(created.body.data).toMatchObject({ name: 'Bulk runs', url: receiver.url, events: [EVENT], isEnabled: true });

    const targets = await app
      .knex()('articles')
      .where({ locale: 'en', created_by_id: app.seeded.users.editor.id })
      .whereNull('published_at')
      .whereNot({ stage: 'review' })
      .orderBy('id')
      .limit(3)
      .select('id', 'document_id', 'title');
    expect(targets).toHaveLength(3);

    const res = await app
      .as('editor')
      .post(RUN_URL)
      .send({ selection: { documentIds: targets.map((row: any) => row.document_id) }, params: { field: 'stage', value: 'review' } });
    expect(res.status).toBe(200);
    expect(res.body.data.run).toMatchObject({ status: 'succeeded', succeeded: 3 });
    const runId = res.body.data.run.id;

    const finished = () => receiver.received.filter((post) => post.body?.event === EVENT);
    expect(await waitFor(() => finished().length >= 1)).toBe(true);
    // a little longer: a second post for the same run (or one per record) would show up now
    await sleep(500);
    const posts = finished();
    expect(posts).toHaveLength(1);
    const [post] = posts;

    expect(post.url).toBe('/hook');
    expect(post.headers['x-strapi-event']).toBe(EVENT);
    expect(post.body.run).toMatchObject({
      id: runId,
      action: 'update-field',
      contentType: ARTICLE,
      locale: 'en',
      userId: app.seeded.users.editor.id,
      status: 'succeeded',
      total: 3,
      succeeded: 3,
      skipped: 0,
      failed: 0,
    });
    // the summary, not the records: no per-record failures, no submitted values, no contents
    expect(post.body).not.toHaveProperty('failures');
    expect(post.body).not.toHaveProperty('params');
    expect(post.body.run).not.toHaveProperty('failures');
    expect(post.body.run).not.toHaveProperty('params');
    for (const row of targets) {
      expect(post.raw).not.toContain(row.title);
      expect(post.raw).not.toContain(row.document_id);
    }
    // and nothing else reached the receiver for this run
    expect(receiver.received.filter((p) => p.body?.event !== EVENT)).toEqual([]);
  });
});
