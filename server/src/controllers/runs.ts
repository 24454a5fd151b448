import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { listRunsQuerySchema, PLUGIN_ID, runIdParamSchema, type ListRunsResponse, type Run, type RunResponse } from '../contracts';
import { failuresCsv } from '../utils/csv';
import { sendStarted } from '../utils/respond';
import { PLUGIN_PERMISSIONS } from '../services/permissions';
import { parseOrThrow } from '../utils/validate';

const createRunsController = ({ strapi }: { strapi: Core.Strapi }) => {
  const runs = () => strapi.plugin(PLUGIN_ID).service('runs');

  /**
   * A run is visible to its owner, and to holders of `runs.read` who also hold the action's
   * permissions on its content type; to anyone else it does not exist.
   */
  const readableRun = async (ctx: Context): Promise<Run> => {
    const id = parseOrThrow(runIdParamSchema, ctx.params.id, 'query');
    const run: Run | null = await runs().findOne(id);
    if (run && (run.userId === ctx.state.user.id || mayReadOthers(ctx, run))) return run;
    throw new errors.NotFoundError(`No run ${id}`);
  };

  const mayReadOthers = (ctx: Context, run: Run) => {
    if (!ctx.state.userAbility.can(PLUGIN_PERMISSIONS.runsRead)) return false;
    const definition = strapi.plugin(PLUGIN_ID).service('actions').get(run.contentType, run.action);
    if (!definition) return true; // the action is gone: runs.read alone shows its history
    return !strapi.plugin(PLUGIN_ID).service('permissions').missingPermission(ctx.state.userAbility, run.contentType, definition);
  };

  return {
    async find(ctx: Context) {
      const query = parseOrThrow(listRunsQuerySchema, ctx.query, 'query');
      const { results, pagination } = await runs().findPage(query);
      const body: ListRunsResponse = { data: results, meta: { pagination } };
      ctx.body = body;
    },

    async findOne(ctx: Context) {
      const body: RunResponse = { data: { run: await readableRun(ctx) } };
      ctx.body = body;
    },

    /** Stops a queued or running run between chunks; what was done stays done. */
    async cancel(ctx: Context) {
      const run = await readableRun(ctx);
      if (!['queued', 'running'].includes(run.status)) {
        throw new errors.ApplicationError(`Run ${run.id} is already ${run.status}`);
      }
      const { run: current, cancelledNow } = await runs().requestCancel(run.id);
      const settled = cancelledNow ? await strapi.plugin(PLUGIN_ID).service('executor').settle(current, { cancelled: true }) : current;
      ctx.status = 202;
      const body: RunResponse = { data: { run: settled } };
      ctx.body = body;
    },

    /**
     * Runs the same action again over every entry that failed (all of them, not only the first
     * 1,000 the run row lists), with the same params, as the current user: permissions apply anew.
     */
    async retry(ctx: Context) {
      const run = await readableRun(ctx);
      const failedIds: string[] = await strapi.plugin(PLUGIN_ID).service('chunks').failedDocumentIds(run.id);
      if (!failedIds.length) throw new errors.ApplicationError(`Run ${run.id} has no failed entries to retry`);
      const definition = strapi.plugin(PLUGIN_ID).service('actions').get(run.contentType, run.action);
      if (Object.values(definition?.form ?? {}).some((field: any) => field.secret)) {
        throw new errors.ApplicationError(`"${run.action}" has secret fields: run it again from the list view`);
      }
      const request = {
        selection: { documentIds: failedIds },
        ...(run.locale ? { locale: run.locale } : {}),
        params: run.params ?? {},
      };
      await sendStarted(ctx, () =>
        strapi.plugin(PLUGIN_ID).service('runner').run(run.contentType, run.action, request, { ability: ctx.state.userAbility, user: ctx.state.user })
      );
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
      ctx.body = strapi.plugin(PLUGIN_ID).service('outputs').stream(run.id);
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
