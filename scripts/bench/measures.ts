import path from 'path';
import type { api, BenchChild } from './child';
import type { Options } from './options';
import { now, round, sleep } from './util';

const ARTICLE = 'api::article.article';
const RUN_TIMEOUT_MS = 15 * 60 * 1000;

export interface MeasureContext {
  child: BenchChild;
  admin: ReturnType<typeof api>;
  options: Options;
  /** the documents of P2, S2, P3 and S3 */
  sets: { p2: string[]; s2: string[]; p3: string[]; s3: string[] };
  documents: number;
  publish: number;
  /** a temporary folder for B4's files */
  work: string;
}

/**
 * One function per figure: each does the work once, checks in the database that it was done
 * (right count, every row changed), puts the data back for the next repetition and answers its
 * times and what it measured.
 */
export function createMeasures({ child, admin, options, sets, documents: DOCUMENTS, publish: PUBLISH, work }: MeasureContext) {
  const state = { lastDocumentsRunId: null as number | null };
  const filtersFor = (featuredOnly: boolean) =>
    featuredOnly ? { stage: { $eq: 'review' }, featured: { $eq: true } } : { stage: { $eq: 'review' } };

  /** Follows a run at GET /runs/:id (every --poll-ms, default 20 ms) until it is finished; it must have succeeded. */
  const follow = async (name: string, started: any) => {
    let run = started;
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    while (['queued', 'running'].includes(run.status)) {
      if (Date.now() > deadline) throw new Error(`${name}: run ${run.id} still ${run.status}`);
      await sleep(options.pollMs);
      run = (await admin.json('GET', `/bulk-actions/runs/${run.id}`)).data.run;
    }
    if (run.status !== 'succeeded') throw new Error(`${name}: run ${run.id} ${run.status}: ${run.message}`);
    return run;
  };

  /** POST .../run; a queued run is followed until it is finished. Returns the finished run. */
  const runAction = async (name: string, body: object) => {
    const started = now();
    const res = await admin.request('POST', `/bulk-actions/content-types/${ARTICLE}/actions/${name}/run`, body);
    const text = await res.text();
    if (![200, 202].includes(res.status)) throw new Error(`${name}: ${res.status} ${text.slice(0, 2000)}`);
    const answeredMs = round(now() - started); // RBAC, selection frozen, run row written (queued runs)
    return { run: await follow(name, JSON.parse(text).data.run), queued: res.status === 202, answeredMs };
  };

  /** Reads a response body to its end: bytes and lines. */
  const readAll = async (res: Response) => {
    let bytes = 0;
    let lines = 0;
    for await (const part of res.body as any as AsyncIterable<Uint8Array>) {
      bytes += part.length;
      for (let i = 0; i < part.length; i += 1) if (part[i] === 10) lines += 1;
    }
    return { bytes, lines };
  };

  const expectEqual = (what: string, actual: number, expected: number) => {
    if (actual !== expected) throw new Error(`${what}: ${actual} instead of ${expected}`);
  };

  const measureL = async (featuredOnly: boolean, size: number) => {
    const l0 = await child.call('l0', { featuredOnly });
    expectEqual('L0 changed', l0.changed, size);
    await child.call('reset-stage');
    const l1 = await child.call('l1', { featuredOnly });
    expectEqual('L1 changed', l1.changed, size);
    await child.call('reset-stage');
    return { l0, l1 };
  };

  const measureP1 = async (featuredOnly: boolean, size: number) => {
    await child.call('rss-reset');
    await child.call('lag-start');
    const started = now();
    const { run, queued, answeredMs } = await runAction('update-field', {
      selection: { query: { filters: filtersFor(featuredOnly) } },
      params: { field: 'stage', value: 'published' },
    });
    const ms = now() - started;
    const lag = await child.call('lag-stop');
    const memory = await child.call('rss-peak');
    expectEqual('P1 succeeded', run.succeeded, size);
    expectEqual('P1 rows changed', (await child.call('count-changed')).changed, size);
    await child.call('reset-stage');
    return { ms: round(ms), answeredMs, queued, runDurationMs: run.durationMs, lag, memory };
  };

  const measureP4 = async (featuredOnly: boolean, size: number) => {
    const before = await child.call('rss-reset');
    await child.call('lag-start');
    const started = now();
    // up to the export threshold (5,000) the file streams in the response; above it the run is queued
    // and its file is downloaded once the run has succeeded
    const res = await admin.request('POST', `/bulk-actions/content-types/${ARTICLE}/actions/export-csv/run`, {
      selection: { query: { filters: filtersFor(featuredOnly) } },
      params: {},
    });
    const queued = res.status === 202;
    const answeredMs = round(now() - started);
    let read: { bytes: number; lines: number };
    let runMs = NaN;
    if (queued) {
      const run = await follow('export-csv', (await res.json()).data.run);
      runMs = now() - started;
      const download = await admin.request('GET', `/bulk-actions/runs/${run.id}/download`);
      if (download.status !== 200) throw new Error(`P4 download: ${download.status} ${await download.text()}`);
      read = await readAll(download);
    } else {
      if (res.status !== 200) throw new Error(`export-csv: ${res.status} ${await res.text()}`);
      read = await readAll(res);
    }
    const { bytes, lines } = read;
    const ms = now() - started;
    const lag = await child.call('lag-stop');
    const after = await child.call('rss-peak');
    expectEqual('P4 lines (header + rows)', lines, size + 1);
    return {
      ms: round(ms), answeredMs, runMs: round(runMs), queued, bytes, lag,
      rssBeforeMb: before.rssMb, peakMb: after.peakMb, rssGrowthMb: round(Math.max(0, after.peakMb - before.rssMb)),
    };
  };

  /** P5/P6: the export as XLSX or JSON, always queued here (both sizes are over the threshold at 100,000 rows). */
  const measureFormat = async (format: 'xlsx' | 'json', featuredOnly: boolean, size: number) => {
    const before = await child.call('rss-reset');
    await child.call('lag-start');
    const started = now();
    const res = await admin.request('POST', `/bulk-actions/content-types/${ARTICLE}/actions/export-csv/run`, {
      selection: { query: { filters: filtersFor(featuredOnly) } },
      params: { format },
    });
    let read: { bytes: number; lines: number };
    let runMs = NaN;
    if (res.status === 202) {
      const run = await follow(`export-csv (${format})`, (await res.json()).data.run);
      expectEqual(`${format} succeeded`, run.succeeded, size);
      runMs = now() - started;
      const download = await admin.request('GET', `/bulk-actions/runs/${run.id}/download`);
      if (download.status !== 200) throw new Error(`${format} download: ${download.status} ${await download.text()}`);
      read = await readAll(download);
    } else {
      if (res.status !== 200) throw new Error(`export-csv (${format}): ${res.status} ${await res.text()}`);
      read = await readAll(res);
    }
    const ms = now() - started;
    const lag = await child.call('lag-stop');
    const after = await child.call('rss-peak');
    // JSON: "[", one line per entry, "]"; a workbook is compressed: its size only
    if (format === 'json') expectEqual('P6 lines', read.lines, size + 2);
    else if (read.bytes < 1000) throw new Error(`P5: a ${read.bytes}-byte workbook`);
    return {
      ms: round(ms), runMs: round(runMs), downloadMs: round(ms - runMs), bytes: read.bytes, lag,
      rssBeforeMb: before.rssMb, peakMb: after.peakMb, rssGrowthMb: round(Math.max(0, after.peakMb - before.rssMb)),
    };
  };

  const measureB4 = async (featuredOnly: boolean, size: number) => {
    const before = await child.call('rss-reset');
    const b4 = await child.call('b4', { featuredOnly, file: path.join(work, `b4-${featuredOnly ? 'n10' : 'n'}.csv`) });
    const after = await child.call('rss-peak');
    expectEqual('B4 rows', b4.rows, size);
    return { ...b4, rssBeforeMb: before.rssMb, peakMb: after.peakMb, rssGrowthMb: round(Math.max(0, after.peakMb - before.rssMb)) };
  };

  const measureP2 = async () => {
    const started = now();
    const { run, queued, answeredMs } = await runAction('bump-views-documents', { selection: { documentIds: sets.p2 }, params: {} });
    const ms = now() - started;
    expectEqual('P2 succeeded', run.succeeded, DOCUMENTS);
    state.lastDocumentsRunId = run.id;
    expectEqual('P2 views', (await child.call('sum-views', { documentIds: sets.p2 })).views, DOCUMENTS);
    await child.call('reset-views', { documentIds: sets.p2 });
    return { ms: round(ms), answeredMs, queued, runDurationMs: run.durationMs };
  };

  const measureS2 = async () => {
    const s2 = await child.call('s2', { documentIds: sets.s2 });
    expectEqual('S2 views', (await child.call('sum-views', { documentIds: sets.s2 })).views, DOCUMENTS);
    await child.call('reset-views', { documentIds: sets.s2 });
    return s2;
  };

  const measureP3 = async () => {
    const started = now();
    const { run, queued, answeredMs } = await runAction('publish', { selection: { documentIds: sets.p3 }, params: {} });
    const ms = now() - started;
    expectEqual('P3 succeeded', run.succeeded, PUBLISH);
    expectEqual('P3 published', (await child.call('count-published', { documentIds: sets.p3 })).published, PUBLISH);
    await child.call('unpublish', { documentIds: sets.p3 });
    return { ms: round(ms), answeredMs, queued, runDurationMs: run.durationMs };
  };

  const measureS3 = async () => {
    const started = now();
    const body = await admin.json('POST', `/content-manager/collection-types/${ARTICLE}/actions/bulkPublish`, { documentIds: sets.s3 });
    const ms = now() - started;
    // Strapi emits the entry.publish events (each one reloads its entry) after the commit, once the
    // response is sent: not part of S3's time, waited for before anything else runs
    const eventsAfterResponseMs = (await child.call('idle')).waitedMs;
    expectEqual('S3 count', body.count, PUBLISH);
    expectEqual('S3 published', (await child.call('count-published', { documentIds: sets.s3 })).published, PUBLISH);
    await child.call('unpublish', { documentIds: sets.s3 });
    return { ms: round(ms), eventsAfterResponseMs };
  };

  return { measureL, measureP1, measureP4, measureFormat, measureB4, measureP2, measureS2, measureP3, measureS3, state };
}
