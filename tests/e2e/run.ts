/**
 * `npm run test:e2e`: builds what is missing, starts the playground on a free port with a fresh SQLite
 * database (seeded by the demo), drives the admin in Debian's Chromium through the scenarios of
 * scenarios.ts and stops everything it started, also on failure. Ends with "N passed, M failed".
 */
import fs from 'fs';
import path from 'path';
import { launch, SCREENSHOTS } from './browser';
import { PlaygroundDatabase } from './database';
import { buildAll, startPlayground, type RunningPlayground } from './playground';
import { scenarios, type Context } from './scenarios';

const log = (line: string) => console.log(line);

async function main() {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY, 'i') : null;

  let playground: RunningPlayground | undefined;
  let browser: Awaited<ReturnType<typeof launch>> | undefined;
  let db: PlaygroundDatabase | undefined;
  const cleanUp = async () => {
    db?.close();
    await browser?.close().catch(() => undefined);
    await playground?.stop();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping the playground...`);
    cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let passed = 0;
  let failed = 0;
  try {
    await buildAll(log);
    log('Starting the playground (npm run demo) on a free port with a fresh database...');
    const started = Date.now();
    playground = await startPlayground({ logFile: path.join(SCREENSHOTS, 'playground.log') });
    log(`Playground ready at ${playground.adminUrl} in ${Math.round((Date.now() - started) / 1000)} s`);
    db = new PlaygroundDatabase(playground.databaseFile);
    browser = await launch();

    const context: Context = { browser, adminUrl: playground.adminUrl, db, log };
    for (const [index, scenario] of scenarios.entries()) {
      const title = `${index + 1}. ${scenario.name}`;
      if (only && !only.test(title)) continue;
      const t0 = Date.now();
      try {
        await scenario.run(context);
        passed += 1;
        log(`  ✓ ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (error) {
        failed += 1;
        log(`  ✗ ${title}\n      ${(error as Error).stack ?? error}`.replace(/\n/g, '\n      '));
        const page = context.admin;
        if (page) {
          await page
            .screenshot({ path: path.join(SCREENSHOTS, `failure-${index + 1}.png`) })
            .catch(() => undefined);
        }
      }
    }
  } catch (error) {
    // nothing could run: every scenario that did not pass failed
    failed = scenarios.length - passed;
    log(`  ✗ setup: ${(error as Error).stack ?? error}`);
  } finally {
    await cleanUp();
  }

  log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main();
