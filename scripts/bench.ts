/**
 * `npm run bench [-- --rows 100000 --db sqlite|postgres --repeat 3 --only l,p1,undo,two,tag,tagr,p2,p3,p4,p5,file,w --poll-ms 1000 --cpu-prof]`
 *
 * Seeds a fresh database with N article drafts (knex, in batches), boots the playground Strapi in a
 * child process (scripts/bench-server.ts: its RSS and event-loop lag are its own), and measures each
 * figure `--repeat` times, reporting the median. A run's time is what its user waits for: from the
 * request to the `finishedAt` the server records, its status followed at the admin's own poll
 * interval (one GET /runs/:id a second); what one poll costs is a row of its own.
 *
 *   L0  one raw UPDATE of the N matching rows                       (inside Strapi's process)
 *   L1  knex: read the matching documentIds, UPDATE ... IN (500 ids) chunk by chunk  (inside)
 *   P1  the plugin's update-field (stage) over HTTP on "all matching" (recorded for undo)
 *   U0  the same with a copy of update-field that records nothing (`revertible: false`)
 *   E2  update-field changing two fields (stage, views + 1)
 *   T0  one hand-written INSERT … SELECT linking the N drafts to a tag (order columns included)
 *   PT  update-field adding that tag to the N drafts (the unrecorded copy); PTr the built-in (recorded for undo)
 *   P2  documents mode (fixture bump-views-documents) over 2,000 documents, end to end over HTTP
 *   S2  a plain strapi.documents().update loop over 2,000 other documents (inside)
 *   P3  the plugin's publish of 500 documents, end to end over HTTP
 *   S3  the Content Manager's bulkPublish endpoint on 500 other documents (HTTP)
 *   P4  export of the N rows as CSV: the queued run, then its file downloaded and read fully (HTTP)
 *   B4  knex keyset pages of 1,000 rows through papaparse into a file (inside)
 *   P5  the same export as XLSX, P6 as JSON
 *   F   update-from-file: a CSV of the N drafts (half changed) uploaded, its dry run, then the run
 *   F0  the same changes by hand: UPDATE ... IN (500 changed ids) chunk by chunk (inside)
 *   W1  without the plugin: the Content Manager's edit view saved per entry (200), extrapolated to N
 *   W3  without the plugin: bulkPublish 100 entries at a time (500), extrapolated to N
 *   W4  without the plugin: the list view read 100 rows a page (2,000 rows), extrapolated to N
 *
 * plus the peak RSS growth of the Strapi process during the exports, its event-loop lag p99, and
 * P1/P4 at N/10 for the scaling ratio. Prints one table judged against the targets in
 * docs/benchmark.md and writes the raw results to bench/results/<timestamp>-<db>-<rows>.json.
 * Everything it starts (the Strapi child, the PostgreSQL cluster, temporary folders) is stopped and
 * removed, also on failure.
 */
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { compilePlayground, ensureServerBuilt, freePort, REPO_ROOT } from './playground';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster';
import { api, BenchChild } from './bench/child';
import { UNRECORDED_ACTION } from './bench/protocol';
import { parseOptions, UsageError } from './bench/options';
import { createMeasures } from './bench/measures';
import { report, type Polls } from './bench/report';
import { log, median, now, round } from './bench/util';

const ARTICLE = 'api::article.article';
const WORKER_POLL_MS = 50; // BULK_ACTIONS_POLL_MS of the Strapi child
const DOCUMENTS = 2000; // P2 and S2, each
const PUBLISH = 500; // P3 and S3 (and W3 on S3's), each
const W1_SAMPLE = 200; // entries saved one by one in the Content Manager (W1)
const W4_PAGES = 20; // list pages of 100 read (W4)

/** set on Ctrl-C / SIGTERM: what fails while stopping is not worth reporting */
let interrupted = false;

