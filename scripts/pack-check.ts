/**
 * `npm run test:pack`: the package as a user gets it. Packs the plugin, installs the tarball into a
 * fresh minimal Strapi 5 TypeScript app in a temporary folder (Strapi's default tsconfig, no `paths`
 * mapping), type-checks the README's action example against the published types, builds the app's
 * admin panel, starts it and calls the plugin's routes. Removes everything it created; exits non-zero
 * with the failing step and the tail of its output on any failure.
 *
 * Options: --keep (leave the temporary app in place to look at it).
 */
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ensurePluginBuilt, freePort, REPO_ROOT } from './playground';

const KEEP = process.argv.includes('--keep');
// a text of the admin half's English translations: found in the app's built panel only if the half was bundled
const ADMIN_MARKER = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'admin', 'src', 'translations', 'en.json'), 'utf8'))['plugin.description'];
const STRAPI_VERSION = '5.54.0';
const started = Date.now();
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

class CheckFailed extends Error {}
const fail = (message: string): never => {
  throw new CheckFailed(message);
};

let workDir = '';
let server: ChildProcess | undefined;

/**
 * Runs a command with its output in a log file and resolves with its stdout; on failure the error
 * names the step and shows the output's tail.
 */
function run(step: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMinutes = 20) {
  const logFile = path.join(workDir, `${step.replace(/\W+/g, '-')}.log`);
  const t0 = Date.now();
  process.stdout.write(`--> ${step} ... `);
  return new Promise<string>((resolve, reject) => {
    const out = fs.createWriteStream(logFile);
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    const collect = (chunk: Buffer) => {
      output += chunk;
      out.write(chunk);
    };
    child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk), collect(chunk)));
    child.stderr.on('data', collect);
    // a step that hangs (say, an install waiting on the network) fails instead of holding CI
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMinutes * 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      out.end();
      if (signal === 'SIGKILL') {
        console.log('TIMED OUT');
        reject(new CheckFailed(`${step}: no end after ${timeoutMinutes} minutes\n${tail(output)}`));
      } else if (code === 0) {
        console.log(seconds(t0));
        resolve(stdout);
      } else {
        console.log('FAILED');
        reject(new CheckFailed(`${step}: \`${command} ${args.join(' ')}\` exited with ${code}\n${tail(output)}`));
      }
    });
  });
}

const tail = (text: string, lines = 40) => text.trimEnd().split('\n').slice(-lines).join('\n');

/** Exact versions from the lock file, so that the install finds them in the npm cache. */
function lockedVersion(name: string): string {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8'));
  return lock.packages[`node_modules/${name}`]?.version ?? fail(`${name} is not in package-lock.json`);
}

