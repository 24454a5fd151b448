import fs from 'fs';
import { PassThrough, Readable } from 'stream';
import { once } from 'events';
import type { Core } from '@strapi/strapi';
import { RUN_UID } from '../../content-types';
import { HEADER_POSITION, type Knex } from './queue';
import { getService } from '../../utils/services';

/** Where a run's file goes: the HTTP response (inline exports) or the database (queued exports). */
export interface OutputSink {
  /** the file's first line(s): written once per file, however many workers or resumes */
  header(text: string): Promise<void>;
  /** a chunk's text, inside the transaction that completes the chunk */
  chunk(position: number, text: string, trx: Knex): Promise<void>;
  end(): Promise<void>;
  fail(error: Error): void;
}

/** Streams to the response with backpressure: the whole export is never held in memory. */
export function createStreamSink() {
  const stream = new PassThrough();
  let headerWritten = false;
  const write = async (text: string) => {
    if (!text) return;
    // the editor closed the download: stop the run instead of writing into nothing
    if (stream.destroyed) throw new Error('The download was interrupted');
    if (!stream.write(text)) await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
  };
  const sink: OutputSink = {
    async header(text) {
      if (headerWritten) return;
      headerWritten = true;
      await write(text);
    },
    // an inline run is worked by one worker, chunk after chunk in position order
    chunk: (_position, text) => write(text),
    async end() {
      stream.end();
    },
    fail(error) {
      stream.destroy(error);
    },
  };
  return { sink, stream };
}

/** Parts of a file read per query while downloading (a part is one chunk's rows): a few MB at most in memory. */
const PARTS_PER_READ = 8;

/** `articles-2026-11-21.csv`: the file name an action's output is given. */
export const outputFileName = (model: { info?: { pluralName?: string } } | undefined, extension: string) =>
  `${model?.info?.pluralName ?? 'entries'}-${new Date().toISOString().slice(0, 10)}.${extension}`;

/**
 * Queued runs' files live in the database every instance shares, in parts: the header, then one part
 * per chunk written in that chunk's transaction. A takeover continues the same file, any instance
 * serves it, and it is exactly-once by construction.
 */
const createOutputsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const queue = () => getService(strapi, 'chunks').queue;

  return {
    /** The sink a queued run writes its file through. */
    sink(runId: number): OutputSink {
      return {
        header: (text) => (text ? queue().writeHeaderOnce(runId, text) : Promise.resolve()),
        async chunk(position, text, trx) {
          if (text) await queue().writePart(trx, runId, position, text);
        },
        async end() {},
        fail() {},
      };
    },

    /** The file of a run, part after part in position order (whatever order workers wrote them in). */
    stream(runId: number): Readable {
      const q = queue();
      async function* parts() {
        let after = HEADER_POSITION - 1;
        for (;;) {
          const batch = await q.readParts(runId, after, PARTS_PER_READ);
          if (!batch.length) return;
          for (const part of batch) yield Buffer.from(part.content);
          after = batch[batch.length - 1].position;
        }
      }
      // a byte stream, not one of objects: backpressure counts bytes, so a slow client holds few parts
      return Readable.from(parts(), { objectMode: false, highWaterMark: 256 * 1024 });
    },

    /**
     * Retention: the files of runs finished longer ago than `hours`. Any instance may run it at the same
     * time as others (see queue.purgeOutputs).
     */
    async purgeExpired(hours: number) {
      const before = new Date(Date.now() - hours * 3600_000);
      for (;;) {
        const expired = await strapi.db.query(RUN_UID).findMany({
          select: ['id'],
          where: { outputName: { $notNull: true }, finishedAt: { $lt: before } },
          orderBy: { id: 'asc' },
          limit: 100,
        });
        if (!expired.length) return;
        const { purged, legacyFiles } = await queue().purgeOutputs(expired.map((run: { id: number }) => run.id));
        // files of versions that wrote to a local disk: removed where they are, best effort
        for (const file of legacyFiles) await fs.promises.rm(file, { force: true }).catch(() => undefined);
        // fewer than asked for: the rest is being purged by another instance, or there is no more
        if (expired.length < 100 || purged < expired.length) return;
      }
    },
  };
};

export default createOutputsService;
export type OutputsService = ReturnType<typeof createOutputsService>;
