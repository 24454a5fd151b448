import crypto from 'crypto';
import path from 'path';
import type { api, BenchChild } from './child';
import type { Options } from './options';
import { log, now, round, sleep } from './util';

const ARTICLE = 'api::article.article';
const RUN_TIMEOUT_MS = 30 * 60 * 1000;
/** entries per request of the "without the plugin" samples: the largest page of the Content Manager's list view */
const W_PAGE = 100;

export interface MeasureContext {
  child: BenchChild;
  admin: ReturnType<typeof api>;
  options: Options;
  /** the documents of P2, S2, P3 and S3 */
  sets: { p2: string[]; s2: string[]; p3: string[]; s3: string[]; w1: string[] };
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
  const state = { lastRunId: null as number | null };
  /** the SHA-256 of the last CSV export of each size: B4 must write the same bytes */
  const csvHashes = new Map<number, string>();
  const filtersFor = (featuredOnly: boolean) =>
    featuredOnly ? { stage: { $eq: 'review' }, featured: { $eq: true } } : { stage: { $eq: 'review' } };

  /**
   * Follows a run at GET /runs/:id every --poll-ms (by default the admin's own interval, as the run
   * page does) until it is finished; it must have succeeded. Answers the run, when the poll saw it
   * finished, and the polls it took.
   */
  /** One GET /runs/:id, sent again (twice at most) when the connection is reset: a GET changes nothing. */
  const poll = async (id: number, tries = 3): Promise<any> => {
    try {
      return await admin.json('GET', `/bulk-actions/runs/${id}`);
    } catch (error) {
      if (tries <= 1 || !(error instanceof TypeError)) throw error; // fetch's network errors are TypeErrors
      log(`GET /runs/${id}: ${(error as Error).message} (${String((error as any).cause?.code ?? '')}), sent again`);
      await sleep(200);
      return poll(id, tries - 1);
    }
  };

  const follow = async (name: string, started: any) => {
    let run = started;
    let polls = 0;
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    while (['queued', 'running'].includes(run.status)) {
      if (Date.now() > deadline) throw new Error(`${name}: run ${run.id} still ${run.status}`);
      await sleep(options.pollMs);
      run = (await poll(run.id)).data.run;
      polls += 1;
    }
    if (run.status !== 'succeeded') throw new Error(`${name}: run ${run.id} ${run.status}: ${run.message}`);
    state.lastRunId = run.id;
    return { run, polls, seenAt: Date.now() };
  };

  /**
   * POST .../run; a queued run is followed until it is finished. `ms` is what the user waits for:
   * from the request to the `finishedAt` the server recorded (the parent and the Strapi child share
   * the clock), not to the poll that saw it (up to one poll interval later, `seenMs`).
   */
  const runAction = async (name: string, body: object) => {
    const startedAt = Date.now();
    const started = now();
    const res = await admin.request('POST', `/bulk-actions/content-types/${ARTICLE}/actions/${name}/run`, body);
    const text = await res.text();
    if (![200, 202].includes(res.status)) throw new Error(`${name}: ${res.status} ${text.slice(0, 2000)}`);
    const answeredMs = round(now() - started); // RBAC, selection frozen, run row written (queued runs)
    const { run, polls, seenAt } = await follow(name, JSON.parse(text).data.run);
    const finishedAt = Date.parse(run.finishedAt);
    if (Number.isNaN(finishedAt)) throw new Error(`${name}: run ${run.id} has no finishedAt`);
    return { run, queued: res.status === 202, answeredMs, ms: round(finishedAt - startedAt), seenMs: round(seenAt - startedAt), polls };
  };

