/**
 * The browser scenarios: an administrator's and an editor's main paths through the admin.
 * Each asserts what the editor sees and what the database holds.
 * They share one playground but not their preconditions: each enables the actions it uses and
 * creates the runs it reads, so any one of them passes alone (E2E_ONLY) or in any order.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import {
  choose,
  chooseWithKeyboard,
  dismissTours,
  expectText,
  goto,
  notification,
  row,
  screenshot,
  selectPage,
  selectRows,
  PASSWORD,
  signIn,
  tabTo,
  expectEnabled,
  expectFocus,
} from './browser';
import type { Settings, SettingsResponse } from '../../server/src/contracts';
import type { PlaygroundDatabase } from './database';

export interface Context {
  browser: Browser;
  adminUrl: string;
  db: PlaygroundDatabase;
  /** the super admin's page, signed in once */
  admin?: Page;
  /** the super admin's API token, for preconditions set up without the browser (one login) */
  adminToken?: string;
  log: (line: string) => void;
}

export interface Scenario {
  name: string;
  run: (context: Context) => Promise<void>;
}

const ARTICLE = 'api::article.article';
const EXTRACTION = 'api::extraction-config.extraction-config';

class AssertionError extends Error {}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

const assertEqual = <T>(actual: T, expected: T, what: string) =>
  assert(
    JSON.stringify(actual) === JSON.stringify(expected),
    `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`
  );

/** The list view, first page, no filters (the Content Manager otherwise restores the last filters used). */
const listUrl = (context: Context, uid: string) =>
  `${context.adminUrl}/content-manager/collection-types/${uid}?page=1&pageSize=10&sort=id:ASC${
    uid === ARTICLE ? '&plugins[i18n][locale]=en' : ''
  }`;

const adminPage = async (context: Context) => {
  context.admin ??= await signIn(context.browser, context.adminUrl, 'admin@example.com');
  // a page left in the background gets its idle callbacks late (the bulk bar renders in one)
  await context.admin.bringToFront();
  return context.admin;
};

