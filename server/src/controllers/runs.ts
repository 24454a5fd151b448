import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { listRunsQuerySchema, PLUGIN_ID, runIdParamSchema, type ListRunsResponse, type Run, type RunResponse } from '../contracts';
import { failuresCsv } from '../utils/csv';
import { PLUGIN_PERMISSIONS } from '../services/permissions';
import { parseOrThrow } from '../utils/validate';

const createRunsController = ({ strapi }: { strapi: Core.Strapi }) => {
  const runs = () => strapi.plugin(PLUGIN_ID).service('runs');

  /** A run is visible to its owner and to holders of `runs.read`; to anyone else it does not exist. */
  const readableRun = async (ctx: Context): Promise<Run> => {
    const id = parseOrThrow(runIdParamSchema, ctx.params.id, 'query');
    const run: Run | null = await runs().findOne(id);
    const mayRead = run && (run.userId === ctx.state.user.id || ctx.state.userAbility.can(PLUGIN_PERMISSIONS.runsRead));
    if (!mayRead) throw new errors.NotFoundError(`No run ${id}`);
    return run;
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
