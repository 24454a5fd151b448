/**
 * Child-process entry for the multi-process job tests: boots the playground (env decides database,
 * port and job settings), starts it, and prints one line `READY` when it listens.
 */
import { loadPlayground } from '../../scripts/playground';

loadPlayground({ serveAdminPanel: false, logLevel: process.env.LOG_LEVEL ?? 'error' })
  .then(async (strapi) => {
    strapi.config.set('server.logger.startup.enabled', false);
    await strapi.listen();
    process.stdout.write('READY\n');
    const stop = () => strapi.destroy().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
