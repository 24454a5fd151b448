import fs from 'fs';
import os from 'os';
import path from 'path';
import { REPO_ROOT } from '../playground';
import type { Options } from './options';
import type { Ready } from './protocol';
import { median, round } from './util';

/** Every repetition of one figure, and the median of their times. */
export interface Measure {
  runs: any[];
  median: number;
}

/** What one status poll costs the Strapi process (see bench.ts). */
export interface Polls {
  run: { latencyMs: number; strapiCpuMs: number };
  usersMe: { latencyMs: number; strapiCpuMs: number };
}

export interface ReportInput {
  options: Options;
  /** figure name → one result per repetition (`ms` and what the figure measured) */
  results: Record<string, any[]>;
  polls: Polls | null;
  ready: Ready;
  dbVersion: { version: string };
  runStamp: string;
  profileDir: string;
  /** entries of P2/S2 and of P3/S3 */
  documents: number;
  publish: number;
}

/**
 * The table judged against the targets of docs/benchmark.md, printed, and the raw results written to
 * bench/results/<timestamp>-<db>-<rows>.json.
 */
export function report({ options, results, polls, ready, dbVersion, runStamp, profileDir, documents: DOCUMENTS, publish: PUBLISH }: ReportInput) {
  const N = options.rows;
  const N10 = Math.max(1, Math.round(N / 10));
  const only = options.only;
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
}
