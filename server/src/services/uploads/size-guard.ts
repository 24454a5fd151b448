import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context, Next } from 'koa';
import { PLUGIN_ID } from '../../contracts';
import type { PluginConfig } from '../../config';

/** Room for the multipart framing around the file (boundaries, part headers). */
const MULTIPART_OVERHEAD = 64 * 1024;

const tooLarge = (ctx: Context, message: string) => {
  ctx.status = 413;
  ctx.set('Connection', 'close');
  ctx.body = { data: null, error: { status: 413, name: 'PayloadTooLargeError', message, details: {} } };
};

/**
 * Refuses an upload larger than the limit without reading it whole. Registered ahead of Strapi's
 * body parser, it answers 413 from the Content-Length alone, so the file is never written to the
 * temporary folder. A body without a length (Transfer-Encoding: chunked) is counted as the parser
 * reads it: the chunk that passes the limit is never handed on, the request errors (the parser
 * drops its temporary file) and the answer is the same 413.
 */
export const uploadSizeGuard = (strapi: Core.Strapi) => async (ctx: Context, next: Next) => {
  if (ctx.method !== 'POST' || ctx.path !== `/${PLUGIN_ID}/uploads`) return next();
  const { maxBytes } = strapi.config.get(`plugin::${PLUGIN_ID}.uploads`) as PluginConfig['uploads'];
  const limit = maxBytes + MULTIPART_OVERHEAD;
  const accepted = `files of at most ${maxBytes} bytes are accepted`;
  const header = ctx.get('Content-Length');
  if (header !== '') {
    const length = Number(header);
    if (Number.isFinite(length) && length > limit) return tooLarge(ctx, `file: the request is ${length} bytes; ${accepted}`);
    return next();
  }

  // the parser reads the body through 'data' events: count them on their way
  const req = ctx.req;
  const emit = req.emit;
  let received = 0;
  let over = false;
  req.emit = function countBytes(this: typeof req, event: string | symbol, ...args: any[]) {
    if (event === 'data' && !over) {
      received += (args[0] as Buffer).length;
      if (received > limit) {
        over = true;
        req.pause();
        return emit.call(this, 'error', new errors.PayloadTooLargeError(`upload body over ${limit} bytes`));
      }
    }
    if (event === 'data' && over) return false;
    return emit.call(this, event, ...args);
  } as typeof req.emit;
  try {
    await next();
  } catch (error) {
    if (!over) throw error;
  } finally {
    req.emit = emit;
  }
  if (over) tooLarge(ctx, `file: the request passed ${limit} bytes without a Content-Length; ${accepted}`);
};
