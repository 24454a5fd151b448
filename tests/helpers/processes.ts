import { spawn, type ChildProcess } from 'child_process';
import path from 'path';
import request from 'supertest';
import { freePort } from '../../scripts/playground';

export interface PlaygroundProcess {
  baseUrl: string;
  child: ChildProcess;
  /** SIGKILL: the process dies mid-work, as in a crash */
  kill: () => Promise<void>;
  /** SIGTERM: Strapi's destroy runs, the worker releases its job */
  stop: () => Promise<void>;
  as: (token: string) => { get: (url: string) => request.Test; post: (url: string) => request.Test };
}

/** Starts the playground in a child process on a free port; resolves when it listens. */
export async function spawnPlayground(env: Record<string, string>): Promise<PlaygroundProcess> {
  const port = await freePort();
  const root = path.resolve(__dirname, '..', '..');
  const child = spawn(process.execPath, ['-r', 'esbuild-register', path.join(__dirname, 'serve-playground.ts')], {
    cwd: root,
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port), STRAPI_TELEMETRY_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`playground did not start:\n${output}`)), 90_000);
    child.stdout!.on('data', (data) => {
      output += data;
      if (output.includes('READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (data) => (output += data));
    child.on('exit', (code) => reject(new Error(`playground exited (${code}):\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    child,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
    as: (token) => ({
      get: (url) => request(baseUrl).get(url).set('Authorization', `Bearer ${token}`),
      post: (url) => request(baseUrl).post(url).set('Authorization', `Bearer ${token}`),
    }),
  };
}
