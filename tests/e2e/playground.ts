/**
 * The Strapi the browser tests drive: the playground (`npm run demo`) on a free port with a fresh
 * SQLite file, in its own process group so everything it started stops with it.
 */
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { compilePlayground, ensureAdminBuilt, ensurePluginBuilt, REPO_ROOT } from '../../scripts/playground';
import { freePort } from '../../scripts/playground';

export interface RunningPlayground {
  /** e.g. http://127.0.0.1:41234/admin */
  adminUrl: string;
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  databaseFile: string;
  stop: () => Promise<void>;
}


/** Plugin, playground and admin panel, each rebuilt only when its sources changed (the demo's own helpers). */
export async function buildAll(log: (line: string) => void) {
  ensurePluginBuilt(log);
  log('Compiling the playground...');
  await compilePlayground();
  ensureAdminBuilt(log);
}

const stopProcess = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      // the whole group: npm and the node process running Strapi
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });

/** Starts `npm run demo` (it seeds the demo users and content) and waits for its admin URL. */
export async function startPlayground({ logFile, timeoutMs = 300_000 }: { logFile: string; timeoutMs?: number }): Promise<RunningPlayground> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-actions-e2e-'));
  const databaseFile = path.join(dir, 'data.db');
  const log = fs.createWriteStream(logFile);

  const child = spawn('npm', ['run', 'demo', '--silent'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_FILENAME: databaseFile,
      STRAPI_TELEMETRY_DISABLED: 'true',
      BROWSER: 'none',
    },
  });

  const stop = async () => {
    await stopProcess(child);
    log.end();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    const adminUrl = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`The playground did not start within ${timeoutMs / 1000} s (log: ${logFile})`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        log.write(chunk);
        output = (output + chunk.toString()).slice(-10_000);
        const match = output.match(/Admin panel:\s+(http\S+)/);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => log.write(chunk));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`The playground exited (code ${code}) before it was ready; see ${logFile}\n${output.slice(-2000)}`));
      });
    });
    // keep the log flowing after startup
    child.removeAllListeners('exit');
    return { adminUrl, baseUrl: adminUrl.replace(/\/admin\/?$/, ''), databaseFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
