/**
 * A throwaway PostgreSQL 15 cluster (Debian's packages: initdb + pg_ctl in a temporary folder, a free
 * loopback port, trust authentication, fsync off), for `npm run test:pg` and `npm run bench -- --db
 * postgres`. `stop()` is synchronous so that it can run from signal handlers and `finally` blocks.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { freePort } from './playground';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresCluster {
  host: string;
  port: number;
  user: string;
  /** folder holding the data directory, the socket and server.log */
  dir: string;
  /** environment that points the playground (config/database.ts) at this cluster */
  env: Record<string, string>;
  /** CREATE DATABASE <name> (a generated name, never input) */
  createDatabase: (name: string) => Promise<void>;
  /** stops the cluster and removes its folder; safe to call twice */
  stop: () => void;
}


export const postgresAvailable = () => fs.existsSync(path.join(PG_BIN, 'initdb'));

/** initdb refuses to run as root: run the cluster as the `postgres` system user when we are root. */
const asClusterOwner = (command: string, args: string[], quiet: boolean) => {
  const isRoot = process.getuid?.() === 0;
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  execFileSync(file, argv, { stdio: quiet ? 'ignore' : 'inherit' });
};

export async function startPostgresCluster({ quiet = false, maxConnections = 200 } = {}): Promise<PostgresCluster> {
  if (!postgresAvailable()) {
    throw new Error(`PostgreSQL 15 not found in ${PG_BIN}: apt-get install -y postgresql (or set PG_BIN)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-actions-pg-'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', dir]);

  let started = false;
  const stop = () => {
    if (started) {
      started = false;
      try {
        asClusterOwner(path.join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], quiet);
      } catch {
        // already gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    asClusterOwner(path.join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync'], quiet);
    started = true; // from here on a half-started server must be stopped too
    asClusterOwner(path.join(PG_BIN, 'pg_ctl'), [
      '-D', data, '-l', path.join(dir, 'server.log'), '-w', 'start',
      '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=${maxConnections}`,
    ], quiet);
  } catch (error) {
    stop();
    throw error;
  }

  const host = '127.0.0.1';
  const user = 'postgres';
  return {
    host,
    port,
    user,
    dir,
    env: {
      DATABASE_CLIENT: 'postgres',
      DATABASE_HOST: host,
      DATABASE_PORT: String(port),
      DATABASE_USERNAME: user,
      DATABASE_PASSWORD: '',
    },
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a database name: ${name}`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Client } = require('pg');
      const client = new Client({ host, port, user, database: 'postgres' });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
    },
    stop,
  };
}
