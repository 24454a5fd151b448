import type { ChildProcess } from 'child_process';
import type { Args, Command, Ready, Reply, Result } from './protocol';
import { sleep } from './util';

/** The Strapi child: an IPC request/response channel over process.send. */
export class BenchChild {
  private nextId = 1;
  private pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private output = '';
  readonly exited: Promise<number | null>;
  ready: Promise<Ready>;

  constructor(readonly child: ChildProcess) {
    let onReady!: (value: Ready) => void;
    let onFail!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => ((onReady = resolve), (onFail = reject)));
    const keep = (data: Buffer) => {
      this.output = (this.output + data.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (message: Ready | Reply) => {
      if ('type' in message && message.type === 'ready') return onReady(message);
      if (!('id' in message)) return;
      const waiter = this.pending.get(message?.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`bench-server: ${message.error}`));
    });
    this.exited = new Promise((resolve) =>
      child.on('exit', (code) => {
        const error = new Error(`the Strapi process exited (${code}):\n${this.output}`);
        onFail(error);
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
        resolve(code);
      })
    );
  }

  /** One command of bench/protocol.ts: its arguments and its result are typed there. */
  call<K extends Command>(cmd: K, ...[args]: {} extends Args<K> ? [Args<K>?] : [Args<K>]): Promise<Result<K>> {
    const id = this.nextId++;
    return new Promise<Result<K>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, cmd, ...(args ?? {}) }, (error) => {
        if (error) {
          this.pending.delete(id);
          reject(error);
        }
      });
    });
  }

  /** Asks Strapi to shut down, then kills it if it does not within 30 s. */
  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      if (this.child.connected) this.child.send({ id: 0, cmd: 'stop' });
      else this.child.kill('SIGTERM');
    } catch {
      this.child.kill('SIGTERM');
    }
    const killed = sleep(30_000).then(() => 'timeout');
    if ((await Promise.race([this.exited, killed])) === 'timeout') {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** A tiny admin API client (global fetch). */
export function api(baseUrl: string, token?: string) {
  const request = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(baseUrl + url, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res;
  };
  const json = async (method: string, url: string, body?: unknown, expected: number[] = [200]) => {
    const res = await request(method, url, body);
    const text = await res.text();
    if (!expected.includes(res.status)) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 2000)}`);
    return text ? JSON.parse(text) : null;
  };
  /** multipart (an upload): fetch writes the Content-Type with its boundary */
  const form = async (url: string, body: FormData, expected: number[] = [201]) => {
    const res = await fetch(baseUrl + url, { method: 'POST', headers: token ? { Authorization: `Bearer ${token}` } : {}, body });
    const text = await res.text();
    if (!expected.includes(res.status)) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 2000)}`);
    return JSON.parse(text);
  };
  return { request, json, form };
}
