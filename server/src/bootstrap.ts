import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from './contracts';
import { RUN_FINISHED_EVENT } from './services/runner';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.plugin(PLUGIN_ID).service('permissions').registerPermissions();
  // one webhook event per finished run, selectable in Settings > Webhooks
  strapi.get('webhookStore').addAllowedEvent('BULK_ACTIONS_RUN_FINISHED', RUN_FINISHED_EVENT);
};

export default bootstrap;
