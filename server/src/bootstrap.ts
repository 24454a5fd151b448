import type { Core } from '@strapi/strapi';
import { RUN_CHUNK_UID } from './content-types';
import { PLUGIN_ID } from './contracts';
import { RUN_FINISHED_EVENT } from './services/executor';

/** Workers look chunks up by run and position on every step: index them (constant SQL, no input). */
async function ensureChunkIndex(strapi: Core.Strapi) {
  const { tableName, attributes } = strapi.db.metadata.get(RUN_CHUNK_UID) as any;
  const columns = ['runId', 'status', 'position'].map((name) => attributes[name].columnName ?? name);
  const exists = await strapi.db.connection.schema.hasTable(tableName);
  if (!exists) return;
  await strapi.db.connection.raw(`CREATE INDEX IF NOT EXISTS ?? ON ?? (??, ??, ??)`, [
    `${tableName}_run_status_position`,
    tableName,
    ...columns,
  ]);
}

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.plugin(PLUGIN_ID).service('permissions').registerPermissions();
  // one webhook event per finished run, selectable in Settings > Webhooks
  strapi.get('webhookStore').addAllowedEvent('BULK_ACTIONS_RUN_FINISHED', RUN_FINISHED_EVENT);
  await ensureChunkIndex(strapi);
  strapi.plugin(PLUGIN_ID).service('jobs').start();
};

export default bootstrap;
