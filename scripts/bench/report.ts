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
  /** entries of the W1 sample, rows of the W4 sample */
  w1: number;
  w4: number;
}

/**
 * The table judged against the targets of docs/benchmark.md, printed, and the raw results written to
 * bench/results/<timestamp>-<db>-<rows>.json.
 */
export function report({ options, results, polls, ready, dbVersion, runStamp, profileDir, documents: DOCUMENTS, publish: PUBLISH, w1: W1, w4: W4 }: ReportInput) {
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

  const fig = (name: string) => figures[name]?.median ?? NaN;
  const has = (...names: string[]) => names.every((name) => results[name]?.length);
  const seconds = (ms: number) => (Number.isNaN(ms) ? '—' : ms >= 10_000 ? `${fmtN(Math.round(ms / 1000))} s` : `${round(ms / 1000, 1)} s`);
  const L0 = fig('L0');
  const P1 = fig('P1');
  const postgres = options.db === 'postgres';

  if (has('L0', 'L1')) {
    value(`L0: one UPDATE of ${fmtN(N)} rows`, msText(L0));
    value(`L1: knex UPDATE … IN (500 ids) × ${Math.ceil(N / 500)}`, msText(fig('L1')));
  }
  if (has('P1', 'L1')) {
    judged(`P1: update-field, all matching ${fmtN(N)}`, msText(P1), 'P1/L1', ratio('P1', 'L1'), 1.2);
    judged(`P1: update-field, all matching ${fmtN(N)}`, msText(P1), 'P1/L0', ratio('P1', 'L0'), postgres ? 2 : 3);
  } else if (has('P1')) value(`P1: update-field, all matching ${fmtN(N)}`, msText(P1));
  if (has('U0', 'P1')) {
    value(`U0: the same, not recorded for undo`, msText(fig('U0')));
    judged(`P1 (recorded for undo) vs U0`, msText(P1), 'P1/U0', ratio('P1', 'U0'), 1.3);
  }
  if (has('E2', 'P1')) judged(`E2: two fields (stage, views + 1) vs P1 (stage)`, msText(fig('E2')), 'E2/P1', ratio('E2', 'P1'), 1.2);
  if (has('T0', 'PT')) {
    value(`T0: one INSERT … SELECT into the join table, ${fmtN(N)} links`, msText(fig('T0')));
    judged(`PT: add a tag, ${fmtN(N)} (not recorded)`, msText(fig('PT')), 'PT/T0', ratio('PT', 'T0'), 1.5);
  }
  if (has('T0', 'PTr')) {
    if (!has('PT')) value(`T0: one INSERT … SELECT into the join table, ${fmtN(N)} links`, msText(fig('T0')));
    judged(`PTr: add a tag, ${fmtN(N)} (built-in, recorded for undo)`, msText(fig('PTr')), 'PTr/T0', ratio('PTr', 'T0'), 1.5);
  }
  if (has('PT', 'PTr')) judged(`PTr (recorded for undo) vs PT`, msText(fig('PTr')), 'PTr/PT', ratio('PTr', 'PT'), 1.3);
  if (has('P2', 'S2')) {
    value(`S2: documents().update loop, ${fmtN(DOCUMENTS)} docs`, msText(fig('S2')));
    judged(`P2: documents mode, ${fmtN(DOCUMENTS)} docs`, msText(fig('P2')), 'P2/S2', ratio('P2', 'S2'), 1.05);
  }
  if (has('P3', 'S3')) {
    value(`S3: Content Manager bulkPublish, ${PUBLISH} docs`, msText(fig('S3')));
    judged(`P3: publish, ${PUBLISH} docs`, msText(fig('P3')), 'P3/S3', ratio('P3', 'S3'), 1.0);
    value(`S3 + its entry.publish events after the response`, msText(med('S3', (r) => r.ms + r.eventsAfterResponseMs)));
  }
  if (has('P4', 'B4')) {
    value(`B4: knex + papaparse to a file, ${fmtN(N)} rows`, msText(fig('B4')));
    judged(`P4: export CSV ${fmtN(N)} rows (run + download)`, msText(fig('P4')), 'P4/B4', ratio('P4', 'B4'), 1.5);
    const growth = med('P4', (r) => r.rssGrowthMb);
    judged(`P4: peak RSS growth of Strapi`, `${growth} MB`, 'growth', growth, 64, 'MB');
    value(`B4: peak RSS growth of Strapi`, `${med('B4', (r) => r.rssGrowthMb)} MB`);
  }
  for (const [figure, format] of [['P5', 'XLSX'], ['P6', 'JSON']] as const) {
    if (!has(figure)) continue;
    value(`${figure}: export ${format} ${fmtN(N)} rows (run + download)`, `${msText(fig(figure))} (download ${msText(med(figure, (r) => r.downloadMs))}, ${round(med(figure, (r) => r.bytes) / 2 ** 20, 1)} MB)`);
    const growth = med(figure, (r) => r.rssGrowthMb);
    judged(`${figure}: peak RSS growth of Strapi`, `${growth} MB`, 'growth', growth, 64, 'MB');
    const lag = med(figure, (r) => r.lag.p99Ms);
    judged(`Event-loop lag during ${figure}`, `p99 ${lag} ms`, 'p99', lag, 100, 'ms');
  }
  if (has('F', 'F0')) {
    const half = fmtN(Math.ceil(N / 2));
    value(`F: upload of a ${fmtN(N)}-row CSV (${half} rows changed)`, `${msText(med('F', (r) => r.uploadMs))} (${round(med('F', (r) => r.bytes) / 2 ** 20, 1)} MB)`);
    value(`F: its dry run (preview with the file)`, msText(med('F', (r) => r.dryRunMs)));
    value(`F0: the same changes by hand, UPDATE … IN (500 ids) × ${Math.ceil(N / 2 / 500)}`, msText(fig('F0')));
    judged(`F: update-from-file applied (run)`, msText(fig('F')), 'F/F0', ratio('F', 'F0'), 2);
    judged(`F: peak RSS growth of Strapi, dry run`, `${med('F', (r) => r.dryRssGrowthMb)} MB`, 'growth', med('F', (r) => r.dryRssGrowthMb), 100, 'MB');
    judged(`F: peak RSS growth of Strapi, run`, `${med('F', (r) => r.rssGrowthMb)} MB`, 'growth', med('F', (r) => r.rssGrowthMb), 100, 'MB');
    judged(`Event-loop lag during F (run)`, `p99 ${med('F', (r) => r.lag.p99Ms)} ms`, 'p99', med('F', (r) => r.lag.p99Ms), 100, 'ms');
    value(`Event-loop lag during F (dry run)`, `p99 ${med('F', (r) => r.dryLag.p99Ms)} ms`);
  }
  if (has('P1', 'P1@N/10')) {
    judged(`P1 scaling ${fmtN(N10)} → ${fmtN(N)}`, `${msText(fig('P1@N/10'))} → ${msText(P1)}`, 'P1(N)/P1(N/10)', ratio('P1', 'P1@N/10'), 11);
  }
  if (has('P4', 'P4@N/10')) {
    judged(`P4 scaling ${fmtN(N10)} → ${fmtN(N)}`, `${msText(fig('P4@N/10'))} → ${msText(fig('P4'))}`, 'P4(N)/P4(N/10)', ratio('P4', 'P4@N/10'), 11);
  }
  for (const name of ['P1', 'PT', 'PTr', 'P4']) {
    if (!has(name)) continue;
    const lag = med(name, (r) => r.lag.p99Ms);
    judged(`Event-loop lag during ${name}`, `p99 ${lag} ms`, 'p99', lag, 100, 'ms');
  }
  if (polls) {
    value(
      'one status poll: GET /runs/:id (/admin/users/me)',
      `${polls.run.strapiCpuMs} ms CPU (${polls.usersMe.strapiCpuMs} ms), ${polls.run.latencyMs} ms latency (${polls.usersMe.latencyMs} ms)`
    );
    value(`  polled every ${options.pollMs} ms while a run works`, `${round((100 * polls.run.strapiCpuMs) / options.pollMs, 1)} % of Strapi's one JS thread`);
  }

  // without the plugin: each sample's time per entry, times N, next to the plugin's run over the same N
  const perEntry = (name: string, entries: number) => fig(name) / entries;
  const saved = (figure: string, without: number, withPlugin: number, pluginText: string) => {
    if (Number.isNaN(without) || Number.isNaN(withPlugin)) return;
    const factor = without / withPlugin;
    const verdict = factor >= 1 ? `${round(factor, 1)} × faster with the plugin` : `${round(1 / factor, 1)} × slower with the plugin`;
    rows.push({ figure, value: `${seconds(without)} (extrapolated)`, ratio: `${pluginText} ${seconds(withPlugin)}: ${verdict}` });
  };
  if (has('W1')) {
    const w1 = perEntry('W1', W1) * N;
    value(`W1: Content Manager edit view saved per entry (sample ${fmtN(W1)})`, `${msText(fig('W1') / W1)} per entry`);
    saved(`  an edit of ${fmtN(N)} entries without the plugin`, w1, P1, 'P1');
    if (has('P2')) saved(`  vs documents mode (P2 per entry × N)`, w1, perEntry('P2', DOCUMENTS) * N, 'P2');
  }
  if (has('W3')) {
    const w3 = perEntry('W3', PUBLISH) * N;
    value(`W3: bulkPublish 100 at a time (sample ${fmtN(PUBLISH)})`, `${msText(fig('W3') / (PUBLISH / 100))} per 100`);
    if (has('P3')) saved(`  publishing ${fmtN(N)} without the plugin`, w3, perEntry('P3', PUBLISH) * N, 'P3 per entry × N');
  }
  if (has('W4')) {
    const w4 = perEntry('W4', W4) * N;
    value(`W4: list view pages of 100 read (sample ${fmtN(W4)} rows)`, `${msText(fig('W4') / (W4 / 100))} per page`);
    if (has('P4')) saved(`  reading ${fmtN(N)} rows out without the plugin`, w4, fig('P4'), 'P4');
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
    `Worker poll BULK_ACTIONS_POLL_MS=${ready.pollIntervalMs} ms; run status (GET /runs/:id) polled every ${options.pollMs} ms; a run's time is from its request to its finishedAt`,
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
