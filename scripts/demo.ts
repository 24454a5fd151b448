/**
 * `npm run demo`: build what is missing, seed the playground (idempotent), start Strapi and print the logins.
 */
import {
  compilePlayground,
  ensureAdminBuilt,
  ensurePluginBuilt,
  loadPlayground,
  playgroundSeed,
} from './playground';

async function main() {
  ensurePluginBuilt();
  await compilePlayground();
  ensureAdminBuilt();

  const strapi = await loadPlayground();
  const { seed, DEMO_USERS } = playgroundSeed();
  const password = process.env.DEMO_PASSWORD ?? 'BulkActions123';
  const result = await seed(strapi, { password });
  const created = Object.entries(result.created)
    .map(([type, n]) => `${n} ${type}`)
    .join(', ');
  strapi.log.info(`Seed: ${created} created (0 means it was already there).`);

  await strapi.start();

  const host = strapi.config.get('server.host');
  const port = strapi.config.get('server.port');
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/admin`;
  const lines = [
    '',
    'Bulk actions demo is running.',
    `  Admin panel: ${url}`,
    `  Super admin: ${DEMO_USERS.admin.email}`,
    `  Editor:      ${DEMO_USERS.editor.email}`,
    `  Author:      ${DEMO_USERS.author.email}  (may change only the articles it created)`,
    `  Password:    ${password}${process.env.DEMO_PASSWORD ? ' (from DEMO_PASSWORD)' : ''}`,
    '',
  ];
  console.log(lines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
