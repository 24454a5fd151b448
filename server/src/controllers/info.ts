import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { InfoResponse } from '../contracts';
import { PLUGIN_ID } from '../contracts';
import { version } from '../../../package.json';
import { getService } from '../utils/services';

const createInfoController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async get(ctx: Context) {
    const contentTypes = getService(strapi, 'content-types').list(ctx.state.userAbility);
    const body: InfoResponse = { data: { plugin: PLUGIN_ID, version, contentTypes } };
    ctx.body = body;
  },
});

export default createInfoController;