/** The code block of the README's "Declaring actions" section that starts with `// src/index.ts`. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const match = readme.match(/```ts\n(\/\/ src\/index\.ts\n[\s\S]*?)```/);
  return match?.[1] ?? fail('README.md has no ```ts block starting with "// src/index.ts" (the action example)');
}

const write = (file: string, content: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
};

/** A Strapi 5 TypeScript app as create-strapi-app would lay it out, reduced to what boots. */
function writeApp(appDir: string, tarball: string) {
  const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
  write(
    path.join(appDir, 'package.json'),
    json({
      name: 'pack-check-app',
      private: true,
      version: '0.0.0',
      scripts: { build: 'strapi build', start: 'strapi start' },
      dependencies: {
        '@strapi/strapi': STRAPI_VERSION,
        'better-sqlite3': lockedVersion('better-sqlite3'),
        react: lockedVersion('react'),
        'react-dom': lockedVersion('react-dom'),
        'react-router-dom': lockedVersion('react-router-dom'),
        'styled-components': lockedVersion('styled-components'),
        'strapi-plugin-bulk-actions': `file:${tarball}`,
      },
      devDependencies: { '@types/node': lockedVersion('@types/node'), typescript: lockedVersion('typescript') },
      strapi: { uuid: 'pack-check-app' },
    })
  );
  // Strapi's default app tsconfig: moduleResolution "Node" ignores the package's exports map
  write(
    path.join(appDir, 'tsconfig.json'),
    json({
      compilerOptions: {
        module: 'CommonJS',
        moduleResolution: 'Node',
        lib: ['ES2020'],
        target: 'ES2019',
        strict: false,
        skipLibCheck: true,
        forceConsistentCasingInFileNames: true,
        incremental: true,
        esModuleInterop: true,
        resolveJsonModule: true,
        noEmitOnError: false,
        noImplicitThis: true,
        outDir: 'dist',
        rootDir: '.',
      },
      include: ['./', './**/*.ts', './**/*.js', 'src/**/*.json'],
      exclude: ['node_modules/', 'build/', 'dist/', '.cache/', '.tmp/', 'src/admin/', '**/*.test.*', 'src/plugins/**'],
    })
  );
  // throwaway secrets: this app lives for one check
  write(
    path.join(appDir, 'config', 'server.ts'),
    "export default ({ env }) => ({\n  host: env('HOST', '127.0.0.1'),\n  port: env.int('PORT', 1337),\n  app: { keys: ['packCheckKeyA', 'packCheckKeyB'] },\n});\n"
  );
  write(
    path.join(appDir, 'config', 'admin.ts'),
    "export default () => ({\n  auth: { secret: 'pack-check-admin-jwt-secret' },\n  apiToken: { salt: 'pack-check-api-token-salt' },\n  transfer: { token: { salt: 'pack-check-transfer-token-salt' } },\n  secrets: { encryptionKey: 'pack-check-encryption-key-0123456789' },\n  flags: { nps: false, promoteEE: false },\n});\n"
  );
  write(
    path.join(appDir, 'config', 'database.ts'),
    "import path from 'path';\n\nexport default () => ({\n  connection: {\n    client: 'sqlite',\n    connection: { filename: path.join(__dirname, '..', '..', '.tmp', 'data.db') },\n    useNullAsDefault: true,\n  },\n});\n"
  );
  write(
    path.join(appDir, 'config', 'middlewares.ts'),
    "export default [\n  'strapi::logger',\n  'strapi::errors',\n  'strapi::security',\n  'strapi::cors',\n  'strapi::poweredBy',\n  'strapi::query',\n  'strapi::body',\n  'strapi::session',\n  'strapi::favicon',\n  'strapi::public',\n];\n"
  );
  write(path.join(appDir, 'config', 'plugins.ts'), "export default () => ({\n  'bulk-actions': { enabled: true },\n});\n");
  // the content type the README's example acts on
  write(
    path.join(appDir, 'src', 'api', 'article', 'content-types', 'article', 'schema.json'),
    json({
      kind: 'collectionType',
      collectionName: 'articles',
      info: { singularName: 'article', pluralName: 'articles', displayName: 'Article' },
      options: { draftAndPublish: false },
      attributes: { title: { type: 'string' }, stage: { type: 'enumeration', enum: ['draft', 'review'], default: 'draft' } },
    })
  );
  // the README's example, as a user pastes it
  write(path.join(appDir, 'src', 'index.ts'), readmeExample());
  // proves the published types are real: were they `any`, these expected errors would not occur and tsc would fail
  write(
    path.join(appDir, 'src', 'bulk-actions.ts'),
    [
      "import type { BulkActionDefinition } from 'strapi-plugin-bulk-actions/strapi-server';",
      "import { ActionInterrupted } from 'strapi-plugin-bulk-actions/strapi-server';",
      '',
      "// @ts-expect-error mode is 'query' or 'documents'",
      "export const wrongMode: BulkActionDefinition['mode'] = 'sql';",
      '// @ts-expect-error a definition needs a handler',
      "export const noHandler: BulkActionDefinition = { name: 'x', label: 'X', contentTypes: '*', permissions: ['read'], mode: 'query' };",
      "export const interrupted = new ActionInterrupted('stopped');",
      '',
    ].join('\n')
  );
  write(path.join(appDir, 'public', 'uploads', '.gitkeep'), '');
}

