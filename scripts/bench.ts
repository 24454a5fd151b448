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
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { compilePlayground, ensureServerBuilt, freePort, REPO_ROOT } from './playground';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster';
import { api, BenchChild } from './bench/child';
import { parseOptions, UsageError } from './bench/options';
import { createMeasures } from './bench/measures';
import { report, type Polls } from './bench/report';
import { log, median, now, round } from './bench/util';

const ARTICLE = 'api::article.article';
const WORKER_POLL_MS = 50; // BULK_ACTIONS_POLL_MS of the Strapi child
const DOCUMENTS = 2000; // P2 and S2, each
const PUBLISH = 500; // P3 and S3, each

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
      contentTypes: { [ARTICLE]: { actions: ['update-field', 'publish', 'export-csv', 'bump-views-documents'] } },
    });

    // ------------------------------------------------------------------------------------ data
    log(`inserting ${N} article drafts (the first ${N10} featured) and ${2 * DOCUMENTS + 2 * PUBLISH} more for P2/S2/P3/S3`);
    const inserted = await child.call('insert', { count: N, prefix: 'bench', stage: 'review', featured: N10 });
    const others = await child.call('insert', { count: 2 * DOCUMENTS + 2 * PUBLISH, prefix: 'docs', stage: 'draft', returnIds: true });
    if (!others.documentIds) throw new Error('insert: no documentIds returned');
    const ids = others.documentIds;
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
    const measures = createMeasures({ child, admin, options, sets, documents: DOCUMENTS, publish: PUBLISH, work });
    const { measureL, measureP1, measureP4, measureFormat, measureB4, measureP2, measureS2, measureP3, measureS3 } = measures;

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
    const lastDocumentsRunId = measures.state.lastDocumentsRunId;
    const polls: Polls | null = lastDocumentsRunId
      ? {
          run: await profiled('poll-run', () => latency(`/bulk-actions/runs/${lastDocumentsRunId}`)),
          usersMe: await profiled('poll-users-me', () => latency('/admin/users/me')),
        }
      : null;

    report({ options, results, polls, ready, dbVersion, runStamp, profileDir, documents: DOCUMENTS, publish: PUBLISH });
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  if (error instanceof UsageError) console.error(`npm run bench: ${error.message}`);
  else if (!interrupted) console.error(error);
  process.exitCode = 1;
});
