import type { Core } from '@strapi/strapi';
import { RUN_FINISHED_EVENT } from './constants';
import { getService } from './utils/services';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await getService(strapi, 'permissions').registerPermissions(getService(strapi, 'actions').all());
  // one webhook event per finished run, selectable in Settings > Webhooks
  strapi.get('webhookStore').addAllowedEvent('BULK_ACTIONS_RUN_FINISHED', RUN_FINISHED_EVENT);
  // workers look chunks up by run and position on every step, downloads read parts in order
  await getService(strapi, 'chunks').queue.ensureIndexes();
  getService(strapi, 'jobs').start();
};

export default bootstrap;