/** Every path the package.json's files and exports name must be in the tarball. */
function checkTarballContents(packJson: string) {
  const [info] = JSON.parse(packJson) as [{ filename: string; files: { path: string }[] }];
  const shipped = new Set(info.files.map((f) => f.path));
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const missing: string[] = [];
  for (const entry of pkg.files as string[]) {
    if (![...shipped].some((f) => f === entry || f.startsWith(`${entry}/`))) missing.push(`files: ${entry}`);
  }
  const targets = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : Object.values(value as Record<string, unknown>).flatMap(targets);
  for (const [key, value] of Object.entries(pkg.exports as Record<string, unknown>)) {
    for (const target of targets(value)) {
      if (!shipped.has(target.replace(/^\.\//, ''))) missing.push(`exports["${key}"]: ${target}`);
    }
  }
  if (missing.length) fail(`the tarball lacks what package.json names:\n  ${missing.join('\n  ')}`);
  console.log(`    ${info.filename}: ${shipped.size} files, every path of files and exports present`);
  return info.filename;
}

async function api(baseUrl: string, method: string, url: string, body?: unknown, token?: string) {
  const response = await fetch(baseUrl + url, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    fail(`${method} ${url} answered ${response.status} with something that is not JSON: ${text.slice(0, 200)}`);
  }
  if (!response.ok) fail(`${method} ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return json;
}

/** Starts the built app and resolves with its base URL once /_health answers. */
async function startApp(appDir: string): Promise<string> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  process.stdout.write(`--> strapi start on port ${port} ... `);
  let output = '';
  const log = fs.createWriteStream(path.join(workDir, 'strapi-start.log'));
  server = spawn(path.join(appDir, 'node_modules', '.bin', 'strapi'), ['start'], {
    cwd: appDir,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), STRAPI_TELEMETRY_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => ((output += chunk), log.write(chunk));
  server.stdout!.on('data', collect);
  server.stderr!.on('data', collect);
  let exited: number | null | undefined;
  server.on('exit', (code) => (exited = code));
  while (Date.now() - t0 < 180_000) {
    if (exited !== undefined) fail(`strapi start exited with ${exited} before answering\n${tail(output)}`);
    try {
      if ((await fetch(`${baseUrl}/_health`)).ok) {
        console.log(seconds(t0));
        return baseUrl;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return fail(`strapi start did not answer /_health within 180 s\n${tail(output)}`);
}

async function stopApp() {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function main() {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-actions-pack-'));
  const appDir = path.join(workDir, 'app');
  console.log(`pack check in ${workDir}`);

  ensurePluginBuilt();
  const packed = await run('npm pack', 'npm', ['pack', '--json', '--pack-destination', workDir], REPO_ROOT);
  const tarball = path.join(workDir, checkTarballContents(packed));

  writeApp(appDir, tarball);
  const env = { STRAPI_TELEMETRY_DISABLED: 'true', CI: 'true' };
  await run('npm install (the tarball and Strapi, from the npm cache)', 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], appDir, env);

  const installed = path.join(appDir, 'node_modules', 'strapi-plugin-bulk-actions');
  if (!fs.existsSync(installed)) fail(`npm install did not install the plugin into ${installed}`);
  if (fs.lstatSync(installed).isSymbolicLink()) fail(`${installed} is a link, not an installed copy of the tarball`);
  // the root entry (for resolvers that ignore exports) is the very module the exports map gives Node
  await run(
    'node: root strapi-server.js is the exported server half',
    process.execPath,
    [
      '-e',
      "const a = require('strapi-plugin-bulk-actions/strapi-server'), b = require('./node_modules/strapi-plugin-bulk-actions/strapi-server.js');" +
        "if (a !== b || typeof a.default.register !== 'function' || typeof a.ActionInterrupted !== 'function') process.exit(1);",
    ],
    appDir
  );

  // the README's example against the published types, under Strapi's default tsconfig (no paths)
  await run('tsc --noEmit (README example, moduleResolution Node)', path.join(appDir, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', 'tsconfig.json'], appDir);

  await run('strapi build', path.join(appDir, 'node_modules', '.bin', 'strapi'), ['build'], appDir, env);
  const assets = path.join(appDir, 'dist', 'build');
  const bundled = fs
    .readdirSync(assets, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.js'))
    .some((f) => fs.readFileSync(path.join(assets, f), 'utf8').includes(ADMIN_MARKER));
  if (!bundled) fail(`the admin panel in ${assets} does not contain the plugin's admin half`);

  const baseUrl = await startApp(appDir);
  const user = { firstname: 'Pack', lastname: 'Check', email: 'pack-check@example.com', password: 'PackCheck123' };
  await api(baseUrl, 'POST', '/admin/register-admin', user);
  const { data } = await api(baseUrl, 'POST', '/admin/login', { email: user.email, password: user.password });
  const info = await api(baseUrl, 'GET', '/bulk-actions/info', undefined, data.token);
  const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  if (info?.data?.plugin !== 'bulk-actions' || info.data.version !== version) {
    fail(`GET /bulk-actions/info answered ${JSON.stringify(info).slice(0, 500)}, not the plugin ${version}`);
  }
  const available = await api(baseUrl, 'GET', '/bulk-actions/content-types/api::article.article/available-actions', undefined, data.token);
  if (!JSON.stringify(available).includes('"mark-reviewed"')) {
    fail(`the README's action is not registered: available-actions answered ${JSON.stringify(available).slice(0, 500)}`);
  }
  console.log(`    GET /bulk-actions/info: 200, plugin ${version}; the README's "mark-reviewed" is registered for api::article.article`);
}

async function cleanup() {
  await stopApp();
  if (!workDir) return;
  if (KEEP) console.log(`kept ${workDir}`);
  else fs.rmSync(workDir, { recursive: true, force: true });
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => void cleanup().finally(() => process.exit(code)));
}

main()
  .then(async () => {
    await cleanup();
    console.log(`pack check passed in ${seconds(started)}`);
  })
  .catch(async (error) => {
    await cleanup();
    console.error(`\npack check FAILED after ${seconds(started)}: ${error instanceof CheckFailed ? error.message : error?.stack ?? error}`);
    process.exit(1);
  });
