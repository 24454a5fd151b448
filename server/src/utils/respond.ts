import type { Context } from 'koa';
import type { RunResponse } from '../contracts';
import { RunInterruptedError, type Delivery, type RunStarted } from '../services/runs/runner';

const isJson = (contentType: string) => /^application\/json\b/i.test(contentType);

/**
 * HTTP content negotiation for an action's file: no Accept header, or one naming the file's type or
 * a wildcard, streams it; `Accept: application/json` alone answers the run, the file kept with it.
 * A file that is itself JSON (the JSON export) can't be told from the run by its type: it streams only
 * without an Accept header or with a wildcard, so the admin's `Accept: application/json` keeps getting
 * the run.
 */
export const delivery = (ctx: Context): Delivery => ({
  acceptsFile(contentType) {
    if (ctx.accepts(contentType) === false) return false;
    if (!isJson(contentType) || !ctx.get('Accept')) return true;
    return (ctx.accepts() as string[]).some((type) => type.includes('*'));
  },
});

/** A signal stopped the run: 409 in Strapi's error format, with the run row. */
export const sendInterrupted = (ctx: Context, error: RunInterruptedError) => {
  ctx.status = 409;
  ctx.body = {
    data: null,
    error: { status: 409, name: 'ActionInterrupted', message: error.message, details: { run: error.run } },
  };
};

/** Answers a started run: the file (exports), 202 with a queued run, 200 with a finished one, 409 when interrupted. */
export async function sendStarted(ctx: Context, start: () => Promise<RunStarted>) {
  try {
    const started = await start();
    if (started.kind === 'download') {
      ctx.set('Content-Disposition', `attachment; filename="${started.download.filename.replace(/"/g, '')}"`);
      ctx.set('X-Bulk-Actions-Run-Id', String(started.run.id));
      ctx.type = started.download.contentType;
      ctx.body = started.download.stream;
      return;
    }
    // a queued run answers at once; the client follows it at GET /runs/:id
    ctx.status = started.kind === 'queued' ? 202 : 200;
    const body: RunResponse = { data: { run: started.run } };
    ctx.body = body;
  } catch (error) {
    if (error instanceof RunInterruptedError) return sendInterrupted(ctx, error);
    throw error;
  }
}

