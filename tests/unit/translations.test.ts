import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { builtInActions } from '../../server/src/actions';
import { PLUGIN_ID } from '../../server/src/contracts';

const root = join(__dirname, '../..');
const catalogs = Object.fromEntries(
  ['en', 'fr'].map((locale) => [locale, JSON.parse(readFileSync(join(root, 'admin/src/translations', `${locale}.json`), 'utf8')) as Record<string, string>])
);
const unprefixed = (id: string) => id.slice(PLUGIN_ID.length + 1);

/** Every source file of the server, for the run sentences' ids it names. */
const serverSources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? serverSources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [readFileSync(join(dir, entry.name), 'utf8')] : []
  );

describe('the texts the server sends by translation id', () => {
  const actionIds = builtInActions.flatMap((action) => [
    ...Object.values(action.messages ?? {}),
    ...Object.values(action.form ?? {}).flatMap((field) => Object.values(field.messages ?? {})),
  ]);
  const runIds = serverSources(join(root, 'server/src')).flatMap((source) =>
    [...source.matchAll(/runMessageId\('([^']+)'\)/g)].map((match) => `${PLUGIN_ID}.message.${match[1]}`)
  );

  it('names every built-in label, description, confirm and form text, and every run sentence', () => {
    expect(actionIds.length).toBeGreaterThan(20);
    expect(runIds).toEqual(expect.arrayContaining(['bulk-actions.message.update-field.done', 'bulk-actions.message.revert.done']));
  });

  it.each(['en', 'fr'])('finds each of them in %s.json, a valid ICU message', (locale) => {
    const missing = [...actionIds, ...runIds].filter((id) => !Object.hasOwn(catalogs[locale], unprefixed(id)));
    expect(missing).toEqual([]);
    for (const id of [...actionIds, ...runIds]) expect(() => new IntlMessageFormat(catalogs[locale][unprefixed(id)], locale)).not.toThrow();
  });

  it('keeps the English catalog as the built-ins declare their texts (the server’s English is the default)', () => {
    for (const action of builtInActions) {
      expect(catalogs.en[unprefixed(action.messages!.label!)]).toBe(action.label);
      if (action.description) expect(catalogs.en[unprefixed(action.messages!.description!)]).toBe(action.description);
      if (action.confirm?.message) expect(catalogs.en[unprefixed(action.messages!.confirm!)]).toBe(action.confirm.message);
    }
  });
});
