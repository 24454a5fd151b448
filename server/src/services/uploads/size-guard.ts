import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { PLUGIN_ID } from '../../contracts';
import type { PluginConfig } from '../../config';

/** Room for the multipart framing around the file (boundaries, part headers). */
const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * Refuses an upload larger than the limit before its body is read: registered ahead of Strapi's
 * body parser, it answers 413 from the Content-Length alone, so the file is never written to the
 * temporary folder. A body without a length (chunked) is bounded by the body parser's own
 * `maxFileSize` and checked against the limit once received.
 */
export const uploadSizeGuard = (strapi: Core.Strapi) => async (ctx: Context, next: Next) => {
  if (ctx.method === 'POST' && ctx.path === `/${PLUGIN_ID}/uploads`) {
    const { maxBytes } = strapi.config.get(`plugin::${PLUGIN_ID}.uploads`) as PluginConfig['uploads'];
    const length = Number(ctx.get('Content-Length'));
    if (Number.isFinite(length) && length > maxBytes + MULTIPART_OVERHEAD) {
      ctx.status = 413;
      ctx.set('Connection', 'close');
      ctx.body = {
        data: null,
        error: { status: 413, name: 'PayloadTooLargeError', message: `file: the request is ${length} bytes; files of at most ${maxBytes} bytes are accepted`, details: {} },
      };
      return;
    }
  }
  await next();
};
