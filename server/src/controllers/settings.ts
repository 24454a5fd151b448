import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { PLUGIN_ID, type SettingsResponse } from '../contracts';
import { settingsSchema } from '../validation';
import { parseOrThrow } from '../utils/validate';
import { getService } from '../utils/services';

const createSettingsController = ({ strapi }: { strapi: Core.Strapi }) => {
  const settings = () => getService(strapi, 'settings');

  return {
    async get(ctx: Context) {
      const body: SettingsResponse = { data: await settings().get() };
      ctx.body = body;
    },

    async update(ctx: Context) {
      const update = parseOrThrow(settingsSchema, ctx.request.body, 'body');
      const body: SettingsResponse = { data: await settings().update(update) };
      ctx.body = body;
    },
  };
};

export default createSettingsController;
