import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from './contracts';
import { RUN_FINISHED_EVENT } from './services/executor';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.plugin(PLUGIN_ID).service('permissions').registerPermissions();
  // one webhook event per finished run, selectable in Settings > Webhooks
  strapi.get('webhookStore').addAllowedEvent('BULK_ACTIONS_RUN_FINISHED', RUN_FINISHED_EVENT);
  // workers look chunks up by run and position on every step, downloads read parts in order
  await strapi.plugin(PLUGIN_ID).service('chunks').queue.ensureIndexes();
  strapi.plugin(PLUGIN_ID).service('jobs').start();
};

export default bootstrap;
