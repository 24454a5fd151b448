import fs from 'fs';
import path from 'path';

/** The plugin under development is the repository this playground lives in. */
function findPluginRoot(start: string): string {
  let dir = start;
  while (dir !== path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'strapi-plugin-bulk-actions') {
      return dir;
    }
    dir = path.dirname(dir);
  }
  throw new Error(`strapi-plugin-bulk-actions not found above ${start}`);
}

export default ({ env }) => ({
  'bulk-actions': {
    enabled: true,
    resolve: findPluginRoot(__dirname),
    config: {
      // the playground exposes the job settings to the environment so tests can shorten them
      jobs: {
        worker: env.bool('BULK_ACTIONS_WORKER', true),
        pollIntervalMs: env.int('BULK_ACTIONS_POLL_MS', 1000),
        staleAfterMs: env.int('BULK_ACTIONS_STALE_MS', 30000),
        ...(env('BULK_ACTIONS_EXPORT_THRESHOLD') ? { thresholds: { export: env.int('BULK_ACTIONS_EXPORT_THRESHOLD') } } : {}),
        ...(env('BULK_ACTIONS_EXPORT_DIR') ? { exportDir: env('BULK_ACTIONS_EXPORT_DIR') } : {}),
      },
      // and the upload limits, so tests can refuse a file over them without writing 50 MB
      uploads: {
        maxBytes: env.int('BULK_ACTIONS_UPLOAD_MAX_BYTES', 50 * 1024 * 1024),
        maxRows: env.int('BULK_ACTIONS_UPLOAD_MAX_ROWS', 200000),
      },
    },
  },
});
