import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import {
  PLUGIN_ID,
  type AvailableActionsResponse,
  type HintsResponse,
  type ListActionsResponse,
  type PreviewResponse,
} from '../contracts';
import { RunInterruptedError } from '../services/runs/runner';
import type { ReportLine } from '../types';
import { dryRunCsv } from '../utils/csv';
import { hintsRequestSchema, previewRequestSchema, runRequestSchema } from '../validation';
import { delivery, sendInterrupted, sendStarted } from '../utils/respond';
import { parseOrThrow } from '../utils/validate';
import { getService } from '../utils/services';

const caller = (ctx: Context) => ({ ability: ctx.state.userAbility, user: ctx.state.user });

const createActionsController = ({ strapi }: { strapi: Core.Strapi }) => {
  const runner = () => getService(strapi, 'runner');
  const maxIds = () => strapi.config.get(`plugin::${PLUGIN_ID}.maxSelection`) as number;

  return {
    async list(ctx: Context) {
      const data = await runner().listActions(ctx.params.uid, ctx.state.userAbility);
      const replacesBuiltIns = await getService(strapi, 'settings').replacedBuiltIns(ctx.params.uid, data.map((action) => action.name));
      const body: ListActionsResponse = { data, meta: { replacesBuiltIns } };
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

    /** The full dry run of a preview (every outcome and planned change) as a CSV download; nothing changes. */
    async report(ctx: Context) {
      const request = parseOrThrow(previewRequestSchema(maxIds()), ctx.request.body, 'body');
      const lines: ReportLine[] = [];
      try {
        await runner().preview(ctx.params.uid, ctx.params.name, request, caller(ctx), (line) => lines.push(line));
      } catch (error) {
        if (error instanceof RunInterruptedError) return sendInterrupted(ctx, error);
        throw error;
      }
      ctx.set('Content-Type', 'text/csv; charset=utf-8');
      ctx.set('Content-Disposition', `attachment; filename="dry-run-${String(ctx.params.name).replace(/[^a-z0-9-]/gi, '')}.csv"`);
      ctx.body = dryRunCsv(lines);
    },

    /** The most common current values of one field in the selection (the edit form's hints). */
    async hints(ctx: Context) {
      const request = parseOrThrow(hintsRequestSchema(maxIds()), ctx.request.body, 'body');
      const body: HintsResponse = { data: await runner().hints(ctx.params.uid, ctx.params.name, request, caller(ctx)) };
      ctx.body = body;
    },

    async run(ctx: Context) {
      const request = parseOrThrow(runRequestSchema(maxIds()), ctx.request.body, 'body');
      await sendStarted(ctx, () => runner().run(ctx.params.uid, ctx.params.name, request, caller(ctx), delivery(ctx)));
    },
  };
};

export default createActionsController;
