import fs from 'fs';
import path from 'path';
import { PassThrough } from 'stream';
import { once } from 'events';

/** Where a run's file goes: the HTTP response (inline exports) or a file (queued exports). */
export interface OutputSink {
  /** bytes committed so far */
  offset: number;
  write(text: string): Promise<void>;
  end(): Promise<void>;
  fail(error: Error): void;
}

/** Streams to the response with backpressure: the whole export is never held in memory. */
export function createStreamSink() {
  const stream = new PassThrough();
  const sink: OutputSink = {
    offset: 0,
    async write(text) {
      if (!text) return;
      // the editor closed the download: stop the run instead of writing into nothing
      if (stream.destroyed) throw new Error('The download was interrupted');
      sink.offset += Buffer.byteLength(text);
      if (!stream.write(text)) await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
    },
    async end() {
      stream.end();
    },
    fail(error) {
      stream.destroy(error);
    },
  };
  return { sink, stream };
}

/** Appends to a file, first cutting it back to the committed length (a resumed run rewrites nothing twice). */
export async function openFileSink(file: string, committed: number): Promise<OutputSink> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const handle = await fs.promises.open(file, fs.existsSync(file) ? 'r+' : 'w+');
  await handle.truncate(committed);
  let position = committed;
  const sink: OutputSink = {
    offset: committed,
    async write(text) {
      if (!text) return;
      const buffer = Buffer.from(text);
      await handle.write(buffer, 0, buffer.length, position);
      position += buffer.length;
      sink.offset = position;
    },
    async end() {
      await handle.close();
    },
    fail() {
      void handle.close().catch(() => undefined);
    },
  };
  return sink;
}

/** `articles-2026-11-21.csv`: the file name an action's output is given. */
export const outputFileName = (model: { info?: { pluralName?: string } } | undefined, extension: string) =>
  `${model?.info?.pluralName ?? 'entries'}-${new Date().toISOString().slice(0, 10)}.${extension}`;