  /** Reads a response body to its end: bytes and lines. */
  const readAll = async (res: Response) => {
    let bytes = 0;
    let lines = 0;
    const hash = crypto.createHash('sha256');
    for await (const part of res.body as any as AsyncIterable<Uint8Array>) {
      bytes += part.length;
      hash.update(part);
      for (let i = 0; i < part.length; i += 1) if (part[i] === 10) lines += 1;
    }
    return { bytes, lines, sha256: hash.digest('hex') };
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

  type Change = { field: string; op: string; value?: unknown };
  const STAGE: Change = { field: 'stage', op: 'set', value: 'published' };
  const VIEWS: Change = { field: 'views', op: 'increment', value: 1 };

  /**
   * An update-field run (the built-in, or its unrecorded copy) on "all matching": stage → published,
   * plus views + 1 with `twoFields`. Checked in the database, then put back (stage, views, and what
   * undo recorded), untimed.
   */
  const measureEdit = async (action: string, featuredOnly: boolean, size: number, { twoFields = false } = {}) => {
    await child.call('rss-reset');
    await child.call('lag-start');
    const result = await runAction(action, {
      selection: { query: { filters: filtersFor(featuredOnly) } },
      params: { changes: twoFields ? [STAGE, VIEWS] : [STAGE] },
    });
    const lag = await child.call('lag-stop');
    const memory = await child.call('rss-peak');
    expectEqual(`${action} succeeded`, result.run.succeeded, size);
    const changed = await child.call('count-changed');
    expectEqual(`${action} rows changed`, changed.changed, size);
    expectEqual(`${action} views added`, changed.views, twoFields ? size : 0);
    await child.call('reset-stage');
    await child.call('reset-undo');
    const { run, ...timing } = result;
    return { ...timing, runDurationMs: run.durationMs, lag, memory };
  };
  const measureP1 = (featuredOnly: boolean, size: number) => measureEdit('update-field', featuredOnly, size);

  /** One tag added to every matching draft by a run, or (T0) by one hand-written INSERT … SELECT; links removed afterwards. */
  const measureTag = async (action: string | null, featuredOnly: boolean, size: number) => {
    if (!action) {
      const t0 = await child.call('link-tag', { featuredOnly });
      expectEqual('T0 linked', t0.linked, size);
      await child.call('reset-tag');
      return t0;
    }
    const tag = await child.call('bench-tag');
    await child.call('lag-start');
    const result = await runAction(action, {
      selection: { query: { filters: filtersFor(featuredOnly) } },
      params: { changes: [{ field: 'tags', op: 'add', value: [tag.documentId] }] },
    });
    const lag = await child.call('lag-stop');
    expectEqual(`${action} (tag) succeeded`, result.run.succeeded, size);
    expectEqual(`${action} (tag) linked`, (await child.call('count-tagged', { featuredOnly })).tagged, size);
    await child.call('reset-tag');
    await child.call('reset-undo');
    const { run, ...timing } = result;
    return { ...timing, runDurationMs: run.durationMs, lag };
  };

  /**
   * A queued export until its file is read to the end: what the user waits for is the run (request to
   * its finishedAt) plus the download.
   */
  const measureExport = async (format: 'csv' | 'xlsx' | 'json', featuredOnly: boolean, size: number) => {
    const before = await child.call('rss-reset');
    await child.call('lag-start');
    const cpuBefore = await child.call('cpu');
    const startedAt = Date.now();
    const started = now();
    const res = await admin.request('POST', `/bulk-actions/content-types/${ARTICLE}/actions/export-csv/run`, {
      selection: { query: { filters: filtersFor(featuredOnly) } },
      params: format === 'csv' ? {} : { format },
    });
    const queued = res.status === 202;
    const answeredMs = round(now() - started);
    let read: { bytes: number; lines: number; sha256: string };
    let runMs: number;
    let downloadMs: number;
    if (queued) {
      // above the export threshold (5,000) the run is queued and its file downloaded once it succeeded
      const { run } = await follow(`export (${format})`, (await res.json()).data.run);
      expectEqual(`${format} succeeded`, run.succeeded, size);
      runMs = Date.parse(run.finishedAt) - startedAt;
      const downloadStarted = now();
      const download = await admin.request('GET', `/bulk-actions/runs/${run.id}/download`);
      if (download.status !== 200) throw new Error(`${format} download: ${download.status} ${await download.text()}`);
      read = await readAll(download);
      downloadMs = now() - downloadStarted;
    } else {
      // up to it the file streams in the response
      if (res.status !== 200) throw new Error(`export (${format}): ${res.status} ${await res.text()}`);
      read = await readAll(res);
      runMs = now() - started;
      downloadMs = 0;
    }
    // the Strapi process's CPU time (its status polls included): steadier than the wall clock on a shared machine
    const cpuMs = round((await child.call('cpu')).ms - cpuBefore.ms);
    const lag = await child.call('lag-stop');
    const after = await child.call('rss-peak');
    // CSV: a header and one line per entry; JSON: "[", one line per entry, "]"; a workbook is compressed: its size only
    if (format === 'csv') {
      expectEqual('CSV lines (header + rows)', read.lines, size + 1);
      csvHashes.set(size, read.sha256);
    } else if (format === 'json') expectEqual('JSON lines', read.lines, size + 2);
    else if (read.bytes < 1000) throw new Error(`XLSX: a ${read.bytes}-byte workbook`);
    return {
      ms: round(runMs + downloadMs), answeredMs, runMs: round(runMs), downloadMs: round(downloadMs), cpuMs, queued, bytes: read.bytes, lag,
      rssBeforeMb: before.rssMb, peakMb: after.peakMb, rssGrowthMb: round(Math.max(0, after.peakMb - before.rssMb)),
    };
  };
  const measureP4 = (featuredOnly: boolean, size: number) => measureExport('csv', featuredOnly, size);
  const measureFormat = (format: 'xlsx' | 'json', featuredOnly: boolean, size: number) => measureExport(format, featuredOnly, size);

  const measureB4 = async (featuredOnly: boolean, size: number) => {
    const before = await child.call('rss-reset');
    const cpuBefore = await child.call('cpu');
    const b4 = await child.call('b4', { featuredOnly, file: path.join(work, `b4-${featuredOnly ? 'n10' : 'n'}.csv`) });
    const cpuMs = round((await child.call('cpu')).ms - cpuBefore.ms);
    const after = await child.call('rss-peak');
    expectEqual('B4 rows', b4.rows, size);
    // the baseline is only a baseline if it writes what the export writes
    const p4 = csvHashes.get(size);
    if (p4 && p4 !== b4.sha256) throw new Error(`B4 wrote other bytes than P4's CSV (${b4.sha256} vs ${p4}); B4's file: ${b4.file}`);
    return { ...b4, cpuMs, rssBeforeMb: before.rssMb, peakMb: after.peakMb, rssGrowthMb: round(Math.max(0, after.peakMb - before.rssMb)) };
  };

  const measureP2 = async () => {
    const { run, ...timing } = await runAction('bump-views-documents', { selection: { documentIds: sets.p2 }, params: {} });
    expectEqual('P2 succeeded', run.succeeded, DOCUMENTS);
    expectEqual('P2 views', (await child.call('sum-views', { documentIds: sets.p2 })).views, DOCUMENTS);
    await child.call('reset-views', { documentIds: sets.p2 });
    return { ...timing, runDurationMs: run.durationMs };
  };

  const measureS2 = async () => {
    const s2 = await child.call('s2', { documentIds: sets.s2 });
    expectEqual('S2 views', (await child.call('sum-views', { documentIds: sets.s2 })).views, DOCUMENTS);
    await child.call('reset-views', { documentIds: sets.s2 });
    return s2;
  };

  const measureP3 = async () => {
    const { run, ...timing } = await runAction('publish', { selection: { documentIds: sets.p3 }, params: {} });
    expectEqual('P3 succeeded', run.succeeded, PUBLISH);
    expectEqual('P3 published', (await child.call('count-published', { documentIds: sets.p3 })).published, PUBLISH);
    await child.call('unpublish', { documentIds: sets.p3 });
    await child.call('reset-undo');
    return { ...timing, runDurationMs: run.durationMs };
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

  // ------------------------------------------------------------------ without the plugin (samples)
  // What Strapi offers an editor without the plugin, over HTTP as the admin calls it, measured on a
  // sample and extrapolated (per entry) to N by the report.

  /** W1: the Content Manager's edit view saved once per entry (PUT …/:documentId), views → 1. */
  const measureW1 = async () => {
    const started = now();
    for (const documentId of sets.w1) {
      await admin.json('PUT', `/content-manager/collection-types/${ARTICLE}/${documentId}?locale=en`, { views: 1 });
    }
    const ms = now() - started;
    expectEqual('W1 views', (await child.call('sum-views', { documentIds: sets.w1 })).views, sets.w1.length);
    await child.call('reset-views', { documentIds: sets.w1 });
    return { ms: round(ms), entries: sets.w1.length };
  };

  /** W3: the list view's bulk publish, one page of 100 entries at a time (the largest page the list view offers). */
  const measureW3 = async () => {
    let ms = 0;
    let eventsAfterResponseMs = 0;
    for (let i = 0; i < sets.s3.length; i += W_PAGE) {
      const started = now();
      const body = await admin.json('POST', `/content-manager/collection-types/${ARTICLE}/actions/bulkPublish`, { documentIds: sets.s3.slice(i, i + W_PAGE) });
      ms += now() - started;
      expectEqual('W3 count', body.count, Math.min(W_PAGE, sets.s3.length - i));
      eventsAfterResponseMs += (await child.call('idle')).waitedMs;
    }
    expectEqual('W3 published', (await child.call('count-published', { documentIds: sets.s3 })).published, PUBLISH);
    await child.call('unpublish', { documentIds: sets.s3 });
    return { ms: round(ms), entries: sets.s3.length, eventsAfterResponseMs: round(eventsAfterResponseMs) };
  };

  /** W4: the list view's pages of 100 matching entries read one after the other (how one copies them out without an export). */
  const measureW4 = async (pages: number) => {
    const started = now();
    let entries = 0;
    for (let page = 1; page <= pages; page += 1) {
      const body = await admin.json('GET', `/content-manager/collection-types/${ARTICLE}?page=${page}&pageSize=${W_PAGE}&locale=en&filters[stage][$eq]=review`);
      entries += body.results.length;
    }
    const ms = now() - started;
    expectEqual('W4 entries', entries, pages * W_PAGE);
    return { ms: round(ms), entries };
  };

  // --------------------------------------------------------------------------- update from a file

  /**
   * The file of the update-from-file figures, built once: every matching draft's row (documentId,
   * locale, stage), half of them (every other one) changed from review to published.
   */
  let file: { csv: string; changed: string[]; rows: number } | null = null;
  const fileOf = async () => {
    if (file) return file;
    const { documentIds } = await child.call('matching-ids');
    const changed = documentIds.filter((_, i) => i % 2 === 0);
    const lines = documentIds.map((id, i) => `${id},en,${i % 2 === 0 ? 'published' : 'review'}`);
    file = { csv: `documentId,locale,stage\r\n${lines.join('\r\n')}\r\n`, changed, rows: documentIds.length };
    return file;
  };

  /**
   * F: the file uploaded, its dry run (the preview with the params, what the editor reads before
   * confirming) and the confirmed run, queued and followed. Each is checked (half planned, half
   * unchanged, half written), and put back (stage, what undo recorded, the upload), untimed.
   */
  const measureFile = async (size: number) => {
    const { csv, changed, rows } = await fileOf();
    expectEqual('file rows', rows, size);
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'bench.csv');
    const uploadStarted = now();
    const { upload } = await admin.form('/bulk-actions/uploads', form);
    const uploadMs = round(now() - uploadStarted);
    expectEqual('upload rows', upload.rows, size);
    const body = { selection: { query: { filters: filtersFor(false) } }, locale: 'en', params: { upload: upload.id } };

    const dryBefore = await child.call('rss-reset');
    await child.call('lag-start');
    const dryStarted = now();
    const dry = await admin.json('POST', `/bulk-actions/content-types/${ARTICLE}/actions/update-from-file/preview`, body);
    const dryRunMs = round(now() - dryStarted);
    const dryLag = await child.call('lag-stop');
    const dryAfter = await child.call('rss-peak');
    const plan = dry.data.plan;
    expectEqual('dry run: will change', plan.willChange, changed.length);
    expectEqual('dry run: unchanged', plan.skipped?.unchanged ?? 0, size - changed.length);

    const before = await child.call('rss-reset');
    await child.call('lag-start');
    const result = await runAction('update-from-file', { ...body, params: { ...body.params, since: plan.carry.since } });
    const lag = await child.call('lag-stop');
    const after = await child.call('rss-peak');
    expectEqual('update-from-file succeeded', result.run.succeeded, changed.length);
    expectEqual('update-from-file rows changed', (await child.call('count-changed')).changed, changed.length);
    await child.call('reset-stage');
    await child.call('reset-undo');
    await admin.json('DELETE', `/bulk-actions/uploads/${upload.id}`, undefined, [204]);
    const { run, ...timing } = result;
    return {
      ...timing, runDurationMs: run.durationMs, uploadMs, dryRunMs, bytes: csv.length, lag, dryLag,
      dryRssGrowthMb: round(Math.max(0, dryAfter.peakMb - dryBefore.rssMb)), rssBeforeMb: before.rssMb, peakMb: after.peakMb,
      rssGrowthMb: round(Math.max(0, after.peakMb - before.rssMb)),
    };
  };

  /** F0: the same changes written by hand, set-based, once the changed keys are known. */
  const measureFileBaseline = async () => {
    const { changed } = await fileOf();
    const f0 = await child.call('file-baseline', { documentIds: changed });
    expectEqual('F0 changed', f0.changed, changed.length);
    expectEqual('F0 rows changed', (await child.call('count-changed')).changed, changed.length);
    await child.call('reset-stage');
    return f0;
  };

  return { measureFile, measureFileBaseline, measureL, measureP1, measureEdit, measureTag, measureP4, measureFormat, measureB4, measureP2, measureS2, measureP3, measureS3, measureW1, measureW3, measureW4, state };
}
