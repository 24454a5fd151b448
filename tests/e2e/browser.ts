/** Driving Strapi's admin in Debian's Chromium with playwright-core. */
import fs from 'fs';
import path from 'path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(__dirname, 'screenshots');
export const PASSWORD = process.env.DEMO_PASSWORD ?? 'BulkActions123';

export const launch = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

/** A signed-in admin session in its own browser context (own cookies, own downloads). */
export async function signIn(browser: Browser, adminUrl: string, email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, locale: 'en-US' });
  // Strapi's guided tour opens over pages and intercepts clicks, later than any fixed wait on a busy
  // machine: it stays off for the tests (its state lives in localStorage; dismissTours is the fallback)
  await context.addInitScript(() => {
    if (!window.localStorage.getItem('STRAPI_GUIDED_TOUR')) window.localStorage.setItem('STRAPI_GUIDED_TOUR', JSON.stringify({ enabled: false }));
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => console.log(`    [browser] ${error.message}`));
  if (process.env.E2E_DEBUG) {
    page.on('response', (response) => {
      if (/bulk-actions|content-manager\/collection/.test(response.url())) {
        console.log('    [http]', response.status(), response.request().method(), decodeURIComponent(response.url()).slice(0, 160));
      }
    });
    page.on('console', (message) => console.log('    [console]', message.type(), message.text().slice(0, 300)));
  }
  await page.goto(`${adminUrl}/auth/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Login' }).click();
  await page.waitForURL((url) => !url.pathname.includes('/auth/'), { timeout: 30_000 });
  await dismissTours(page);
  return page;
}

/** The guided tour opens over new pages and intercepts clicks: "Skip" it wherever it shows. */
export async function dismissTours(page: Page) {
  await page.waitForTimeout(300);
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const skip = page.getByRole('button', { name: 'Skip', exact: true });
    if (!(await skip.count())) return;
    await skip.first().click({ timeout: 2000 }).catch(() => undefined);
    await page.waitForTimeout(300);
  }
}

export async function goto(page: Page, url: string) {
  await page.goto(url);
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await dismissTours(page);
}

export async function screenshot(page: Page, name: string, locator?: Locator) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  if (locator) await locator.screenshot({ path: file });
  else await page.screenshot({ path: file });
  return file;
}

/** The list view's table row showing this title. */
export const row = (page: Page, title: string) => page.locator('tbody tr').filter({ hasText: title }).first();

/**
 * Headless Chromium may hold back idle callbacks after a click until the pointer moves again, and the
 * Content Manager renders its bulk bar in an idle callback: move the pointer as a person would.
 */
export async function settle(page: Page) {
  await page.mouse.move(2, 2);
  await page.mouse.move(8, 8);
}

export async function selectRows(page: Page, titles: string[]) {
  // on a busy machine the guided tour may open after the page settled
  await dismissTours(page);
  for (const title of titles) await row(page, title).getByRole('checkbox').check();
  await settle(page);
}

/** Ticks the table's header checkbox: the whole page is selected. */
export async function selectPage(page: Page) {
  await dismissTours(page);
  await page.getByRole('checkbox', { name: 'Select all entries' }).check();
  await settle(page);
}

/** Strapi's notifications (sonner toasts), newest first. */
export const notification = (page: Page, text: string | RegExp) =>
  page.locator('[data-sonner-toast]').filter({ hasText: text }).first();

/** Waits until a button can be pressed (a confirm button waits for the plan of the run). */
export async function expectEnabled(page: Page, target: Locator, what: string, timeout = 30_000) {
  await target.waitFor({ timeout });
  try {
    await page.waitForFunction((element) => !(element as HTMLButtonElement).disabled, await target.elementHandle(), { timeout });
  } catch {
    throw new Error(`${what} stayed disabled for ${timeout} ms`);
  }
}

/** Waits (briefly) until `target` has the focus: focus returns after a menu or dialog closes, a frame later. */
export async function expectFocus(page: Page, target: Locator, what: string, timeout = 3_000) {
  const handle = await target.elementHandle();
  try {
    await page.waitForFunction((element) => element === document.activeElement, handle, { timeout });
  } catch {
    throw new Error(`${what}: the focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120) ?? 'nothing')}`);
  }
}

/** Presses Tab until `target` has the focus: proves it is reachable with the keyboard. */
export async function tabTo(page: Page, target: Locator, { max = 40, shift = false } = {}) {
  const handle = await target.elementHandle();
  for (let i = 0; i < max; i += 1) {
    if (await page.evaluate((element) => element === document.activeElement || element?.contains(document.activeElement), handle)) return;
    await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Could not reach ${target} with the keyboard in ${max} presses`);
}

/** Picks an option of a design-system select with the keyboard only (focus, open, arrows, Enter). */
export async function chooseWithKeyboard(page: Page, combobox: Locator, option: string) {
  await tabTo(page, combobox);
  await page.keyboard.press('Enter');
  const listbox = page.getByRole('listbox');
  await listbox.getByRole('option', { name: option, exact: true }).waitFor();
  const highlighted = listbox.locator('[role="option"][data-highlighted]');
  let previous = '';
  for (let i = 0; i < 60; i += 1) {
    const current = (await highlighted.count()) ? (await highlighted.first().innerText()).trim() : '';
    if (current === option) {
      await page.keyboard.press('Enter');
      await listbox.waitFor({ state: 'detached' });
      return;
    }
    // past the last option without meeting it: start again from the top
    await page.keyboard.press(current && current === previous ? 'Home' : 'ArrowDown');
    previous = current;
    await page.waitForTimeout(30);
  }
  throw new Error(`No option "${option}" in ${combobox}`);
}

/** Picks an option with the mouse. */
export async function choose(page: Page, combobox: Locator, option: string) {
  await combobox.click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

export async function expectText(locator: Locator, expected: string | RegExp, what: string, timeout = 15_000) {
  try {
    await locator.filter({ hasText: expected }).first().waitFor({ timeout });
  } catch {
    const actual = await locator.allInnerTexts().catch(() => []);
    throw new Error(`${what}: expected ${expected} in ${JSON.stringify(actual.join(' | ').slice(0, 500))}`);
  }
}
