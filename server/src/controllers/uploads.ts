import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { CreateUploadResponse } from '../contracts';
import { badFile } from '../services/uploads/parse';
import { uploadIdParamSchema } from '../validation';
import { getService } from '../utils/services';
import { parseOrThrow } from '../utils/validate';

/** formidable's description of one uploaded part (koa-body puts it in ctx.request.files). */
interface UploadedPart {
  filepath: string;
  originalFilename?: string | null;
  size: number;
}

const createUploadsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /uploads: multipart with one part `file`; its rows are stored in the database. */
  async create(ctx: Context) {
    const files = (ctx.request as { files?: Record<string, UploadedPart | UploadedPart[]> }).files ?? {};
    const names = Object.keys(files);
    const unknown = names.find((name) => name !== 'file');
    if (unknown) throw badFile(`the form has a part "${unknown}"; send the file as the part "file"`);
    const file = files.file;
    if (!file) throw badFile('is missing: send it as the multipart part "file"');
    if (Array.isArray(file)) throw badFile('send one file at a time');
    const fields = Object.keys((ctx.request.body as Record<string, unknown>) ?? {});
    if (fields.length) throw badFile(`the form has a field "${fields[0]}"; only the part "file" is accepted`);
    const upload = await getService(strapi, 'uploads').create({
      ownerId: ctx.state.user.id,
      filePath: file.filepath,
      name: file.originalFilename ?? '',
      size: file.size,
    });
    ctx.status = 201;
    const body: CreateUploadResponse = { upload };
    ctx.body = body;
  },

  /** DELETE /uploads/:id: the owner's upload and its rows. */
  async delete(ctx: Context) {
    const id = parseOrThrow(uploadIdParamSchema, ctx.params.id, 'query');
    await getService(strapi, 'uploads').delete(id, ctx.state.user.id);
    ctx.status = 204;
  },
});

export default createUploadsController;
