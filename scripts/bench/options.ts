/** The command line of `npm run bench`. */
import { POLL_INTERVAL_MS } from '../../admin/src/constants';

/** Groups of figures `--only` picks from (see bench.ts); `p5` (XLSX/JSON), `file` (update-from-file) and `w` (without the plugin) included. */
export const GROUPS = ['l', 'p1', 'undo', 'two', 'tag', 'tagr', 'p2', 'p3', 'p4', 'p5', 'file', 'w'] as const;

export interface Options {
  rows: number;
  db: 'sqlite' | 'postgres';
  repeat: number;
  only: Set<string>;
  cpuProf: boolean;
  /** GET /runs/:id every this many ms while a run works (default: the admin's run page interval) */
  pollMs: number;
}

/** A wrong command line: reported as one line, not a stack. */
export class UsageError extends Error {}

export function parseOptions(argv: string[]): Options {
  const options: Options = { rows: 100_000, db: 'sqlite', repeat: 3, only: new Set<string>(GROUPS), cpuProf: false, pollMs: POLL_INTERVAL_MS };
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
      console.log(`npm run bench -- [--rows 100000] [--db sqlite|postgres] [--repeat 3] [--only ${GROUPS.join(',')}] [--poll-ms ${POLL_INTERVAL_MS}] [--cpu-prof]`);
      process.exit(0);
    } else throw new UsageError(`unknown option ${argv[i]} (try --help)`);
  }
  if (!Number.isInteger(options.rows) || options.rows < 100) throw new UsageError('--rows: an integer of at least 100');
  if (!['sqlite', 'postgres'].includes(options.db)) throw new UsageError('--db: sqlite or postgres');
  if (!Number.isInteger(options.repeat) || options.repeat < 1) throw new UsageError('--repeat: a positive integer');
  const unknown = [...options.only].filter((group) => !(GROUPS as readonly string[]).includes(group));
  if (unknown.length) throw new UsageError(`--only: unknown group ${unknown.join(', ')} (${GROUPS.join(', ')})`);
  if (!(options.pollMs >= 1)) throw new UsageError('--poll-ms: a number of milliseconds');
  return options;
}
