/**
 * Shared steps of the demo, the test harness and the benchmark: make sure the plugin and the
 * playground are built, and boot the playground Strapi in this process.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import net from 'net';
import path from 'path';
import { compileStrapi, createStrapi } from '@strapi/strapi';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const PLAYGROUND_DIR = path.join(REPO_ROOT, 'playground');
export const PLAYGROUND_DIST = path.join(PLAYGROUND_DIR, 'dist');
const STRAPI_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'strapi');

process.env.STRAPI_TELEMETRY_DISABLED = 'true';

/** A free loopback port (the demo's, the tests' and the benchmark's servers). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** Newest modification time of any file under the given paths (0 when none exist). */
function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    if (!fs.existsSync(p)) return;
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p)) {
        if (entry !== 'node_modules' && entry !== 'dist') visit(path.join(p, entry));
      }
    } else if (stat.mtimeMs > newest) {
      newest = stat.mtimeMs;
    }
  };
  paths.forEach(visit);
  return newest;
}

const oldestMtime = (files: string[]) =>
  files.every((f) => fs.existsSync(f)) ? Math.min(...files.map((f) => fs.statSync(f).mtimeMs)) : 0;

const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, stdio: 'inherit', env: process.env });

/** Rebuilds the plugin's dist/ when any of its sources is newer than the build. */
export function ensurePluginBuilt(log = console.log) {
  const outputs = ['dist/server/index.js', 'dist/admin/index.mjs'].map((f) => path.join(REPO_ROOT, f));
  const sources = newestMtime(['server', 'admin', 'package.json'].map((f) => path.join(REPO_ROOT, f)));
  if (oldestMtime(outputs) > sources) return;
  log('Building the plugin (npm run build)...');
  run('npm', ['run', 'build', '--silent'], REPO_ROOT);
}

/**
 * Tests load only the server half: when its sources are newer than dist/server/index.js, bundle it
 * with esbuild (a fraction of a second, and independent of the admin half's state). `npm run build`
 * remains the build that ships (both halves, type declarations).
 */
export function ensureServerBuilt(log = console.log) {
  const output = path.join(REPO_ROOT, 'dist', 'server', 'index.js');
  const sources = newestMtime(['server', 'package.json'].map((f) => path.join(REPO_ROOT, f)));
  if (oldestMtime([output]) > sources && fs.existsSync(path.join(REPO_ROOT, 'dist', 'server', 'src', 'index.d.ts'))) return;
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'server', 'src', 'index.d.ts'))) {
    // the playground's TypeScript imports the plugin's declarations: a first full build provides them
    ensurePluginBuilt(log);
    return;
  }
  log('Bundling the server half for the tests (esbuild + tsc declarations)...');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('esbuild').buildSync({
    entryPoints: [path.join(REPO_ROOT, 'server', 'src', 'index.ts')],
    outfile: output,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  // the playground's TypeScript imports the plugin's types from dist/server/src
  run(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'server/tsconfig.json', '--declaration', '--emitDeclarationOnly', '--noEmit', 'false', '--outDir', 'dist'], REPO_ROOT);
}

/** Compiles the playground's TypeScript (config, content types, seed) into playground/dist. */
export async function compilePlayground() {
  return compileStrapi({ appDir: PLAYGROUND_DIR });
}

/** Builds the admin panel (with the plugin's admin half) when it is missing or older than the plugin. */
export function ensureAdminBuilt(log = console.log) {
  const index = path.join(PLAYGROUND_DIST, 'build', 'index.html');
  const inputs = newestMtime([path.join(REPO_ROOT, 'dist', 'admin'), path.join(PLAYGROUND_DIR, 'src', 'admin')]);
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs > inputs) return;
  log('Building the admin panel (strapi build)...');
  run(STRAPI_BIN, ['build'], PLAYGROUND_DIR);
}

export interface CreateOptions {
  serveAdminPanel?: boolean;
  logLevel?: string;
}

/** Creates and loads the playground Strapi (env decides database, host and port). */
export async function loadPlayground({ serveAdminPanel = true, logLevel }: CreateOptions = {}) {
  const strapi = createStrapi({
    appDir: PLAYGROUND_DIR,
    distDir: PLAYGROUND_DIST,
    autoReload: false,
    serveAdminPanel,
  });
  if (logLevel) strapi.log.level = logLevel;
  await strapi.load();
  return strapi;
}

/** The playground's seed module, compiled with the app. */
export function playgroundSeed(): typeof import('../playground/src/seed') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(PLAYGROUND_DIST, 'src', 'seed'));
}
