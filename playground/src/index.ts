import type { Core } from '@strapi/strapi';
import { markReviewed, runNow } from './bulk-actions';

export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    const actions = strapi.plugin('bulk-actions').service('actions');
    actions.register(runNow);
    actions.register(markReviewed);
  },
  bootstrap(/* { strapi }: { strapi: Core.Strapi } */) {},
};
