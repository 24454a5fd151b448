import type { Core } from '@strapi/strapi';
import { markReviewed, runNow } from './bulk-actions';
import { bumpViews, bumpViewsDocuments, markTitles } from './test-actions';

export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    const actions = strapi.plugin('bulk-actions').service('actions');
    actions.register(runNow);
    actions.register(markReviewed);
    if (process.env.BULK_ACTIONS_TEST_ACTIONS === 'true') {
      actions.register(bumpViews);
      actions.register(bumpViewsDocuments);
      actions.register(markTitles);
    }
  },
  bootstrap({ strapi }: { strapi: Core.Strapi }) {
    // tests slow down the reads of a whole export chunk (hundreds of documentIds at once, which no
    // per-document path does) so that a process can be killed mid-export
    const readDelayMs = Number(process.env.BULK_ACTIONS_TEST_READ_DELAY_MS ?? 0);
    if (process.env.BULK_ACTIONS_TEST_ACTIONS === 'true' && readDelayMs > 0) {
      strapi.db.lifecycles.subscribe({
        models: ['api::article.article'],
        async beforeFindMany(event: any) {
          if ((event.params?.where?.documentId?.$in?.length ?? 0) >= 100) await new Promise((resolve) => setTimeout(resolve, readDelayMs));
        },
      });
    }
  },
};
