import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import type { ListRunsResponse, Run, RunResponse } from '../contracts';
import { listRunsQuerySchema, emptyBodySchema, runIdParamSchema } from '../validation';
import { failuresCsv } from '../utils/csv';
import { delivery, sendStarted } from '../utils/respond';
import { getService } from '../utils/services';
import { parseOrThrow } from '../utils/validate';

const createRunsController = ({ strapi }: { strapi: Core.Strapi }) => {
  const runs = () => getService(strapi, 'runs');
  const access = () => getService(strapi, 'run-access');
  const reader = (ctx: Context) => ({ ability: ctx.state.userAbility, user: ctx.state.user });

  /** The run named in the URL, when this user may see it (the run-access service's rule), else 404. */
  const readableRun = async (ctx: Context): Promise<Run> =>
    access().findVisible(reader(ctx), parseOrThrow(runIdParamSchema, ctx.params.id, 'query'));

  return {
    async find(ctx: Context) {
      const query = parseOrThrow(listRunsQuerySchema, ctx.query, 'query');
      const { results, pagination } = await runs().findPage(query, await access().visibleWhere(reader(ctx)));
      const body: ListRunsResponse = { data: results, meta: { pagination } };
      ctx.body = body;
    },

    async findOne(ctx: Context) {
      const body: RunResponse = { data: { run: await readableRun(ctx) } };
      ctx.body = body;
    },

    /** Stops a queued or running run between chunks; what was done stays done. */
    async cancel(ctx: Context) {
      const run = await getService(strapi, 'runner').cancel(await readableRun(ctx));
      ctx.status = 202;
      const body: RunResponse = { data: { run } };
      ctx.body = body;
    },

    /** A scheduled run starts at the next worker tick instead of at its time. */
    async runNow(ctx: Context) {
      const run = await readableRun(ctx);
      parseOrThrow(emptyBodySchema, ctx.request.body ?? {}, 'body');
      const body: RunResponse = { data: { run: await getService(strapi, 'runner').runNow(run) } };
      ctx.status = 202;
      ctx.body = body;
    },

    /** The same action again over every entry that failed, as the current user. */
    async retry(ctx: Context) {
      const run = await readableRun(ctx);
      await sendStarted(ctx, () => getService(strapi, 'runner').retry(run, { ability: ctx.state.userAbility, user: ctx.state.user }, delivery(ctx)));
    },

    /** Undo: a new run that puts back what this one changed (entries changed since are left). */
    async revert(ctx: Context) {
      const run = await readableRun(ctx);
      parseOrThrow(emptyBodySchema, ctx.request.body ?? {}, 'body');
      await sendStarted(ctx, () => getService(strapi, 'runner').revert(run, reader(ctx), delivery(ctx)));
    },

    /**
     * A queued export's file, for the run's owner only, while it is kept: streamed from the database
     * part by part, so any instance serves it.
     */
    async download(ctx: Context) {
      const run = await readableRun(ctx);
      if (run.userId !== ctx.state.user.id || !run.download) {
        throw new errors.NotFoundError(`Run ${run.id} has no file to download`);
      }
      if (!['succeeded', 'partial'].includes(run.status)) {
        throw new errors.ApplicationError(`Run ${run.id} is ${run.status}: its file is not complete`);
      }
      ctx.set('Content-Disposition', `attachment; filename="${run.download.name.replace(/"/g, '')}"`);
      ctx.type = run.download.contentType;
      ctx.body = await getService(strapi, 'outputs').stream(run.id);
    },

    /** The run's failures as CSV (documentId, reason), for the editor to fix or retry. */
    async failures(ctx: Context) {
      const run = await readableRun(ctx);
      ctx.set('Content-Disposition', `attachment; filename="run-${run.id}-failures.csv"`);
      ctx.type = 'text/csv; charset=utf-8';
      ctx.body = failuresCsv(run.failures);
    },
  };
};

export default createRunsController;
