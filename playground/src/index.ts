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
    // tests slow down the reads of a whole chunk of articles (hundreds of documentIds at once, which
    // no per-document path does) so that a process can be killed mid-run. The plugin reads them with
    // knex, past the Query Engine's lifecycles, so the delay sits in the knex client every query and
    // transaction of this process runs through (test processes only)
    const readDelayMs = Number(process.env.BULK_ACTIONS_TEST_READ_DELAY_MS ?? 0);
    if (process.env.BULK_ACTIONS_TEST_ACTIONS === 'true' && readDelayMs > 0) {
      const client = strapi.db.connection.client as any;
      const prototype = client.constructor.prototype;
      const run = prototype._query;
      const chunkRead = /^select .* from ["`]articles["`] .*["`]document_id["`] in \(/i;
      prototype._query = async function (this: unknown, connection: unknown, query: { sql: string; bindings?: unknown[] }) {
        if (chunkRead.test(query.sql) && (query.bindings?.length ?? 0) >= 100) await new Promise((resolve) => setTimeout(resolve, readDelayMs));
        return run.call(this, connection, query);
      };
    }
  },
};
