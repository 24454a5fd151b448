import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { PLUGIN_ID, type UploadFormat, type UploadSummary } from '../../contracts';
import { RUN_UID, UPLOAD_PART_UID, UPLOAD_UID } from '../../content-types';
import type { PluginConfig } from '../../config';
import { parseCsv, parseXlsx, uploadFormat, badFile } from './parse';

type UploadRow = {
  id: number;
  ownerId: number;
  name: string;
  size: number | string;
  format: UploadFormat;
  sha256: string;
  rowCount: number;
  columns: string[];
  expiresAt: string | Date;
};

const summary = (row: UploadRow): UploadSummary => ({
  id: row.id,
  name: row.name,
  size: Number(row.size),
  format: row.format,
  rows: row.rowCount,
  columns: row.columns,
  sha256: row.sha256,
  expiresAt: new Date(row.expiresAt).toISOString(),
});

/** Runs that may still read their upload: its expiry waits for them to settle. */
const UNSETTLED = ['scheduled', 'queued', 'running'];

/** Parts read per query while a run walks an upload's rows. */
const PARTS_PER_READ = 4;

/**
 * Files uploaded for update-from-file. They live in the database every instance shares (the upload
 * row, and its rows in parts), so a run queued on one instance can be worked by any other; the file
 * on the local disk is only formidable's temporary copy, removed after the request. An upload is its
 * owner's only: anyone else is answered as if it did not exist.
 */
const createUploadsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = () => strapi.config.get(`plugin::${PLUGIN_ID}.uploads`) as PluginConfig['uploads'];
  const uploads = () => strapi.db.query(UPLOAD_UID);
  const parts = () => strapi.db.query(UPLOAD_PART_UID);

  const remove = async (id: number) => {
    await parts().deleteMany({ where: { uploadId: id } });
    await uploads().delete({ where: { id } });
  };

  return {
    limits: () => config(),

    /** Reads the file (streamed), stores its rows in parts and answers the summary; a bad file stores nothing. */
    async create(args: { ownerId: number; filePath: string; name: string; size: number }): Promise<UploadSummary> {
      const { maxBytes, maxRows, maxColumns, expiryHours } = config();
      const format = uploadFormat(args.name);
      if (args.size > maxBytes) {
        throw new errors.PayloadTooLargeError(`file: "${args.name}" is ${args.size} bytes; at most ${maxBytes} bytes are accepted`);
      }
      if (args.size === 0) throw badFile('is empty');
      await this.purgeExpired();
      const expiresAt = new Date(Date.now() + expiryHours * 3600_000);
      // the row first (its id names the parts), completed once the whole file is read
      const created = await uploads().create({
        data: { ownerId: args.ownerId, name: args.name, size: args.size, format, sha256: '', rowCount: 0, columns: [], expiresAt },
      });
      let position = 0;
      try {
        const sink = async (rows: string[][], firstRow: number) => {
          await parts().create({ data: { uploadId: created.id, position: position++, firstRow, content: JSON.stringify(rows) } });
        };
        const limits = { maxRows, maxColumns };
        const parsed = format === 'xlsx' ? await parseXlsx(args.filePath, limits, sink) : await parseCsv(args.filePath, limits, sink);
        const row = await uploads().update({
          where: { id: created.id },
          data: { sha256: parsed.sha256, rowCount: parsed.rows, columns: parsed.columns },
        });
        return summary(row as UploadRow);
      } catch (error) {
        await remove(created.id);
        throw error;
      }
    },

    /**
     * The owner's upload, still kept; anyone else (or an expired or half-written upload) gets a 404.
     * A run reading its own upload passes `forRun`: the purge keeps that upload until the run settles,
     * however long it waited, so its expiry is not checked.
     */
    async find(id: number, ownerId: number, options: { forRun?: boolean } = {}): Promise<UploadSummary> {
      const row = (await uploads().findOne({ where: { id, ownerId } })) as UploadRow | null;
      if (!row || !row.sha256 || (!options.forRun && new Date(row.expiresAt).getTime() < Date.now())) {
        throw new errors.NotFoundError(`No upload ${id}`);
      }
      return summary(row);
    },

    async delete(id: number, ownerId: number) {
      await this.find(id, ownerId);
      await remove(id);
    },

    /**
     * The upload's data rows in order, a part at a time (a few thousand rows in memory at a time):
     * a generator step per part, not per row, whose turns cost more than the rows' own work.
     */
    async *parts(id: number): AsyncGenerator<{ firstRow: number; rows: string[][] }> {
      for (let position = 0; ; position += PARTS_PER_READ) {
        const found = (await parts().findMany({
          where: { uploadId: id, position: { $gte: position, $lt: position + PARTS_PER_READ } },
          orderBy: { position: 'asc' },
        })) as Array<{ firstRow: number; content: string }>;
        for (const part of found) yield { firstRow: part.firstRow, rows: JSON.parse(part.content) as string[][] };
        if (found.length < PARTS_PER_READ) return;
      }
    },

    /** Uploads past their expiry, with their parts, except those a run not yet settled names. */
    async purgeExpired() {
      const runs = (await strapi.db.query(RUN_UID).findMany({
        select: ['params'],
        where: { action: 'update-from-file', status: { $in: UNSETTLED } },
      })) as Array<{ params: unknown }>;
      const needed = runs.map((run) => Number((run.params as { upload?: unknown } | null)?.upload)).filter(Number.isInteger);
      const expired = (await uploads().findMany({
        select: ['id'],
        where: { expiresAt: { $lt: new Date() }, ...(needed.length ? { id: { $notIn: needed } } : {}) },
        limit: 100,
      })) as Array<{ id: number }>;
      for (const { id } of expired) await remove(id);
      return expired.length;
    },
  };
};

export default createUploadsService;
export type UploadsService = ReturnType<typeof createUploadsService>;
