import type { Core } from '@strapi/strapi';
import { markReviewed, runNow } from './bulk-actions';
import { bumpViews, bumpViewsDocuments } from './test-actions';

export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    const actions = strapi.plugin('bulk-actions').service('actions');
    actions.register(runNow);
    actions.register(markReviewed);
    if (process.env.BULK_ACTIONS_TEST_ACTIONS === 'true') {
      actions.register(bumpViews);
      actions.register(bumpViewsDocuments);
    }
  },
  bootstrap(/* { strapi }: { strapi: Core.Strapi } */) {},
};
