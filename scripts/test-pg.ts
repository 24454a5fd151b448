/**
 * `npm run test:pg`: starts a throwaway PostgreSQL 15 cluster (see postgres-cluster.ts), runs the
 * integration and PostgreSQL suites against it, and stops it whatever happens.
 */
import { spawnSync } from 'child_process';
import path from 'path';
import { postgresAvailable, PG_BIN, startPostgresCluster } from './postgres-cluster';

const REPO_ROOT = path.resolve(__dirname, '..');

async function main() {
  if (!postgresAvailable()) {
    console.error(`PostgreSQL 15 not found in ${PG_BIN}: apt-get install -y postgresql (or set PG_BIN)`);
    process.exit(1);
  }
  const cluster = await startPostgresCluster();
  process.on('SIGINT', () => (cluster.stop(), process.exit(130)));
  process.on('SIGTERM', () => (cluster.stop(), process.exit(143)));

  try {
    console.log(`PostgreSQL 15 listening on ${cluster.host}:${cluster.port} (data in ${path.join(cluster.dir, 'data')})`);
    const result = spawnSync(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'jest'),
      [...process.argv.slice(2), '--selectProjects', 'integration', 'postgres'],
      { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, ...cluster.env } }
    );
    process.exitCode = result.status ?? 1;
  } finally {
    cluster.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
