/**
 * `npm run bench [-- --rows 100000 --db sqlite|postgres --repeat 3 --only l,p1,p2,p3,p4,p5 --cpu-prof]`
 *
 * Seeds a fresh database with N article drafts (knex, in batches), boots the playground Strapi in a
 * child process (scripts/bench-server.ts: its RSS and event-loop lag are its own), and measures each
 * figure `--repeat` times, reporting the median:
 *
 *   L0  one raw UPDATE of the N matching rows                       (inside Strapi's process)
 *   L1  knex: read the matching documentIds, UPDATE ... IN (500 ids) chunk by chunk  (inside)
 *   P1  the plugin's update-field over HTTP on "all matching", until GET /runs/:id says succeeded
 *   P2  documents mode (fixture bump-views-documents) over 2,000 documents, end to end over HTTP
 *   S2  a plain strapi.documents().update loop over 2,000 other documents (inside)
 *   P3  the plugin's publish of 500 documents, end to end over HTTP
 *   S3  the Content Manager's bulkPublish endpoint on 500 other documents (HTTP)
 *   P4  export-csv of the N rows: queued, written to a file, downloaded and read fully (HTTP)
 *   B4  knex keyset pages of 1,000 rows through papaparse into a file (inside)
 *   P5  the same export as XLSX (`--only p5`, not in the default set): queued, its workbook assembled
 *       from the stored parts while it is downloaded; P6 the same as JSON
 *
 * plus the peak RSS growth of the Strapi process during P4/B4, its event-loop lag p99 during P1/P4,
 * and P1/P4 at N/10 for the scaling ratio. Prints one table judged against the targets in docs/benchmark.md and
 * writes the raw results to bench/results/<timestamp>-<db>-<rows>.json. Everything it starts (the
 * Strapi child, the PostgreSQL cluster, temporary folders) is stopped and removed, also on failure.
 */
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { compilePlayground, ensureServerBuilt, freePort, REPO_ROOT } from './playground';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster';

const ARTICLE = 'api::article.article';
const WORKER_POLL_MS = 50; // BULK_ACTIONS_POLL_MS of the Strapi child
const DOCUMENTS = 2000; // P2 and S2, each
const PUBLISH = 500; // P3 and S3, each
const RUN_TIMEOUT_MS = 15 * 60 * 1000;

// ---------------------------------------------------------------------------------------------- options

interface Options {
  rows: number;
  db: 'sqlite' | 'postgres';
  repeat: number;
  only: Set<string>;
  cpuProf: boolean;
  /** GET /runs/:id every this many ms while a run works */
  pollMs: number;
}

/** A wrong command line: reported as one line, not a stack. */
class UsageError extends Error {}

function parseOptions(argv: string[]): Options {
  const options: Options = { rows: 100_000, db: 'sqlite', repeat: 3, only: new Set(['l', 'p1', 'p2', 'p3', 'p4']), cpuProf: false, pollMs: 20 };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (flag === '--rows') options.rows = Number(value());
    else if (flag === '--db') options.db = value() as Options['db'];
    else if (flag === '--repeat') options.repeat = Number(value());
    else if (flag === '--only') options.only = new Set(value().split(',').map((s) => s.trim().toLowerCase()));
    else if (flag === '--cpu-prof') options.cpuProf = true;
    else if (flag === '--poll-ms') options.pollMs = Number(value());
    else if (flag === '--help' || flag === '-h') {
      console.log('npm run bench -- [--rows 100000] [--db sqlite|postgres] [--repeat 3] [--only l,p1,p2,p3,p4,p5] [--poll-ms 20] [--cpu-prof]');
      process.exit(0);
    } else throw new UsageError(`unknown option ${argv[i]} (try --help)`);
  }
  if (!Number.isInteger(options.rows) || options.rows < 100) throw new UsageError('--rows: an integer of at least 100');
  if (!['sqlite', 'postgres'].includes(options.db)) throw new UsageError('--db: sqlite or postgres');
  if (!Number.isInteger(options.repeat) || options.repeat < 1) throw new UsageError('--repeat: a positive integer');
  if (!(options.pollMs >= 1)) throw new UsageError('--poll-ms: a number of milliseconds');
  return options;
}

