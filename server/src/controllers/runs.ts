import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { listRunsQuerySchema, PLUGIN_ID, runIdParamSchema, type ListRunsResponse, type RunResponse } from '../contracts';
import { PLUGIN_PERMISSIONS } from '../services/permissions';
import { parseOrThrow } from '../utils/validate';

const createRunsController = ({ strapi }: { strapi: Core.Strapi }) => {
  const runs = () => strapi.plugin(PLUGIN_ID).service('runs');

  return {
    async find(ctx: Context) {
      const query = parseOrThrow(listRunsQuerySchema, ctx.query, 'query');
      const { results, pagination } = await runs().findPage(query);
      const body: ListRunsResponse = { data: results, meta: { pagination } };
      ctx.body = body;
    },

    /** A run is visible to its owner and to holders of `runs.read`. */
    async findOne(ctx: Context) {
      const id = parseOrThrow(runIdParamSchema, ctx.params.id, 'query');
      const run = await runs().findOne(id);
      const mayRead = run && (run.userId === ctx.state.user.id || ctx.state.userAbility.can(PLUGIN_PERMISSIONS.runsRead));
      if (!mayRead) throw new errors.NotFoundError(`No run ${id}`);
      const body: RunResponse = { data: { run } };
      ctx.body = body;
    },
  };
};

export default createRunsController;
