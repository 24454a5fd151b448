import { compilePlayground, ensureServerBuilt } from '../../scripts/playground';

/** Once per `npm test`: the plugin's server bundle and the compiled playground must be current. */
export default async function globalSetup() {
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
  ensureServerBuilt((message) => process.stdout.write(`\n${message}\n`));
  await compilePlayground();
}