// ------------------------------------------------------------------------------------------- helpers

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
/** set on Ctrl-C / SIGTERM: what fails while stopping is not worth reporting */
let interrupted = false;

/** The Strapi child: an IPC request/response channel over process.send. */
class BenchChild {
  private nextId = 1;
  private pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  private output = '';
  readonly exited: Promise<number | null>;
  ready: Promise<any>;

  constructor(readonly child: ChildProcess) {
    let onReady!: (value: any) => void;
    let onFail!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => ((onReady = resolve), (onFail = reject)));
    const keep = (data: Buffer) => {
      this.output = (this.output + data.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (message: any) => {
      if (message?.type === 'ready') return onReady(message);
      const waiter = this.pending.get(message?.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`bench-server: ${message.error}`));
    });
    this.exited = new Promise((resolve) =>
      child.on('exit', (code) => {
        const error = new Error(`the Strapi process exited (${code}):\n${this.output}`);
        onFail(error);
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
        resolve(code);
      })
    );
  }

  call<T = any>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, cmd, ...args }, (error) => {
        if (error) {
          this.pending.delete(id);
          reject(error);
        }
      });
    });
  }

  /** Asks Strapi to shut down, then kills it if it does not within 30 s. */
  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      if (this.child.connected) this.child.send({ id: 0, cmd: 'stop' });
      else this.child.kill('SIGTERM');
    } catch {
      this.child.kill('SIGTERM');
    }
    const killed = sleep(30_000).then(() => 'timeout');
    if ((await Promise.race([this.exited, killed])) === 'timeout') {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** A tiny admin API client (global fetch). */
function api(baseUrl: string, token?: string) {
  const request = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(baseUrl + url, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res;
  };
  const json = async (method: string, url: string, body?: unknown, expected: number[] = [200]) => {
    const res = await request(method, url, body);
    const text = await res.text();
    if (!expected.includes(res.status)) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 2000)}`);
    return text ? JSON.parse(text) : null;
  };
  return { request, json };
}

// -------------------------------------------------------------------------------------------- main

interface Measure {
  runs: any[];
  median: number;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const N = options.rows;
  const N10 = Math.max(1, Math.round(N / 10));
  const cleanups: Array<() => Promise<void> | void> = [];
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        log(`cleanup: ${(error as Error).message}`);
      }
    }
  };
  const onSignal = (code: number) => () => {
    interrupted = true;
    log('interrupted: stopping what the bench started');
    void cleanup().finally(() => process.exit(code));
  };
  process.on('SIGINT', onSignal(130));
  process.on('SIGTERM', onSignal(143));

  try {
    log('building the server half and compiling the playground when needed');
    ensureServerBuilt((message) => log(message));
    await compilePlayground();

    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-actions-bench-'));
    cleanups.push(() => fs.rmSync(work, { recursive: true, force: true }));
    const exportDir = path.join(work, 'exports');

    let databaseEnv: Record<string, string>;
    let cluster: PostgresCluster | null = null;
    if (options.db === 'postgres') {
      log('starting a throwaway PostgreSQL 15 cluster');
      cluster = await startPostgresCluster({ quiet: true });
      cleanups.push(() => cluster!.stop());
      await cluster.createDatabase('bench');
      databaseEnv = { ...cluster.env, DATABASE_NAME: 'bench' };
    } else {
      databaseEnv = { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(work, 'data.db') };
    }

    const port = await freePort();
    const runStamp = new Date().toISOString().replace(/[:.]/g, '-');
    const profileDir = path.join(REPO_ROOT, 'bench', 'results', 'profiles');
    log(`starting Strapi (${options.db}) in a child process, worker poll ${WORKER_POLL_MS} ms`);
    const child = new BenchChild(
      spawn(
        process.execPath,
        [
          '--expose-gc',
          '-r', 'esbuild-register',
          path.join(__dirname, 'bench-server.ts'),
        ],
        {
          cwd: REPO_ROOT,
          env: {
            ...process.env,
            ...databaseEnv,
            HOST: '127.0.0.1',
            PORT: String(port),
            STRAPI_TELEMETRY_DISABLED: 'true',
            BULK_ACTIONS_POLL_MS: String(WORKER_POLL_MS),
            BULK_ACTIONS_TEST_ACTIONS: 'true',
            BULK_ACTIONS_EXPORT_DIR: exportDir,
          },
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        }
      )
    );
    cleanups.push(() => child.stop());
    const ready = await child.ready;
    const baseUrl = `http://127.0.0.1:${ready.port}`;
    const dbVersion = await child.call('db-version');

    const anonymous = api(baseUrl);
    const login = await anonymous.json('POST', '/admin/login', ready.admin);
    const admin = api(baseUrl, login.data.token);
    await admin.json('PUT', '/bulk-actions/settings', {
      contentTypes: { [ARTICLE]: { actions: ['update-field', 'publish', 'export-csv', 'bump-views-documents'] } },
    });

    // ------------------------------------------------------------------------------------ data
    log(`inserting ${N} article drafts (the first ${N10} featured) and ${2 * DOCUMENTS + 2 * PUBLISH} more for P2/S2/P3/S3`);
    const inserted = await child.call('insert', { count: N, prefix: 'bench', stage: 'review', featured: N10 });
    const others = await child.call('insert', { count: 2 * DOCUMENTS + 2 * PUBLISH, prefix: 'docs', stage: 'draft', returnIds: true });
    const ids: string[] = others.documentIds;
    const sets = {
      p2: ids.slice(0, DOCUMENTS),
      s2: ids.slice(DOCUMENTS, 2 * DOCUMENTS),
      p3: ids.slice(2 * DOCUMENTS, 2 * DOCUMENTS + PUBLISH),
      s3: ids.slice(2 * DOCUMENTS + PUBLISH),
    };
    log(`inserted in ${Math.round(inserted.ms + others.ms)} ms`);

    // ----------------------------------------------------------------------------- measurements
    const results: Record<string, any[]> = {};
    const add = async (name: string, value: any) => {
      // untimed: let the Strapi process finish what the measurement left behind before the next one
      value.deferredMs = (await child.call('idle')).waitedMs;
      (results[name] ??= []).push(value);
    };
    let profiling = false;
    /** --cpu-prof: the Strapi process's CPU profile of each figure's last repetition */
    const profiled = async <T>(name: string, measure: () => Promise<T>): Promise<T> => {
      if (!profiling) return measure();
      await child.call('profile-start');
      try {
        return await measure();
      } finally {
        const file = path.join(profileDir, `${runStamp}-${options.db}-${name.replace(/[^A-Za-z0-9]+/g, '_')}.cpuprofile`);
        await child.call('profile-stop', { file });
      }
    };
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

    let lastDocumentsRunId: number | null = null;
    const measureP2 = async () => {
      const started = now();
      const { run, queued, answeredMs } = await runAction('bump-views-documents', { selection: { documentIds: sets.p2 }, params: {} });
      const ms = now() - started;
      expectEqual('P2 succeeded', run.succeeded, DOCUMENTS);
      lastDocumentsRunId = run.id;
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

    const only = options.only;
    // one untimed pass over the code paths, so that the first repetition is not the one paying for JIT and caches
    log('warm-up (not recorded)');
    if (only.has('l')) await measureL(true, N10);
    if (only.has('p1')) await measureP1(true, N10);
    if (only.has('p4')) await measureP4(true, N10);
    if (only.has('p5')) await measureFormat('xlsx', true, N10);

    for (let rep = 1; rep <= options.repeat; rep += 1) {
      log(`repetition ${rep}/${options.repeat}`);
      profiling = options.cpuProf && rep === options.repeat;
      if (only.has('l')) {
        const small = await measureL(true, N10);
        await add('L0@N/10', small.l0);
        await add('L1@N/10', small.l1);
        const full = await measureL(false, N);
        await add('L0', full.l0);
        await add('L1', full.l1);
      }
      if (only.has('p1')) {
        await add('P1@N/10', await profiled('P1@N/10', () => measureP1(true, N10)));
        await add('P1', await profiled('P1', () => measureP1(false, N)));
      }
      if (only.has('p2')) {
        // alternate which goes first, so that neither always runs on a warmer process
        if (rep % 2) {
          await add('P2', await profiled('P2', () => measureP2()));
          await add('S2', await profiled('S2', () => measureS2()));
        } else {
          await add('S2', await profiled('S2', () => measureS2()));
          await add('P2', await profiled('P2', () => measureP2()));
        }
      }
      if (only.has('p3')) {
        if (rep % 2) {
          await add('P3', await profiled('P3', () => measureP3()));
          await add('S3', await profiled('S3', () => measureS3()));
        } else {
          await add('S3', await profiled('S3', () => measureS3()));
          await add('P3', await profiled('P3', () => measureP3()));
        }
      }
      if (only.has('p4')) {
        await add('P4@N/10', await profiled('P4@N/10', () => measureP4(true, N10)));
        await add('B4@N/10', await profiled('B4@N/10', () => measureB4(true, N10)));
        await add('P4', await profiled('P4', () => measureP4(false, N)));
        await add('B4', await profiled('B4', () => measureB4(false, N)));
      }
      if (only.has('p5')) {
        await add('P5', await profiled('P5', () => measureFormat('xlsx', false, N)));
        await add('P6', await profiled('P6', () => measureFormat('json', false, N)));
      }
      log(`  ${Object.entries(results).map(([name, runs]) => `${name} ${Math.round(runs[runs.length - 1].ms)} ms`).join(', ')}`);
    }

    // what one status poll costs the Strapi process: GET /runs/:id (a 2,000-document run) next to
    // Strapi's own GET /admin/users/me, which pays the same admin authentication and RBAC
    const latency = async (url: string) => {
      const times: number[] = [];
      const cpuBefore = (await child.call('cpu')).ms;
      for (let i = 0; i < 30; i += 1) {
        const started = now();
        await admin.json('GET', url);
        times.push(now() - started);
      }
      const cpuMs = ((await child.call('cpu')).ms - cpuBefore) / 30;
      return { latencyMs: round(median(times)), strapiCpuMs: round(cpuMs) };
    };
    const polls = lastDocumentsRunId
      ? {
          run: await profiled('poll-run', () => latency(`/bulk-actions/runs/${lastDocumentsRunId}`)),
          usersMe: await profiled('poll-users-me', () => latency('/admin/users/me')),
        }
      : null;

    // ------------------------------------------------------------------------------------ report
    const figures: Record<string, Measure> = {};
    for (const [name, runs] of Object.entries(results)) figures[name] = { runs, median: round(median(runs.map((r) => r.ms))) };
    const med = (name: string, pick: (run: any) => number) => (results[name] ? round(median(results[name].map(pick))) : NaN);
    /**
     * A ratio is the median of the per-repetition ratios: each figure and its baseline are measured in
     * the same repetition, minutes apart at most, so load from other processes on the machine weighs
     * on both sides of each ratio.
     */
    const ratio = (name: string, baseline: string) => {
      const a = results[name] ?? [];
      const b = results[baseline] ?? [];
      const n = Math.min(a.length, b.length);
      return n ? median(Array.from({ length: n }, (_, i) => a[i].ms / b[i].ms)) : NaN;
    };

    type Row = { figure: string; value: string; ratio?: string; target?: string; result?: 'PASS' | 'MISS' };
    const rows: Row[] = [];
    const msText = (value: number) => (Number.isNaN(value) ? '—' : `${value >= 100 ? Math.round(value) : value} ms`);
    const value = (figure: string, valueText: string) => rows.push({ figure, value: valueText });
    const judged = (figure: string, valueText: string, ratioName: string, ratio: number, limit: number, unit = '×') => {
      if (Number.isNaN(ratio)) return;
      const shown = unit === '×' ? `${ratioName} = ${round(ratio, 2)} ×` : `${ratioName} = ${round(ratio, 1)} ${unit}`;
      rows.push({ figure, value: valueText, ratio: shown, target: `≤ ${limit} ${unit}`, result: ratio <= limit ? 'PASS' : 'MISS' });
    };
    const fmtN = (n: number) => n.toLocaleString('en-US');

    const L0 = figures.L0?.median ?? NaN;
    const L1 = figures.L1?.median ?? NaN;
    const P1 = figures.P1?.median ?? NaN;
    if (only.has('l')) {
      value(`L0: one UPDATE of ${fmtN(N)} rows`, msText(L0));
      value(`L1: knex UPDATE … IN (500 ids) × ${Math.ceil(N / 500)}`, msText(L1));
    }
    if (only.has('p1')) {
      judged(`P1: update-field, all matching ${fmtN(N)}`, msText(P1), 'P1/L1', ratio('P1', 'L1'), 1.5);
      judged(`P1: update-field, all matching ${fmtN(N)}`, msText(P1), 'P1/L0', ratio('P1', 'L0'), 5);
    }
    if (only.has('p2')) {
      value(`S2: documents().update loop, ${fmtN(DOCUMENTS)} docs`, msText(figures.S2.median));
      judged(`P2: documents mode, ${fmtN(DOCUMENTS)} docs`, msText(figures.P2.median), 'P2/S2', ratio('P2', 'S2'), 1.1);
    }
    if (polls) {
      value(
        'one status poll: GET /runs/:id (/admin/users/me)',
        `${polls.run.strapiCpuMs} ms CPU (${polls.usersMe.strapiCpuMs} ms), ${polls.run.latencyMs} ms latency (${polls.usersMe.latencyMs} ms)`
      );
    }
    if (only.has('p3')) {
      value(`S3: Content Manager bulkPublish, ${PUBLISH} docs`, msText(figures.S3.median));
      judged(`P3: publish, ${PUBLISH} docs`, msText(figures.P3.median), 'P3/S3', ratio('P3', 'S3'), 1.1);
      value(`S3 + its entry.publish events after the response`, msText(med('S3', (r) => r.ms + r.eventsAfterResponseMs)));
    }
    if (only.has('p4')) {
      value(`B4: knex + papaparse to a file, ${fmtN(N)} rows`, msText(figures.B4.median));
      judged(`P4: export-csv ${fmtN(N)} rows (to file + download)`, msText(figures.P4.median), 'P4/B4', ratio('P4', 'B4'), 1.5);
      const growth = med('P4', (r) => r.rssGrowthMb);
      judged(`P4: peak RSS growth of Strapi`, `${growth} MB`, 'growth', growth, 64, 'MB');
      value(`B4: peak RSS growth of Strapi`, `${med('B4', (r) => r.rssGrowthMb)} MB`);
    }
    if (only.has('p5')) {
      for (const [figure, format] of [['P5', 'XLSX'], ['P6', 'JSON']] as const) {
        value(`${figure}: export as ${format}, ${fmtN(N)} rows (queued + download)`, `${msText(figures[figure].median)} (download ${msText(med(figure, (r) => r.downloadMs))}, ${round(med(figure, (r) => r.bytes) / 2 ** 20, 1)} MB)`);
        const growth = med(figure, (r) => r.rssGrowthMb);
        judged(`${figure}: peak RSS growth of Strapi`, `${growth} MB`, 'growth', growth, 64, 'MB');
        const lag = med(figure, (r) => r.lag.p99Ms);
        judged(`Event-loop lag during ${figure}`, `p99 ${lag} ms`, 'p99', lag, 100, 'ms');
      }
    }
    if (only.has('p1')) {
      judged(`P1 scaling ${fmtN(N10)} → ${fmtN(N)}`, `${msText(figures['P1@N/10'].median)} → ${msText(P1)}`, 'P1(N)/P1(N/10)', ratio('P1', 'P1@N/10'), 11);
    }
    if (only.has('p4')) {
      judged(`P4 scaling ${fmtN(N10)} → ${fmtN(N)}`, `${msText(figures['P4@N/10'].median)} → ${msText(figures.P4.median)}`, 'P4(N)/P4(N/10)', ratio('P4', 'P4@N/10'), 11);
    }
    if (only.has('p1')) {
      const lag = med('P1', (r) => r.lag.p99Ms);
      judged('Event-loop lag during P1', `p99 ${lag} ms`, 'p99', lag, 100, 'ms');
    }
    if (only.has('p4')) {
      const lag = med('P4', (r) => r.lag.p99Ms);
      judged('Event-loop lag during P4', `p99 ${lag} ms`, 'p99', lag, 100, 'ms');
    }

    const cpus = os.cpus();
    const machine = {
      cpu: cpus[0]?.model ?? 'unknown',
      cores: cpus.length,
      memoryGb: round(os.totalmem() / 1024 ** 3, 1),
      loadAverageAtStart: os.loadavg().map((v) => round(v, 2)),
      node: process.version,
      platform: `${os.type()} ${os.release()}`,
      db: options.db === 'postgres' ? `PostgreSQL ${dbVersion.version} (throwaway cluster, fsync=off)` : `SQLite ${dbVersion.version} (better-sqlite3, temp file)`,
      strapi: ready.strapiVersion,
    };

    const widths = ['figure', 'value', 'ratio', 'target', 'result'].map((key) =>
      Math.max(key.length, ...rows.map((row) => String((row as any)[key] ?? '').length))
    );
    const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
    const table = [
      line(['figure', 'value', 'ratio', 'target', 'result']),
      `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
      ...rows.map((row) => line([row.figure, row.value, row.ratio ?? '', row.target ?? '', row.result ?? ''])),
    ].join('\n');

    const header = [
      '',
      `Benchmark: ${fmtN(N)} articles, ${options.db}, medians of ${options.repeat} repetitions; a ratio is the median of its per-repetition ratios`,
      `Worker poll BULK_ACTIONS_POLL_MS=${ready.pollIntervalMs} ms; run status (GET /runs/:id) polled every ${options.pollMs} ms`,
      `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.db}, Strapi ${machine.strapi ?? '5'}; load average at start ${machine.loadAverageAtStart.join(' ')}`,
      '',
    ];
    const queued = Object.entries(results).filter(([, runs]) => runs.some((r) => r.queued)).map(([name]) => name);
    if (queued.length) header.splice(header.length - 1, 0, `Queued as background jobs (answered 202, then followed at GET /runs/:id): ${queued.join(', ')}`);
    console.log(header.join('\n'));
    console.log(table);

    const resultsDir = path.join(REPO_ROOT, 'bench', 'results');
    fs.mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${runStamp}-${options.db}-${N}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          options: { rows: N, db: options.db, repeat: options.repeat, only: [...only], workerPollMs: ready.pollIntervalMs, statusPollMs: options.pollMs },
          machine,
          figures,
          polls,
          table: rows,
        },
        null,
        2
      )
    );
    console.log(`\nRaw results: ${path.relative(REPO_ROOT, file)}`);
    if (options.cpuProf) console.log(`CPU profiles of the Strapi process (last repetition): ${path.relative(REPO_ROOT, profileDir)}/${runStamp}-*`);
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  if (error instanceof UsageError) console.error(`npm run bench: ${error.message}`);
  else if (!interrupted) console.error(error);
  process.exitCode = 1;
});
