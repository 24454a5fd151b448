import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import {
  PLUGIN_ID,
  previewRequestSchema,
  runRequestSchema,
  type AvailableActionsResponse,
  type ListActionsResponse,
  type PreviewResponse,
  type RunResponse,
} from '../contracts';
import { RunInterruptedError, type RunStarted } from '../services/runner';
import { parseOrThrow } from '../utils/validate';

const caller = (ctx: Context) => ({ ability: ctx.state.userAbility, user: ctx.state.user });

/** A signal stopped the run: 409 in Strapi's error format, with the run row. */
const sendInterrupted = (ctx: Context, error: RunInterruptedError) => {
  ctx.status = 409;
  ctx.body = {
    data: null,
    error: { status: 409, name: 'ActionInterrupted', message: error.message, details: { run: error.run } },
  };
};

const createActionsController = ({ strapi }: { strapi: Core.Strapi }) => {
  const runner = () => strapi.plugin(PLUGIN_ID).service('runner');
  const maxIds = () => strapi.config.get(`plugin::${PLUGIN_ID}.maxSelection`) as number;

  return {
    async list(ctx: Context) {
      const body: ListActionsResponse = { data: await runner().listActions(ctx.params.uid, ctx.state.userAbility) };
      ctx.body = body;
    },

    /** Every action a content type offers, enabled or not (the settings page's columns). */
    async available(ctx: Context) {
      const body: AvailableActionsResponse = { data: runner().availableActions(ctx.params.uid) };
      ctx.body = body;
    },

    async preview(ctx: Context) {
      const request = parseOrThrow(previewRequestSchema(maxIds()), ctx.request.body, 'body');
      try {
        const body: PreviewResponse = { data: await runner().preview(ctx.params.uid, ctx.params.name, request, caller(ctx)) };
        ctx.body = body;
      } catch (error) {
        if (error instanceof RunInterruptedError) return sendInterrupted(ctx, error);
        throw error;
      }
    },

    async run(ctx: Context) {
      const request = parseOrThrow(runRequestSchema(maxIds()), ctx.request.body, 'body');
      try {
        const started: RunStarted = await runner().run(ctx.params.uid, ctx.params.name, request, caller(ctx));
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
    },
  };
};

export default createActionsController;