// -------------------------------------------------------------------------------------------- main

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
      contentTypes: { [ARTICLE]: { actions: ['update-field', UNRECORDED_ACTION, 'publish', 'export-csv', 'update-from-file', 'bump-views-documents'] } },
    });

    // ------------------------------------------------------------------------------------ data
    const otherCount = 2 * DOCUMENTS + 2 * PUBLISH + W1_SAMPLE;
    log(`inserting ${N} article drafts (the first ${N10} featured) and ${otherCount} more for P2/S2/P3/S3/W1`);
    const inserted = await child.call('insert', { count: N, prefix: 'bench', stage: 'review', featured: N10 });
    const others = await child.call('insert', { count: otherCount, prefix: 'docs', stage: 'draft', returnIds: true });
    if (!others.documentIds) throw new Error('insert: no documentIds returned');
    const ids = others.documentIds;
    const sets = {
      p2: ids.slice(0, DOCUMENTS),
      s2: ids.slice(DOCUMENTS, 2 * DOCUMENTS),
      p3: ids.slice(2 * DOCUMENTS, 2 * DOCUMENTS + PUBLISH),
      s3: ids.slice(2 * DOCUMENTS + PUBLISH, 2 * DOCUMENTS + 2 * PUBLISH),
      w1: ids.slice(2 * DOCUMENTS + 2 * PUBLISH),
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
    const measures = createMeasures({ child, admin, options, sets, documents: DOCUMENTS, publish: PUBLISH, work });
    const m = measures;
    const W4_ROWS = Math.min(N, W4_PAGES * 100);

    const only = options.only;
    /** two figures compared with each other: alternate which goes first, so that neither always runs on a warmer process */
    const pair = async (rep: number, a: [string, () => Promise<any>], b: [string, () => Promise<any>]) => {
      for (const [name, measure] of rep % 2 ? [a, b] : [b, a]) await add(name, await profiled(name, measure));
    };
    // one untimed pass over the code paths, so that the first repetition is not the one paying for JIT and caches
    log('warm-up (not recorded)');
    if (only.has('l')) await m.measureL(true, N10);
    if (only.has('p1') || only.has('undo') || only.has('two')) await m.measureP1(true, N10);
    if (only.has('undo')) await m.measureEdit(UNRECORDED_ACTION, true, N10);
    if (only.has('tag') || only.has('tagr')) await m.measureTag(UNRECORDED_ACTION, true, N10);
    if (only.has('tagr')) await m.measureTag('update-field', true, N10);
    if (only.has('p4')) await m.measureP4(true, N10);
    if (only.has('p5')) await m.measureFormat('xlsx', true, N10);

    for (let rep = 1; rep <= options.repeat; rep += 1) {
      log(`repetition ${rep}/${options.repeat}`);
      profiling = options.cpuProf && rep === options.repeat;
      if (only.has('l')) {
        const small = await m.measureL(true, N10);
        await add('L0@N/10', small.l0);
        await add('L1@N/10', small.l1);
        const full = await m.measureL(false, N);
        await add('L0', full.l0);
        await add('L1', full.l1);
      }
      if (only.has('p1')) await add('P1@N/10', await profiled('P1@N/10', () => m.measureP1(true, N10)));
      // P1 is the baseline of U0 (undo recording) and of E2 (two fields): measured once, next to each
      if (only.has('undo')) await pair(rep, ['P1', () => m.measureP1(false, N)], ['U0', () => m.measureEdit(UNRECORDED_ACTION, false, N)]);
      else if (only.has('p1') || only.has('two')) await add('P1', await profiled('P1', () => m.measureP1(false, N)));
      if (only.has('two')) await add('E2', await profiled('E2', () => m.measureEdit('update-field', false, N, { twoFields: true })));
      if (only.has('tag')) await pair(rep, ['T0', () => m.measureTag(null, false, N)], ['PT', () => m.measureTag(UNRECORDED_ACTION, false, N)]);
      // the built-in, which records the links it changes for undo (the baseline: PT, or T0 alone)
      if (only.has('tagr')) {
        if (only.has('tag')) await add('PTr', await profiled('PTr', () => m.measureTag('update-field', false, N)));
        else await pair(rep, ['T0', () => m.measureTag(null, false, N)], ['PTr', () => m.measureTag('update-field', false, N)]);
      }
      if (only.has('p2')) await pair(rep, ['P2', () => m.measureP2()], ['S2', () => m.measureS2()]);
      if (only.has('p3')) await pair(rep, ['P3', () => m.measureP3()], ['S3', () => m.measureS3()]);
      if (only.has('p4')) {
        await add('P4@N/10', await profiled('P4@N/10', () => m.measureP4(true, N10)));
        await add('B4@N/10', await profiled('B4@N/10', () => m.measureB4(true, N10)));
        await pair(rep, ['P4', () => m.measureP4(false, N)], ['B4', () => m.measureB4(false, N)]);
      }
      if (only.has('p5')) {
        await add('P5', await profiled('P5', () => m.measureFormat('xlsx', false, N)));
        await add('P6', await profiled('P6', () => m.measureFormat('json', false, N)));
      }
      // update from a file: a CSV of the N matching drafts, half of them changed; its apply next to the same changes by hand
      if (only.has('file')) await pair(rep, ['F', () => m.measureFile(N)], ['F0', () => m.measureFileBaseline()]);
      if (only.has('w')) {
        await add('W1', await profiled('W1', () => m.measureW1()));
        await add('W3', await profiled('W3', () => m.measureW3()));
        await add('W4', await profiled('W4', () => m.measureW4(W4_ROWS / 100)));
      }
      log(`  ${Object.entries(results).map(([name, runs]) => `${name} ${Math.round(runs[runs.length - 1].ms)} ms`).join(', ')}`);
    }

    // what one status poll costs the Strapi process: GET /runs/:id (the last run followed) next to
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
    const lastRunId = measures.state.lastRunId;
    const polls: Polls | null = lastRunId
      ? {
          run: await profiled('poll-run', () => latency(`/bulk-actions/runs/${lastRunId}`)),
          usersMe: await profiled('poll-users-me', () => latency('/admin/users/me')),
        }
      : null;

    report({ options, results, polls, ready, dbVersion, runStamp, profileDir, documents: DOCUMENTS, publish: PUBLISH, w1: W1_SAMPLE, w4: W4_ROWS });
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  if (error instanceof UsageError) console.error(`npm run bench: ${error.message}`);
  else if (!interrupted) console.error(error);
  process.exitCode = 1;
});
