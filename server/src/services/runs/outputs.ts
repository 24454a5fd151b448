import fs from 'fs';
import { PassThrough, Readable } from 'stream';
import type { Core } from '@strapi/strapi';
import { RUN_UID } from '../../content-types';
import { HEADER_POSITION, type Knex } from './queue';
import { getService } from '../../utils/services';
import { assemblyOf, createAssembler, type Assembly } from './files';

/** Where a run's file goes: the HTTP response (inline exports) or the database (queued exports). */
export interface OutputSink {
  /** the file's first line(s): written once per file, however many workers or resumes */
  header(text: string): Promise<void>;
  /** a chunk's text, inside the transaction that completes the chunk */
  chunk(position: number, text: string, trx: Knex): Promise<void>;
  end(): Promise<void>;
  fail(error: Error): void;
}

/**
 * Streams to the response with backpressure: the whole export is never held in memory. The file is
 * assembled from the header and chunk texts exactly as a download assembles it from the stored parts
 * (see files.ts), so both give the same bytes.
 */
export function createStreamSink({ assembly = 'text', date }: { assembly?: Assembly; date?: Date } = {}) {
  const stream = new PassThrough();
  const file = createAssembler(assembly, stream, { date });
  let headerWritten = false;
  const sink: OutputSink = {
    async header(text) {
      if (headerWritten) return;
      headerWritten = true;
      await file.header(text);
    },
    // an inline run is worked by one worker, chunk after chunk in position order
    chunk: (_position, text) => file.part(text),
    async end() {
      await file.end();
    },
    fail(error) {
      stream.destroy(error);
    },
  };
  return { sink, stream };
}

/** A workbook's timestamp: the run's start, the same wherever and whenever the file is assembled. */
export const fileDate = (startedAt: Date | string | null | undefined) => {
  const date = startedAt ? new Date(startedAt) : null;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
};

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

    /**
     * The file of a run, assembled from its parts in position order (whatever order workers wrote
     * them in). Read a few parts at a time: a slow client holds few parts, whatever the file's size.
     */
    async stream(runId: number): Promise<Readable> {
      const q = queue();
      const run = await strapi.db.query(RUN_UID).findOne({ where: { id: runId }, select: ['outputAssembly', 'startedAt'] });
      const assembly = assemblyOf(run?.outputAssembly);
      async function* parts() {
        let after = HEADER_POSITION - 1;
        for (;;) {
          const batch = await q.readParts(runId, after, PARTS_PER_READ);
          if (!batch.length) return;
          yield* batch;
          after = batch[batch.length - 1].position;
        }
      }
      if (assembly === 'text') {
        // a byte stream, not one of objects: backpressure counts bytes, so a slow client holds few parts
        return Readable.from((async function* () {
          for await (const part of parts()) yield Buffer.from(part.content);
        })(), { objectMode: false, highWaterMark: 256 * 1024 });
      }
      const out = new PassThrough({ highWaterMark: 256 * 1024 });
      const file = createAssembler(assembly, out, { date: fileDate(run?.startedAt) });
      (async () => {
        for await (const part of parts()) {
          if (part.position === HEADER_POSITION) await file.header(part.content);
          else await file.part(part.content);
        }
        await file.end();
      })().catch((error: Error) => out.destroy(error));
      return out;
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
