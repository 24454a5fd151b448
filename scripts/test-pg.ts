/**
 * `npm run test:pg`: starts a throwaway PostgreSQL 15 cluster (Debian's packages: initdb + pg_ctl in
 * a temporary folder, a free loopback port), runs the integration and PostgreSQL suites against it,
 * and stops it whatever happens.
 */
import { execFileSync, spawnSync } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const REPO_ROOT = path.resolve(__dirname, '..');

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** initdb refuses to run as root: run the cluster as the `postgres` system user when we are root. */
const asClusterOwner = (command: string, args: string[]) => {
  const isRoot = process.getuid?.() === 0;
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  execFileSync(file, argv, { stdio: 'inherit' });
};

async function main() {
  if (!fs.existsSync(path.join(PG_BIN, 'initdb'))) {
    console.error(`PostgreSQL 15 not found in ${PG_BIN}: apt-get install -y postgresql (or set PG_BIN)`);
    process.exit(1);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-actions-pg-'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', dir]);

  let started = false;
  const stop = () => {
    if (!started) return;
    started = false;
    try {
      asClusterOwner(path.join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already gone
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => (stop(), process.exit(130)));
  process.on('SIGTERM', () => (stop(), process.exit(143)));

  try {
    asClusterOwner(path.join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);
    asClusterOwner(path.join(PG_BIN, 'pg_ctl'), [
      '-D', data, '-l', path.join(dir, 'server.log'), '-w', 'start',
      '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    ]);
    started = true;
    console.log(`PostgreSQL 15 listening on 127.0.0.1:${port} (data in ${data})`);

    const result = spawnSync(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'jest'),
      [...process.argv.slice(2), '--selectProjects', 'integration', 'postgres'],
      {
        cwd: REPO_ROOT,
        stdio: 'inherit',
        env: {
          ...process.env,
          DATABASE_CLIENT: 'postgres',
          DATABASE_HOST: '127.0.0.1',
          DATABASE_PORT: String(port),
          DATABASE_USERNAME: 'postgres',
          DATABASE_PASSWORD: '',
        },
      }
    );
    process.exitCode = result.status ?? 1;
  } finally {
    stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