/** The admin API as the super admin, for a scenario's preconditions. */
const adminApi = async (context: Context) => {
  const base = context.adminUrl.replace(/\/admin\/?$/, '');
  const call = async <T>(method: string, path: string, token?: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    assert(res.ok, `${method} ${path} answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
    return json;
  };
  context.adminToken ??= (
    await call<{ data: { token: string } }>('POST', '/admin/login', undefined, { email: 'admin@example.com', password: PASSWORD })
  ).data.token;
  return <T>(method: string, path: string, body?: unknown) => call<T>(method, path, context.adminToken, body);
};

/** Turns every action off on these content types: the settings page starts from nothing to save. */
const disableAll = async (context: Context, uids: string[]) => {
  const api = await adminApi(context);
  const { data: settings } = await api<SettingsResponse>('GET', '/bulk-actions/settings');
  const next: Settings = { contentTypes: { ...settings.contentTypes, ...Object.fromEntries(uids.map((uid) => [uid, { actions: [] }])) } };
  await api<SettingsResponse>('PUT', '/bulk-actions/settings', next);
};

/** Enables these actions on a content type, keeping what is enabled already (a scenario's precondition). */
const ensureEnabled = async (context: Context, uid: string, actions: string[]) => {
  const api = await adminApi(context);
  const { data: settings } = await api<SettingsResponse>('GET', '/bulk-actions/settings');
  const enabled = settings.contentTypes[uid]?.actions ?? [];
  if (actions.every((action) => enabled.includes(action))) return;
  const next: Settings = {
    contentTypes: { ...settings.contentTypes, [uid]: { actions: [...new Set([...enabled, ...actions])] } },
  };
  await api<SettingsResponse>('PUT', '/bulk-actions/settings', next);
};

const dialog = (page: Page) => page.getByRole('dialog');

/** What the audit log shows for each action the scenarios run (their labels, not their names). */
const ACTION_LABELS: Record<string, string> = {
  'update-field': 'Update a field',
  'mark-reviewed': 'Mark as reviewed',
  'export-csv': 'Export (CSV, JSON or XLSX)',
  'update-from-file': 'Update from a file',
  'run-now': 'Run now',
  delete: 'Delete selected entries',
  revert: 'Undo',
};

const moreActions = (page: Page) => page.getByRole('button', { name: 'More actions', exact: true });

/** "More actions" in the bulk bar → the action in its menu → the modal opens with that action chosen. */
const openBulkModal = async (page: Page, action: string) => {
  await moreActions(page).click({ timeout: 30_000 });
  await page.getByRole('menu').getByRole('menuitem', { name: action, exact: true }).click();
  await expectText(dialog(page).getByRole('combobox', { name: 'Action' }), action, 'the action chosen in the modal');
};

/** Arrows through the open menu to `label`, then Enter. */
const chooseMenuItemWithKeyboard = async (page: Page, label: string) => {
  const menu = page.getByRole('menu');
  await menu.waitFor();
  for (let i = 0; i < 20; i += 1) {
    const focused = await page.evaluate(() => (document.activeElement?.getAttribute('role') === 'menuitem' ? document.activeElement.textContent?.trim() : null));
    if (focused === label) {
      await page.keyboard.press('Enter');
      await menu.waitFor({ state: 'detached' });
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`No menu item "${label}" reached with the arrows`);
};

const previewText = (page: Page) => page.getByTestId('bulk-actions-preview');

/* -------------------------------------------------------------------------------------------------
 * 1. Settings > Bulk actions
 * -----------------------------------------------------------------------------------------------*/

const enableActions: Scenario = {
  name: 'admin enables actions for Article in Settings > Bulk actions',
  async run(context) {
    await disableAll(context, [ARTICLE, EXTRACTION]);
    const page = await adminPage(context);
    await goto(page, `${context.adminUrl}/settings`);
    await page.getByRole('link', { name: 'Bulk actions', exact: true }).click();
    await dismissTours(page);
    await page.getByRole('heading', { name: 'Bulk actions', level: 1 }).waitFor();

    const articleActions = ['Update a field', 'Export (CSV, JSON or XLSX)', 'Mark as reviewed', 'Delete selected entries'];
    for (const label of articleActions) {
      await page.getByRole('checkbox', { name: `Enable “${label}” for Article` }).check();
    }
    // the playground's own action on another content type
    await page.getByRole('checkbox', { name: 'Enable “Run now” for Extraction config' }).check();
    await screenshot(page, 'settings');

    await page.getByRole('button', { name: 'Save' }).click();
    await expectText(page.locator('[data-sonner-toast]'), 'Settings saved', 'the save notification');

    const saved = context.db.settings();
    assert(saved, 'the settings are in the database (strapi_core_store_settings)');
    assertEqual(
      [...saved.contentTypes[ARTICLE].actions].sort(),
      ['delete', 'export-csv', 'mark-reviewed', 'update-field'],
      'the Article actions enabled in the database'
    );
    assertEqual(saved.contentTypes[EXTRACTION].actions, ['run-now'], 'the Extraction config actions in the database');

    // what the page shows after a reload is what the server keeps
    await page.reload();
    await dismissTours(page);
    for (const label of articleActions) {
      assert(
        await page.getByRole('checkbox', { name: `Enable “${label}” for Article` }).isChecked(),
        `"${label}" is still checked after a reload`
      );
    }
    assert(!(await page.getByRole('checkbox', { name: 'Enable “Publish” for Article' }).isChecked()), '"Publish" stays off');
    assert(await page.getByRole('button', { name: 'Save' }).isDisabled(), 'nothing left to save');
  },
};

/* -------------------------------------------------------------------------------------------------
 * 2. Update a field on 3 rows, with the keyboard
 * -----------------------------------------------------------------------------------------------*/

const updateField: Scenario = {
  name: 'list view: 3 rows → More actions → "Update a field" stage = review → preview 3 → confirm → notification 3 → table shows review',
  async run(context) {
    await ensureEnabled(context, ARTICLE, ['update-field']);
    const page = await adminPage(context);
    const titles = ['Article 002', 'Article 003', 'Article 004'];
    const before = titles.map((title) => context.db.articleByTitle(title));
    assert(before.every((article) => article.stage !== 'review'), 'the chosen articles are not in review yet');

    await goto(page, listUrl(context, ARTICLE));
    await selectRows(page, titles);
    await expectText(page.locator('main'), '3 entries selected', 'the bulk bar');

    // keyboard only from here: reach "More actions", open its menu, pick, fill, confirm
    const actionsButton = moreActions(page);
    await tabTo(page, actionsButton, { shift: true });
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu');
    await expectText(menu.getByRole('menuitem'), 'Update a field', 'the bulk bar’s menu');
    await screenshot(page, 'bulk-menu');
    // Escape closes the menu and leaves the focus on the button
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    await expectFocus(page, actionsButton, 'the focus is back on "More actions"');
    await page.keyboard.press('Enter');
    await menu.waitFor();
    await chooseMenuItemWithKeyboard(page, 'Update a field');
    const modal = dialog(page);
    await expectText(modal.getByRole('combobox', { name: 'Action' }), 'Update a field', 'the action chosen in the modal');
    // Escape closes the modal and gives the focus back to the button that opened it
    await page.keyboard.press('Escape');
    await modal.waitFor({ state: 'detached' });
    await expectFocus(page, actionsButton, 'the focus is back on "More actions"');
    await page.keyboard.press('Enter');
    await chooseMenuItemWithKeyboard(page, 'Update a field');
    await expectText(modal, '3 entries selected', 'the selection counter');

    // a value the server refuses: its message shows on the field it is about, nothing changes
    await chooseWithKeyboard(page, modal.getByRole('combobox', { name: 'Field' }), 'views');
    const value = modal.getByLabel('New value');
    await tabTo(page, value);
    await page.keyboard.type('-5');
    await expectText(previewText(page), 'Will act on 3 of 3 entries', 'the preview');
    await expectText(page.getByTestId('bulk-actions-confirm'), 'Set views to “-5” on 3 entries?', 'the confirm message names the change');
    // the button waits for the plan of the run (asked for once the form rests)
    await expectEnabled(page, modal.getByRole('button', { name: 'Update 3 entries' }), 'the confirm button');
    await tabTo(page, modal.getByRole('button', { name: 'Update 3 entries' }));
    await page.keyboard.press('Enter');
    await expectText(modal, 'must be at least 0', "the server's validation message");
    assertEqual(
      titles.map((title) => context.db.articleByTitle(title).views),
      before.map((article) => article.views),
      'views in the database after the refused run'
    );

    await chooseWithKeyboard(page, modal.getByRole('combobox', { name: 'Field' }), 'stage');
    await chooseWithKeyboard(page, modal.getByRole('combobox', { name: 'New value' }), 'review');
    await expectText(previewText(page), 'Will act on 3 of 3 entries', 'the preview');
    for (const title of titles) await expectText(previewText(page), title, 'the preview sample');
    await expectText(page.getByTestId('bulk-actions-confirm'), 'Set stage to “review” on 3 entries?', 'the confirm message names the change');
    await screenshot(page, 'modal', modal);

    // the button waits for the plan of the run (asked for once the form rests)
    await expectEnabled(page, modal.getByRole('button', { name: 'Update 3 entries' }), 'the confirm button');
    await tabTo(page, modal.getByRole('button', { name: 'Update 3 entries' }));
    await page.keyboard.press('Enter');

    await expectText(notification(page, 'Update a field'), 'stage set on 3 entries', 'the result notification');
    await modal.waitFor({ state: 'detached' });
    for (const title of titles) await expectText(row(page, title), 'review', `the row of ${title}`);
    assert(
      await page
        .waitForFunction(() => Boolean(document.activeElement?.closest('main table')), undefined, { timeout: 3000 })
        .then(() => true, () => false),
      'the focus is back on the list after the modal closed'
    );
    assertEqual(await moreActions(page).count(), 0, 'the selection is cleared (no bulk bar)');

    const after = titles.map((title) => context.db.articleByTitle(title));
    assertEqual(after.map((article) => article.stage), ['review', 'review', 'review'], 'the stages in the database');
  },
};

/* -------------------------------------------------------------------------------------------------
 * 3. Filtered list, "Select all N matching", query-mode action
 * -----------------------------------------------------------------------------------------------*/

const selectAllMatching: Scenario = {
  name: 'filtered list (stage = draft) → select the page → "Select all N matching" → preview N → query-mode action changes all N',
  async run(context) {
    await ensureEnabled(context, ARTICLE, ['mark-reviewed']);
    const page = await adminPage(context);
    const drafts = context.db.draftArticles("stage = 'draft'");
    const n = drafts.length;
    assert(n > 10, `more draft-stage articles than one page (${n})`);

    await goto(page, listUrl(context, ARTICLE));
    // filter through the list's own Filters UI: stage is draft
    await dismissTours(page);
    await page.getByRole('button', { name: 'Filters', exact: true }).click();
    await choose(page, page.getByRole('combobox', { name: 'Select field' }), 'stage');
    await page.getByRole('combobox', { name: 'stage' }).click();
    await page.getByRole('option', { name: 'draft', exact: true }).click();
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.waitForURL(/filters/);
    await expectText(page.locator('main'), `${n} entries found`, 'the filtered list');

    await selectPage(page);
    await expectText(page.locator('main'), '10 entries selected', 'the bulk bar');
    // in the bulk bar, where Strapi counts the selection
    const selectAll = page.getByRole('button', { name: `Select all ${n} matching entries` });
    await selectAll.click({ timeout: 30_000 });
    const allSelected = page.getByRole('button', { name: `All ${n} matching entries selected · select only this page` });
    await allSelected.waitFor();
    await screenshot(page, 'bulk-bar-select-all');
    await openBulkModal(page, 'Mark as reviewed');
    const modal = dialog(page);
    await expectText(modal, `All ${n} entries matching the list’s filters are selected`, 'the selection counter');
    await expectText(previewText(page), `Will act on ${n} of ${n} entries`, 'the preview of the whole query');
    await expectText(page.getByTestId('bulk-actions-confirm'), `Mark ${n} articles as reviewed?`, 'the confirm message');
    await modal.getByRole('button', { name: `Mark as reviewed: ${n} entries` }).click();

    await expectText(notification(page, 'Mark as reviewed'), `${n} articles marked as reviewed`, 'the result notification');
    await expectText(page.locator('main'), /No content found|0 entries found/, 'the refreshed filtered list');
    // remove the filter, as an editor would
    await page.getByRole('button', { name: /stage is draft/ }).locator('svg').last().click();
    await page.waitForURL((url) => !url.search.includes('filters'));

    assertEqual(context.db.draftArticles("stage = 'draft'").length, 0, 'draft-stage articles left in the database');
    const changed = context.db.draftArticles(`document_id IN (${drafts.map(() => '?').join(',')})`, ...drafts.map((d) => d.document_id));
    assert(changed.length === n && changed.every((article) => article.stage === 'review'), `all ${n} are in review in the database`);
    const run = context.db.runs().at(-1)!;
    assertEqual([run.action, run.total, run.succeeded], ['mark-reviewed', n, n], 'the run row');
  },
};

/* -------------------------------------------------------------------------------------------------
 * 4. Export CSV
 * -----------------------------------------------------------------------------------------------*/

const exportCsv: Scenario = {
  name: 'export CSV of selected rows → the downloaded file has the header and those rows',
  async run(context) {
    await ensureEnabled(context, ARTICLE, ['export-csv']);
    const page = await adminPage(context);
    const titles = ['Article 005', 'Article 006', 'Article 007'];
    const articles = titles.map((title) => context.db.articleByTitle(title));

    await goto(page, listUrl(context, ARTICLE));
    await selectRows(page, titles);
    await openBulkModal(page, 'Export (CSV, JSON or XLSX)');
    const modal = dialog(page);
    await expectText(previewText(page), 'Will act on 3 of 3 entries', 'the preview');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      modal.getByRole('button', { name: 'Export 3 entries' }).click(),
    ]);

    const fileName = download.suggestedFilename();
    assert(/^articles-\d{4}-\d{2}-\d{2}\.csv$/.test(fileName), `the server's file name (got "${fileName}")`);
    const file = await download.path();
    assert(file, 'the file was downloaded');
    const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
    const header = lines[0].split(',');
    assertEqual(header.slice(0, 2), ['documentId', 'locale'], 'the first CSV columns');
    assert(header.includes('title') && header.includes('stage'), `the header names the fields (${lines[0]})`);
    assertEqual(lines.length, 4, 'a header and 3 rows');
    for (const article of articles) {
      const line = lines.find((candidate) => candidate.startsWith(`${article.document_id},`));
      assert(line && line.includes(article.title), `a row for ${article.title} (${article.document_id})`);
    }

    await expectText(notification(page, 'Export (CSV, JSON or XLSX)'), `Downloaded ${fileName}`, 'the result notification');
    const run = context.db.runs().at(-1)!;
    assertEqual([run.action, run.total, run.succeeded], ['export-csv', 3, 3], 'the export run row');
  },
};

/* -------------------------------------------------------------------------------------------------
 * 5. The Author acts on rows it did not create
 * -----------------------------------------------------------------------------------------------*/

const authorSkipped: Scenario = {
  name: 'the Author runs an action over rows partly not its own → the notification reports the skipped ones; the database shows them untouched',
  async run(context) {
    await ensureEnabled(context, ARTICLE, ['update-field']);
    const titles = ['Article 001', 'Article 002', 'Article 003', 'Article 004', 'Article 005'];
    const authorId = context.db.userId('author@example.com');
    const before = titles.map((title) => context.db.articleByTitle(title));
    const own = before.filter((article) => article.created_by_id === authorId);
    const others = before.filter((article) => article.created_by_id !== authorId);
    assert(own.length > 0 && others.length > 0, 'the Author created some of these rows, not all');

    const page = await signIn(context.browser, context.adminUrl, 'author@example.com');
    try {
      await goto(page, listUrl(context, ARTICLE));
      await selectRows(page, titles);
      await openBulkModal(page, 'Update a field');
      const modal = dialog(page);
      await choose(page, modal.getByRole('combobox', { name: 'Field' }), 'stage');
      await choose(page, modal.getByRole('combobox', { name: 'New value' }), 'trash');
      await expectText(previewText(page), `Will act on ${own.length} of ${titles.length} entries`, 'the preview');
      await expectText(previewText(page), `Will skip ${others.length}: no permission`, 'the preview of skipped rows');
      await screenshot(page, 'modal-author-preview', modal);
      await expectText(page.getByTestId('bulk-actions-confirm'), `Set stage to “trash” on ${own.length} ${own.length === 1 ? 'entry' : 'entries'}?`, 'the confirm message');
      await modal.getByRole('button', { name: `Update ${own.length} ${own.length === 1 ? 'entry' : 'entries'}` }).click();

      const toast = notification(page, 'Update a field');
      await expectText(toast, `stage set on ${own.length} ${own.length === 1 ? 'entry' : 'entries'}`, 'the result notification');
      await expectText(toast, `${others.length} skipped: no permission`, 'the skipped count in the notification');
      for (const article of own) await expectText(row(page, article.title), 'trash', `the row of ${article.title}`);
    } finally {
      await page.context().close();
    }

    for (const article of own) {
      assertEqual(context.db.articleByTitle(article.title).stage, 'trash', `${article.title} (the Author's) in the database`);
    }
    // the audit log keeps the skip reasons: the run's page, as the admin sees it
    const authorRun = context.db.runs().at(-1)!;
    assertEqual([authorRun.action, authorRun.user_name, authorRun.skipped], ['update-field', 'Aurora Author', others.length], 'the run row');
    assertEqual(JSON.parse(authorRun.skipped_reasons ?? '{}'), { forbidden: others.length }, 'the run keeps its skip reasons');
    const admin = await adminPage(context);
    await goto(admin, `${context.adminUrl}/settings/bulk-actions-runs/${authorRun.id}`);
    await expectText(admin.locator('main'), `Run #${authorRun.id}: Update a field`, 'the run detail title');
    await expectText(admin.locator('main'), `${others.length} (no permission)`, 'the skipped count with its reason');
    await expectText(admin.locator('main section').filter({ hasText: 'Parameters' }), 'trash', 'the run params');
    for (const article of others) {
      const now = context.db.articleByTitle(article.title);
      assertEqual([now.stage, now.updated_at], [article.stage, article.updated_at], `${article.title} (not the Author's) is untouched`);
    }
  },
};

/* -------------------------------------------------------------------------------------------------
 * 6. The audit log
 * -----------------------------------------------------------------------------------------------*/

const auditLog: Scenario = {
  name: 'the audit log lists every run with the right counts; a run with failures is opened, its failures downloaded and retried',
  async run(context) {
    await ensureEnabled(context, EXTRACTION, ['run-now']);
    const page = await adminPage(context);

    // a run with failures first: "Run now" fails on disabled extraction configs
    await goto(page, listUrl(context, EXTRACTION));
    await selectPage(page);
    await openBulkModal(page, 'Run now');
    await expectText(previewText(page), 'Will act on 10 of 10 entries', 'the preview');
    await dialog(page).getByRole('button', { name: 'Run now: 10 entries' }).click();
    await expectText(notification(page, 'Run now'), '2 failed', 'the notification of a run with failures');

    // every run of this playground is in the log, whichever scenarios ran before
    const runs = context.db.runs();
    const expected = runs.map((run) => ({ ...run, reasons: JSON.parse(run.skipped_reasons ?? '{}') }));
    const failing = expected.at(-1)!;
    assertEqual([failing.action, failing.status, failing.total, failing.failed], ['run-now', 'partial', 10, 2], 'the run with failures in the database');

    await goto(page, `${context.adminUrl}/settings`);
    await page.getByRole('link', { name: 'Bulk actions audit log' }).click();
    await dismissTours(page);
    await page.locator('tbody tr').first().waitFor();
    assertEqual(await page.locator('tbody tr').count(), runs.length, 'rows in the audit log');
    const statusLabels: Record<string, string> = { succeeded: 'Succeeded', partial: 'Partly done', failed: 'Failed' };
    for (const run of expected) {
      const line = page.locator(`tbody tr[data-run-id="${run.id}"]`);
      await expectText(line, ACTION_LABELS[run.action] ?? run.action, `run #${run.id}'s action (its label)`);
      await expectText(line, statusLabels[run.status] ?? run.status, `run #${run.id}'s status`);
      await expectText(line, `${run.succeeded} / ${run.skipped} / ${run.failed}`, `run #${run.id}'s counts`);
      await expectText(line, /\d+(\.\d)? (ms|s)/, `run #${run.id}'s duration`);
    }
    await screenshot(page, 'audit-log');
    await screenshot(page, 'audit-log-table', page.locator('main table'));
    // the table fits its card without scrolling sideways, down to 1280 px
    for (const width of [1440, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      const overflow = await page.locator('main table').evaluate((table) => {
        const wider: string[] = [];
        for (let node: HTMLElement | null = table as HTMLElement; node && node.tagName !== 'BODY'; node = node.parentElement) {
          if (node.scrollWidth > node.clientWidth + 1) wider.push(`${node.tagName} ${node.scrollWidth} > ${node.clientWidth}`);
        }
        return wider;
      });
      assertEqual(overflow, [], `elements scrolling sideways at ${width} px`);
    }
    await screenshot(page, 'audit-log-1280');
    await page.setViewportSize({ width: 1440, height: 900 });

    // filters: status "Partly done" keeps the partly done runs only (the one with failures among them)
    await choose(page, page.getByRole('combobox', { name: 'Status' }), 'Partly done');
    await page.waitForURL(/status=partial/);
    const partial = expected.filter((run) => run.status === 'partial');
    await page.waitForFunction((count) => document.querySelectorAll('tbody tr').length === count, partial.length);
    for (const run of partial) await page.locator(`tbody tr[data-run-id="${run.id}"]`).waitFor();

    // the run with failures, opened from the list: download them, then retry them
    // a click anywhere on the row (here its counts) opens the run
    await page.locator(`tbody tr[data-run-id="${failing.id}"] [data-counts]`).click();
    await expectText(page.locator('main'), `Run #${failing.id}: Run now`, 'the run detail title');
    // the action by its label only: the subtitle names the content type, the user and the date
    await page.getByText(/^On Extraction config · by /).waitFor();
    assertEqual(await page.getByText(/run-now/).count(), 0, 'texts naming the internal "run-now"');
    await expectText(page.locator('main'), 'Failures (2)', 'the failures section');
    await expectText(page.locator('main'), 'is disabled', 'a failure reason');
    await screenshot(page, 'run-detail');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download failures (CSV)' }).click(),
    ]);
    assertEqual(download.suggestedFilename(), `run-${failing.id}-failures.csv`, 'the failures file name');
    const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
    assertEqual(csv[0], 'documentId,reason', 'the failures CSV header');
    assertEqual(csv.length, 3, 'the failures CSV has the 2 failures');

    await page.getByRole('button', { name: 'Retry failed' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Retry failed' }).click();
    await page.waitForURL((url) => !url.pathname.endsWith(`/${failing.id}`));
    const retried = context.db.runs().at(-1)!;
    assert(retried.id > failing.id, 'a new run was recorded');
    assertEqual([retried.action, retried.total, retried.failed], ['run-now', 2, 2], 'the retry ran over the 2 failed entries');
    assertEqual(JSON.parse(retried.params ?? '{}'), JSON.parse(failing.params ?? '{}'), 'the retry kept the params');
    await expectText(page.locator('main'), `Run #${retried.id}: Run now`, 'the page of the new run');

    // its failures by name, each a link to the entry's edit view
    const failedIds = (JSON.parse(retried.failures ?? '[]') as Array<{ documentId: string }>).map((failure) => failure.documentId);
    assertEqual(failedIds.length, 2, 'failures recorded on the retry');
    const failedConfigs = failedIds.map((documentId) => context.db.get<{ name: string }>('SELECT name FROM extraction_configs WHERE document_id = ?', documentId)!);
    for (const [index, config] of failedConfigs.entries()) {
      const link = page.getByRole('link', { name: config.name, exact: true });
      const href = await link.getAttribute('href', { timeout: 15_000 });
      assert(href?.endsWith(`/content-manager/collection-types/${EXTRACTION}/${failedIds[index]}`), `the link of ${config.name} goes to its edit view (${href})`);
    }
    await screenshot(page, 'run-detail-failures');
    await page.getByRole('link', { name: failedConfigs[0].name, exact: true }).click();
    await page.waitForURL((url) => url.pathname.endsWith(`/${failedIds[0]}`));
    await page.getByRole('heading', { name: failedConfigs[0].name, level: 1 }).waitFor();
  },
};

/* -------------------------------------------------------------------------------------------------
 * 7. Undo a run from its page
 * -----------------------------------------------------------------------------------------------*/

const undoRun: Scenario = {
  name: 'a run’s page → "Undo this run" → confirm → the new run’s page links back; the database holds the values from before',
  async run(context) {
    await ensureEnabled(context, ARTICLE, ['update-field']);
    const api = await adminApi(context);
    const titles = ['Article 002', 'Article 003'];
    const before = titles.map((title) => context.db.articleByTitle(title));
    const started = await api<{ data: { run: { id: number; status: string } } }>(
      'POST',
      `/bulk-actions/content-types/${ARTICLE}/actions/update-field/run`,
      { selection: { documentIds: before.map((article) => article.document_id) }, params: { field: 'views', value: 9999 } }
    );
    const original = started.data.run;
    assertEqual(original.status, 'succeeded', 'the run to undo');
    assertEqual(titles.map((title) => context.db.articleByTitle(title).views), [9999, 9999], 'views after the run');

    const page = await adminPage(context);
    await goto(page, `${context.adminUrl}/settings/bulk-actions-runs/${original.id}`);
    await expectText(page.locator('main'), /Possible until/, 'the undo state on the run page');
    await page.getByRole('button', { name: 'Undo this run' }).click();
    const confirm = page.getByRole('alertdialog');
    await expectText(confirm, 'Put the 2 entries “Update a field” changed back as they were before it?', 'the undo confirmation');
    await confirm.getByRole('button', { name: 'Undo this run' }).click();

    await page.waitForURL((url) => !url.pathname.endsWith(`/${original.id}`));
    const revert = context.db.runs().at(-1)!;
    assertEqual([revert.action, revert.total, revert.succeeded], ['revert', 2, 2], 'the undo run in the database');
    await expectText(page.locator('main'), `Run #${revert.id}`, 'the page of the undo run');
    await expectText(page.locator('main'), `Undoes run #${original.id}`, 'the link back to the undone run');
    await screenshot(page, 'run-undone');
    assertEqual(
      titles.map((title) => context.db.articleByTitle(title).views),
      before.map((article) => article.views),
      'views in the database after the undo'
    );

    // the undone run now says so, and offers no second undo
    await page.getByRole('link', { name: `Undoes run #${original.id}` }).click();
    await expectText(page.locator('main'), `Undone by run #${revert.id}`, 'the undone run links to its undo');
    assertEqual(await page.getByRole('button', { name: 'Undo this run' }).count(), 0, 'no second undo');
  },
};

/* -------------------------------------------------------------------------------------------------
 * 8. Several changes in one run: a tag and a number
 * -----------------------------------------------------------------------------------------------*/

const editFields: Scenario = {
  name: 'list view: 3 rows → "Update a field" → add a tag and increase views by 2 → preview 3 → run → the database and the edit view show both',
  async run(context) {
    await ensureEnabled(context, ARTICLE, ['update-field']);
    const page = await adminPage(context);
    const titles = ['Article 007', 'Article 008', 'Article 009'];
    const before = titles.map((title) => context.db.articleByTitle(title));
    // a tag none of them has yet
    const tag = context.db.get<{ id: number; name: string }>(
      `SELECT id, name FROM tags WHERE id NOT IN (SELECT tag_id FROM articles_tags_lnk WHERE article_id IN (${before.map(() => '?').join(',')})) ORDER BY id LIMIT 1`,
      ...before.map((article) => article.id)
    );
    assert(tag, 'a tag none of the chosen articles has');
    const tagged = (articleId: number) =>
      Boolean(context.db.get('SELECT 1 FROM articles_tags_lnk WHERE article_id = ? AND tag_id = ?', articleId, tag.id));

    await goto(page, listUrl(context, ARTICLE));
    await selectRows(page, titles);
    await openBulkModal(page, 'Update a field');
    const modal = dialog(page);

    const first = modal.getByTestId('change-0');
    await choose(page, first.getByRole('combobox', { name: 'Field' }), 'tags');
    await choose(page, first.getByRole('combobox', { name: 'Operation' }), 'Add');
    const search = first.getByRole('combobox', { name: 'Entries' });
    // typed as an editor types: the search runs on the target type's list as the text changes
    await search.click();
    await search.pressSequentially(tag.name, { delay: 50 });
    await page.getByRole('option', { name: tag.name, exact: true }).click();
    await expectText(first, tag.name, 'the chosen tag');

    await modal.getByRole('button', { name: 'Add a change' }).click();
    const second = modal.getByTestId('change-1');
    await choose(page, second.getByRole('combobox', { name: 'Field' }), 'views');
    await choose(page, second.getByRole('combobox', { name: 'Operation' }), 'Increase by');
    await second.getByLabel('Value').fill('2');
    await expectText(previewText(page), 'Will act on 3 of 3 entries', 'the preview');
    // the plan: what the run would write, before → after, once the form has rested
    const plan = page.getByTestId('bulk-actions-plan');
    await expectText(plan, 'Will change 3 entries', 'the plan');
    await expectText(plan, `views: ${before[0].views} → ${before[0].views + 2}`, 'before → after of the views');
    await expectText(plan, tag.name, 'the tag in the planned links');
    await expectText(
      page.getByTestId('bulk-actions-confirm'),
      `Change 3 entries: add 1 item to tags, increase views by 2?`,
      'the confirm message names both changes'
    );
    await screenshot(page, 'modal-edit-fields', modal);
    await modal.getByRole('button', { name: 'Update 3 entries' }).click();

    await expectText(notification(page, 'Update a field'), 'tags, views changed on 3 entries', 'the result notification');
    const after = titles.map((title) => context.db.articleByTitle(title));
    assertEqual(after.map((article) => article.views), before.map((article) => article.views + 2), 'views in the database');
    assert(after.every((article) => tagged(article.id)), 'every chosen article has the tag in the database');

    // the edit view shows the tag on the relation field
    await goto(page, `${context.adminUrl}/content-manager/collection-types/${ARTICLE}/${before[0].document_id}?plugins[i18n][locale]=en`);
    await expectText(page.locator('main'), tag.name, 'the tag in the edit view');
  },
};

/* -------------------------------------------------------------------------------------------------
 * 9. A destructive action: its own confirmation step
 * -----------------------------------------------------------------------------------------------*/

const deleteConfirmation: Scenario = {
  name: 'list view: 2 rows → More actions → Delete (red) → Continue → a confirmation listing both → "Delete 2 entries" → gone from the database',
  async run(context) {
    await ensureEnabled(context, ARTICLE, ['delete', 'update-field']);
    const page = await adminPage(context);
    const titles = ['Article 150', 'Article 151'];
    const documentIds = titles.map((title) => context.db.articleByTitle(title).document_id);

    await goto(page, `${listUrl(context, ARTICLE)}&_q=${encodeURIComponent('Article 15')}`);
    await selectRows(page, titles);
    await moreActions(page).click({ timeout: 30_000 });
    const item = page.getByRole('menu').getByRole('menuitem', { name: 'Delete selected entries', exact: true });
    assert((await item.locator('svg').count()) > 0, 'the destructive action carries the warning icon');
    // the design system's danger colour: not the colour of the other items
    const colourOf = (name: string) =>
      page.getByRole('menu').getByRole('menuitem', { name, exact: true }).evaluate((element) => getComputedStyle(element.querySelector('span') ?? element).color);
    assert((await colourOf('Delete selected entries')) !== (await colourOf('Update a field')), 'the destructive item is in another colour');
    await item.click();

    const modal = dialog(page);
    await expectText(previewText(page), 'Will act on 2 of 2 entries', 'the preview');
    assertEqual(await page.getByTestId('bulk-actions-confirm').count(), 0, 'no confirmation on the form step of a destructive action');
    await modal.getByRole('button', { name: 'Continue' }).click();

    const confirm = page.getByTestId('bulk-actions-confirm');
    await expectText(confirm, 'Delete 2 entries?', 'the confirm message');
    assertEqual(
      (await page.getByTestId('bulk-actions-confirm-entries').locator('li').allInnerTexts()).map((text) => text.trim()).sort(),
      titles,
      'the entries the confirmation lists'
    );
    await expectText(confirm, 'You can undo this run from the audit log.', 'the undo note');
    await screenshot(page, 'modal-delete-confirm', modal);
    // Back returns to the form, nothing deleted
    await modal.getByRole('button', { name: 'Back' }).click();
    await modal.getByRole('button', { name: 'Continue' }).click();
    await modal.getByRole('button', { name: 'Delete 2 entries' }).click();

    await expectText(notification(page, 'Delete selected entries'), /2/, 'the result notification');
    await modal.waitFor({ state: 'detached' });
    const left = context.db.all<{ n: number }>(
      `SELECT COUNT(*) AS n FROM articles WHERE locale = 'en' AND document_id IN (${documentIds.map(() => '?').join(',')})`,
      ...documentIds
    );
    // the list's locale (English) is deleted; other locales of the same documents stay, as with Strapi's Delete
    assertEqual(left[0].n, 0, 'English rows of the deleted articles left in the database');
    const run = context.db.runs().at(-1)!;
    assertEqual([run.action, run.total, run.succeeded], ['delete', 2, 2], 'the run row');
  },
};

/* -------------------------------------------------------------------------------------------------
 * 10. One way to do one thing: the plugin's Publish and Delete stand in for Strapi's
 * -----------------------------------------------------------------------------------------------*/

const replaceBuiltIns: Scenario = {
  name: 'Settings: replace Strapi’s bulk Publish / Delete for Article → the bulk bar shows only "More actions" with the plugin’s; turned off, Strapi’s are back',
  async run(context) {
    await ensureEnabled(context, ARTICLE, ['publish', 'delete', 'update-field']);
    const page = await adminPage(context);
    const titles = ['Article 160', 'Article 161'];
    const bar = async () => {
      await goto(page, `${listUrl(context, ARTICLE)}&_q=${encodeURIComponent('Article 16')}`);
      await selectRows(page, titles);
      await moreActions(page).waitFor({ timeout: 30_000 });
    };
    const strapiButtons = async () => ({
      publish: await page.getByRole('button', { name: 'Publish', exact: true }).count(),
      delete: await page.getByRole('button', { name: 'Delete', exact: true }).count(),
    });

    await bar();
    assertEqual(await strapiButtons(), { publish: 1, delete: 1 }, 'Strapi’s own bulk buttons before the setting');

    await goto(page, `${context.adminUrl}/settings`);
    await page.getByRole('link', { name: 'Bulk actions', exact: true }).click();
    await dismissTours(page);
    const replace = page.getByRole('checkbox', {
      name: 'Replace Strapi’s bulk Publish, Unpublish and Delete of Article with these actions where they are enabled',
    });
    await replace.check();
    await page.getByRole('button', { name: 'Save' }).click();
    await expectText(notification(page, 'Settings saved'), 'Settings saved', 'the save notification');
    assertEqual((context.db.settings()?.contentTypes[ARTICLE] as { replaceBuiltIns?: boolean }).replaceBuiltIns, true, 'replaceBuiltIns in the saved settings');

    await bar();
    assertEqual(await strapiButtons(), { publish: 0, delete: 0 }, 'Strapi’s bulk Publish and Delete once replaced');
    await screenshot(page, 'bulk-bar-replaced');
    await moreActions(page).click();
    const menu = page.getByRole('menu');
    for (const label of ['Publish', 'Delete selected entries']) await menu.getByRole('menuitem', { name: label, exact: true }).waitFor();
    await page.keyboard.press('Escape');

    // off again through the API (as config/plugins.ts or another administrator would): Strapi's are back
    const api = await adminApi(context);
    const { data: settings } = await api<SettingsResponse>('GET', '/bulk-actions/settings');
    await api<SettingsResponse>('PUT', '/bulk-actions/settings', {
      contentTypes: { [ARTICLE]: { actions: settings.contentTypes[ARTICLE].actions, replaceBuiltIns: false } },
    });
    await bar();
    // the list of actions is cached for a minute: a reload of the page asks again
    await page.reload();
    await dismissTours(page);
    await selectRows(page, titles);
    await moreActions(page).waitFor({ timeout: 30_000 });
    assertEqual(await strapiButtons(), { publish: 1, delete: 1 }, 'Strapi’s own bulk buttons after the setting is off');
  },
};

/* -------------------------------------------------------------------------------------------------
 * 11. A scheduled run: "Run later" in the modal, the run page's time and "Run now"
 * -----------------------------------------------------------------------------------------------*/

const scheduledRun: Scenario = {
  name: 'a run scheduled for later: "Run later" needs a time; the run page says when, "Run now" runs it; the database changes only then',
  async run(context) {
    await ensureEnabled(context, ARTICLE, ['update-field']);
    const page = await adminPage(context);
    const title = 'Article 005';
    const before = context.db.articleByTitle(title);

    // in the modal: "Run later" asks for a time before the run can be confirmed
    await goto(page, listUrl(context, ARTICLE));
    await selectRows(page, [title]);
    await openBulkModal(page, 'Update a field');
    const modal = dialog(page);
    await choose(page, modal.getByRole('combobox', { name: 'Field' }), 'stage');
    await choose(page, modal.getByRole('combobox', { name: 'New value' }), before.stage === 'trash' ? 'review' : 'trash');
    const runButton = modal.getByRole('button', { name: 'Update 1 entry' });
    await page.waitForFunction((button) => !(button as HTMLButtonElement).disabled, await runButton.elementHandle(), { timeout: 15_000 });
    await modal.getByRole('checkbox', { name: 'Run later' }).click();
    await expectText(modal, 'permissions are checked again when the run starts', 'the hint under "Run at"');
    assert(await runButton.isDisabled(), 'the confirm button waits for a time');
    await page.keyboard.press('Escape');
    await modal.waitFor({ state: 'detached' });

    const api = await adminApi(context);
    const runAt = new Date(Date.now() + 3_600_000).toISOString();
    const started = await api<{ data: { run: { id: number; status: string } } }>(
      'POST',
      `/bulk-actions/content-types/${ARTICLE}/actions/update-field/run`,
      { selection: { documentIds: [before.document_id] }, params: { field: 'views', value: 4242 }, runAt }
    );
    assertEqual(started.data.run.status, 'scheduled', 'the run as the API answers it');
    assertEqual(context.db.articleByTitle(title).views, before.views, 'views before the run starts');

    await goto(page, `${context.adminUrl}/settings/bulk-actions-runs/${started.data.run.id}`);
    await expectText(page.locator('main'), 'Scheduled for', 'the time on the run page');
    await screenshot(page, 'run-scheduled');
    await page.getByRole('button', { name: 'Run now' }).click();
    await expectText(page.locator('main'), 'Succeeded', 'the run after "Run now"');
    assertEqual(context.db.articleByTitle(title).views, 4242, 'views after the run');
  },
};

/* -------------------------------------------------------------------------------------------------
 * 12. Media in bulk: the cover chosen in the Media Library's own dialog
 * -----------------------------------------------------------------------------------------------*/

const mediaPicker: Scenario = {
  name: 'list view: 2 rows → "Update a field" → cover: "Choose a file from the Media Library" → tick a file → Finish → run → both drafts have it',
  async run(context) {
    await ensureEnabled(context, ARTICLE, ['update-field']);
    const page = await adminPage(context);
    const titles = ['Article 002', 'Article 003'];
    const file = context.db.get<{ id: number; name: string }>(`SELECT id, name FROM files ORDER BY id DESC LIMIT 1`);
    assert(file, 'a file in the Media Library');
    const covers = () =>
      titles.map((title) => {
        const article = context.db.articleByTitle(title);
        return context.db.get<{ file_id: number }>(
          `SELECT file_id FROM files_related_mph WHERE related_id = ? AND related_type = ? AND field = 'cover'`,
          article.id,
          ARTICLE
        )?.file_id ?? null;
      });

    await goto(page, listUrl(context, ARTICLE));
    await selectRows(page, titles);
    await openBulkModal(page, 'Update a field');
    const modal = dialog(page);
    await choose(page, modal.getByRole('combobox', { name: 'Field' }), 'cover');
    await choose(page, modal.getByRole('combobox', { name: 'Operation' }), 'Set to');
    await modal.getByRole('button', { name: 'Choose a file from the Media Library' }).click();
    // the Media Library's dialog opens over ours: its cards, its checkbox, its Finish button
    const library = page.getByRole('dialog').filter({ hasText: file.name }).last();
    const card = library.locator('div').filter({ hasText: file.name, has: page.getByRole('checkbox') }).last();
    await card.getByRole('checkbox').click();
    await library.getByRole('button', { name: 'Finish' }).click();
    await expectText(modal.getByTestId('bulk-actions-media-chosen'), file.name, 'the chosen file, named');
    await expectText(page.getByTestId('bulk-actions-plan'), 'Will change 2 entries', 'the plan');
    await modal.getByRole('button', { name: 'Update 2 entries' }).click();
    await expectText(notification(page, 'Update a field'), 'cover set on 2 entries', 'the result notification');
    assertEqual(covers(), [file.id, file.id], 'the cover of both drafts in the database');
  },
};

/* -------------------------------------------------------------------------------------------------
 * 13. Update from a file: the export, edited, uploaded back in the action's modal
 * -----------------------------------------------------------------------------------------------*/

const updateFromFile: Scenario = {
  name: 'export 3 rows as CSV → change 2 cells → "Update from a file": upload it → the dry run counts 2 changes, 1 unchanged → run → the list shows both',
  async run(context) {
    await ensureEnabled(context, ARTICLE, ['export-csv', 'update-from-file']);
    const page = await adminPage(context);
    // 008 and 009 are also used by scenario 8, which finds them by title: the file changes a body and a stage (both listed)
    const titles = ['Article 008', 'Article 009', 'Article 010'];
    const before = titles.map((title) => context.db.articleByTitle(title));
    const stage = before[2].stage === 'review' ? 'draft' : 'review';
    const BODY = 'Body changed in a spreadsheet.';

    // the export, through the API (scenario 4 downloads one through the modal)
    await adminApi(context);
    const base = context.adminUrl.replace(/\/admin\/?$/, '');
    const res = await fetch(`${base}/bulk-actions/content-types/${ARTICLE}/actions/export-csv/run`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${context.adminToken}` },
      body: JSON.stringify({ selection: { documentIds: before.map((a) => a.document_id) }, locale: 'en', params: { format: 'csv', fields: ['title', 'body', 'stage'] } }),
    });
    assertEqual(res.status, 200, 'the export answers the file');
    const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    const header = lines[0].split(',');
    assertEqual(header, ['documentId', 'locale', 'title', 'body', 'stage'], 'the exported header');
    // two cells changed, as in a spreadsheet: the body of 009, the stage of 010 (no cell of these rows holds a comma)
    const edited = lines.map((line, i) => {
      if (i === 0) return line;
      const cells = line.split(',');
      if (cells[0] === before[1].document_id) cells[header.indexOf('body')] = BODY;
      if (cells[0] === before[2].document_id) cells[header.indexOf('stage')] = stage;
      return cells.join(',');
    });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-actions-e2e-')), 'articles-edited.csv');
    fs.writeFileSync(file, `${edited.join('\r\n')}\r\n`);

    await goto(page, listUrl(context, ARTICLE));
    await selectRows(page, titles);
    await openBulkModal(page, 'Update from a file');
    const modal = dialog(page);
    await modal.locator('input[type="file"]').setInputFiles(file);
    await expectText(modal, 'articles-edited.csv: 3 rows, 5 columns', 'the uploaded file, summarised');
    const plan = page.getByTestId('bulk-actions-plan');
    await expectText(plan, 'Will change 2 entries', 'the dry run: changes');
    await expectText(plan, '1 entry already holds the result', 'the dry run: unchanged');
    await expectText(plan, `body: “${before[1].body}” → “${BODY}”`, 'before → after of the body');
    await screenshot(page, 'modal-update-from-file', modal);
    await modal.getByRole('button', { name: 'Update from a file: 2 entries' }).click();

    await expectText(notification(page, 'Update from a file'), '2 entries updated from the file', 'the result notification');
    await modal.waitFor({ state: 'detached' });
    await expectText(row(page, titles[1]), BODY, `the row of ${titles[1]}`);
    await expectText(row(page, titles[2]), stage, `the row of ${titles[2]}`);
    const after = titles.map((title) => context.db.articleByTitle(title));
    assertEqual(
      after.map((a) => [a.body, a.stage]),
      [[before[0].body, before[0].stage], [BODY, before[1].stage], [before[2].body, stage]],
      'body and stage in the database'
    );
    const run = context.db.runs().at(-1)!;
    assertEqual([run.action, run.total, run.succeeded], ['update-from-file', 3, 2], 'the run row');
  },
};

/* -------------------------------------------------------------------------------------------------
 * 14. An editor whose admin speaks French changes published entries and their live version
 * -----------------------------------------------------------------------------------------------*/

const frenchLiveFix: Scenario = {
  name: 'an editor whose admin speaks French: "Plus d’actions" → "Modifier un champ" on 2 published entries, "Appliquer aussi à la version publiée" → plan, confirmation and notification in French → both versions changed, still Published',
  async run(context) {
    await ensureEnabled(context, ARTICLE, ['update-field']);
    const titles = ['Article 011', 'Article 012'];
    const api = await adminApi(context);
    for (const title of titles) {
      await api('POST', `/content-manager/collection-types/${ARTICLE}/${context.db.articleByTitle(title).document_id}/actions/publish?locale=en`, {});
    }
    const before = titles.map((title) => context.db.articleByTitle(title));
    const value = ['draft', 'review', 'trash'].find((stage) => before.every((article) => article.stage !== stage))!;
    const live = (documentId: string) =>
      context.db.get<{ stage: string; updated_at: number | string }>(
        `SELECT stage, updated_at FROM articles WHERE document_id = ? AND locale = 'en' AND published_at IS NOT NULL`,
        documentId
      );

    // the admin's language is the editor's choice, kept in the browser (Strapi's own key)
    const page = await signIn(context.browser, context.adminUrl, 'editor@example.com');
    await page.evaluate(() => window.localStorage.setItem('strapi-admin-language', 'fr'));
    // the list's second page: rows no other scenario uses
    await goto(page, listUrl(context, ARTICLE).replace('page=1', 'page=2'));
    await selectRows(page, titles);
    await page.getByRole('button', { name: 'Plus d’actions', exact: true }).click({ timeout: 30_000 });
    await page.getByRole('menu').getByRole('menuitem', { name: 'Modifier un champ', exact: true }).click();
    const modal = dialog(page);
    await expectText(modal.getByRole('combobox', { name: 'Action' }), 'Modifier un champ', 'the built-in’s label in French');
    await choose(page, modal.getByRole('combobox', { name: 'Champ' }), 'stage');
    await choose(page, modal.getByRole('combobox', { name: 'Nouvelle valeur' }), value);
    await modal.getByRole('checkbox', { name: 'Appliquer aussi à la version publiée' }).check();
    await expectText(page.getByTestId('bulk-actions-plan'), '2 entrées sont publiées : la modification va au brouillon et à la version en ligne', 'the plan');
    await expectText(page.getByTestId('bulk-actions-confirm'), `Définir stage à « ${value} »`, 'the confirmation names the change');
    await expectText(page.getByTestId('bulk-actions-confirm'), 'Les entrées publiées changent aussi sur le site.', 'the confirmation says the live site changes');
    await screenshot(page, 'modal-live-fix-fr', modal);
    await modal.getByRole('button', { name: 'Modifier 2 entrées' }).click();
    await expectText(notification(page, 'Modifier un champ'), 'stage défini sur 2 entrées', 'the run’s sentence in French');

    for (const article of before) {
      const draft = context.db.articleByTitle(article.title);
      const published = live(article.document_id);
      assertEqual([draft.stage, published?.stage], [value, value], `${article.title}: the draft and the live version`);
      // the Content Manager calls an entry Modified when its draft is newer than its live version
      assert(Number(new Date(draft.updated_at)) <= Number(new Date(published!.updated_at)), `${article.title} is still Published, not Modified`);
    }
    await page.context().close();
  },
};

/* -------------------------------------------------------------------------------------------------
 * 15. The progress of a background run on its own line above the list
 * -----------------------------------------------------------------------------------------------*/

const backgroundProgressLine: Scenario = {
  name: 'a background run’s progress sits on its own line under the list’s toolbar (the locale picker keeps its place), and leaves when the run ends',
  async run(context) {
    await ensureEnabled(context, ARTICLE, ['update-field']);
    const page = await adminPage(context);
    const article = context.db.articleByTitle('Article 006');
    const api = await adminApi(context);
    const started = await api<{ data: { run: { id: number } } }>('POST', `/bulk-actions/content-types/${ARTICLE}/actions/update-field/run`, {
      selection: { documentIds: [article.document_id] },
      params: { field: 'views', value: article.views + 1 },
      runAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const id = started.data.run.id;
    // what the modal keeps for a run it leaves to the background (store/activeRuns), then the list
    await page.evaluate(
      ([runId, model]) =>
        window.sessionStorage.setItem('strapi-plugin-bulk-actions:active-runs', JSON.stringify([{ id: runId, model, action: 'update-field', label: 'Update a field' }])),
      [id, ARTICLE] as const
    );
    await goto(page, listUrl(context, ARTICLE));
    const progress = page.getByTestId('bulk-actions-active-runs');
    await expectText(progress, 'Scheduled for', 'the background run’s progress above the list');
    const layout = await page.evaluate(() => {
      const line = document.querySelector('[data-bulk-actions-progress]') as HTMLElement | null;
      const toolbar = line?.previousElementSibling as HTMLElement | null;
      const table = document.querySelector('main table') as HTMLElement | null;
      const picker = Array.from(document.querySelectorAll('main [role="combobox"]')).find((element) => (element.textContent ?? '').includes('English')) as HTMLElement | undefined;
      const rect = (element?: HTMLElement | null) => (element ? element.getBoundingClientRect().toJSON() : null);
      return { inMain: line?.parentElement?.tagName, line: rect(line), toolbar: rect(toolbar), table: rect(table), picker: rect(picker), toolbarHasPicker: Boolean(picker && toolbar?.contains(picker)) };
    });
    assertEqual(layout.inMain, 'MAIN', 'the progress line is a line of the page, not of the toolbar');
    assert(layout.line && layout.toolbar && layout.table, `the line, the toolbar and the table are there: ${JSON.stringify(layout)}`);
    assert(layout.line.top >= layout.toolbar.bottom - 1, `the progress starts under the toolbar: ${JSON.stringify(layout)}`);
    assert(layout.line.bottom <= layout.table.top + 1, `the progress ends above the table: ${JSON.stringify(layout)}`);
    assert(layout.toolbarHasPicker, `the locale picker stays in the toolbar: ${JSON.stringify(layout)}`);
    await screenshot(page, 'list-background-progress');

    await api('POST', `/bulk-actions/runs/${id}/cancel`, {});
    await progress.waitFor({ state: 'detached', timeout: 20_000 });
    assertEqual(context.db.articleByTitle('Article 006').views, article.views, 'the cancelled run changed nothing');
  },
};

/* -------------------------------------------------------------------------------------------------
 * 16. All locales: one run over every locale of the selected entries
 * -----------------------------------------------------------------------------------------------*/

const allLocales: Scenario = {
  name: 'list view: 2 rows → Publish → "All locales" → the preview counts each locale → run → the French version is published too; the run page lists the counts per locale',
  async run(context) {
    await ensureEnabled(context, ARTICLE, ['publish']);
    const page = await adminPage(context);
    // Article 180 has a French version, Article 181 has none
    const titles = ['Article 180', 'Article 181'];
    const documentIds = titles.map((title) => context.db.articleByTitle(title).document_id);
    const published = () =>
      context.db
        .all<{ document_id: string; locale: string }>(
          `SELECT document_id, locale FROM articles WHERE published_at IS NOT NULL AND document_id IN (${documentIds.map(() => '?').join(',')}) ORDER BY document_id, locale`,
          ...documentIds
        )
        .map((row) => `${titles[documentIds.indexOf(row.document_id)]}:${row.locale}`)
        .sort();
    assertEqual(published(), [], 'published versions before the run');

    await goto(page, `${listUrl(context, ARTICLE)}&_q=${encodeURIComponent('Article 18')}`);
    await selectRows(page, titles);
    await openBulkModal(page, 'Publish');
    const modal = dialog(page);
    await expectText(previewText(page), 'Will act on 2 of 2 entries', 'the preview');
    await expectText(modal, 'All locales', 'the option');
    await modal.getByRole('checkbox', { name: 'All locales' }).click();
    const locales = page.getByTestId('bulk-actions-locale-counts');
    await expectText(locales, 'en: 2 to act on', 'the preview of the English versions');
    await expectText(locales, 'fr: 1 to act on', 'the preview of the French versions');
    await screenshot(page, 'modal-all-locales', modal);
    await expectEnabled(page, modal.getByRole('button', { name: 'Publish 2 entries' }), 'the confirm button');
    await modal.getByRole('button', { name: 'Publish 2 entries' }).click();
    await expectText(notification(page, 'Publish'), /2/, 'the result notification');
    await modal.waitFor({ state: 'detached' });

    assertEqual(published(), ['Article 180:en', 'Article 180:fr', 'Article 181:en'], 'published versions after the run');
    const run = context.db.get<{ id: number; locale_counts: string }>(`SELECT id, locale_counts FROM bulk_actions_runs ORDER BY id DESC LIMIT 1`)!;
    assertEqual(JSON.parse(run.locale_counts), { en: { done: 2 }, fr: { done: 1 } }, 'the run row’s counts per locale');

    await goto(page, `${context.adminUrl}/settings/bulk-actions-runs/${run.id}`);
    const byLocale = page.getByTestId('bulk-actions-locale-counts');
    await expectText(byLocale, 'en: 2 done', 'the run page, English');
    await expectText(byLocale, 'fr: 1 done', 'the run page, French');
  },
};

export const scenarios: Scenario[] = [
  enableActions,
  updateField,
  selectAllMatching,
  exportCsv,
  authorSkipped,
  auditLog,
  undoRun,
  editFields,
  deleteConfirmation,
  replaceBuiltIns,
  scheduledRun,
  mediaPicker,
  updateFromFile,
  frenchLiveFix,
  backgroundProgressLine,
  allLocales,
];
