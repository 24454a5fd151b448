import { compilePlayground, ensurePluginBuilt } from '../../scripts/playground';

/** Once per `npm test`: the plugin's dist and the compiled playground must be current. */
export default async function globalSetup() {
  process.env.STRAPI_TELEMETRY_DISABLED = 'true';
  ensurePluginBuilt((message) => process.stdout.write(`\n${message}\n`));
  await compilePlayground();
}
