import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, EXTRACTION_CONFIG } from '../helpers/content';

const valid = () => ({
  name: 'touch',
  label: 'Touch',
  contentTypes: [ARTICLE],
  permissions: ['update'],
  mode: 'query' as const,
  async handler() {},
});

describe('the action registry (developer API)', () => {
  let app: TestApp;
  const actions = () => app.strapi.plugin('bulk-actions').service('actions');

  beforeAll(async () => {
    app = await bootPlayground({ articles: 8 });
  });
  afterAll(() => app?.close());

  it('lists the built-ins and the playground actions per content type', () => {
    const names = (uid: string) => actions().list(uid).map((a: { name: string }) => a.name);
    expect(names(ARTICLE)).toEqual(['update-field', 'publish', 'unpublish', 'export-csv', 'update-from-file', 'delete', 'mark-reviewed']);
    // no draft & publish on extraction configs: no publish/unpublish
    expect(names(EXTRACTION_CONFIG)).toEqual(['update-field', 'export-csv', 'update-from-file', 'delete', 'run-now']);
  });

  it.each([
    [{ name: 'Bad Name' }, /action "Bad Name" is invalid: name: must be kebab-case/],
    [{ name: 'update-field', contentTypes: [ARTICLE] }, /action "update-field" is already registered for every content type/],
    [{ contentTypes: ['api::nope.nope'] }, /action "touch" is invalid: unknown content type "api::nope.nope"/],
    [{ form: { when: { type: 'colour' } } }, /action "touch" is invalid: form\.when\.type: unknown field type "colour"/],
    [{ form: { stage: { type: 'enumeration' } } }, /action "touch" is invalid: form\.stage: an enumeration field needs an "enum" list/],
    [{ mode: 'sometimes' }, /action "touch" is invalid: mode:/],
    [{ handler: 'not a function' }, /action "touch" is invalid: handler: must be a function/],
    [{ permissions: [] }, /action "touch" is invalid: permissions: must name at least one permission/],
    [{ extra: true }, /action "touch" is invalid: .*Unrecognized key/],
    [{ messages: { label: 'has spaces in it' } }, /action "touch" is invalid: messages\.label: must be a translation id/],
    [{ messages: { title: 'my-app.title' } }, /action "touch" is invalid: messages: Unrecognized key/],
    [{ form: { note: { type: 'string', messages: { hint: 'x' } } } }, /action "touch" is invalid: form\.note\.messages: Unrecognized key/],
    [{ reasons: { 'Not Kebab': 'a text' } }, /action "touch" is invalid: reasons\.Not Kebab: reason codes are kebab-case/],
    [{ reasons: { locked: '' } }, /action "touch" is invalid: reasons\.locked: must not be empty/],
  ])('refuses a bad definition %# with a message naming the action and the problem', (override, message) => {
    expect(() => actions().register({ ...valid(), ...override })).toThrow(message);
  });

  it('registers, lists and disables per content type', () => {
    actions().register({ ...valid(), name: 'touch-everything', contentTypes: '*' });
    expect(actions().list(ARTICLE).map((a: { name: string }) => a.name)).toContain('touch-everything');
    actions().disable('touch-everything', ARTICLE);
    expect(actions().list(ARTICLE).map((a: { name: string }) => a.name)).not.toContain('touch-everything');
    expect(actions().list(EXTRACTION_CONFIG).map((a: { name: string }) => a.name)).toContain('touch-everything');
    actions().disable('touch-everything');
    expect(actions().list(EXTRACTION_CONFIG).map((a: { name: string }) => a.name)).not.toContain('touch-everything');
  });

  it('allows replacing a built-in for one content type once it is disabled there', () => {
    actions().disable('delete', EXTRACTION_CONFIG);
    expect(() => actions().register({ ...valid(), name: 'delete', contentTypes: [EXTRACTION_CONFIG], permissions: ['delete'] })).not.toThrow();
    expect(actions().get(EXTRACTION_CONFIG, 'delete').label).toBe('Touch');
    expect(actions().get(ARTICLE, 'delete').label).toBe('Delete selected entries');
  });

  it('refuses to disable an action that does not exist', () => {
    expect(() => actions().disable('nope')).toThrow(/cannot disable "nope"/);
  });

  it('registers custom permission words as RBAC actions of the plugin per content type', () => {
    const provider = app.strapi.service('admin::permission').actionProvider;
    const runExtraction = provider.get('plugin::bulk-actions.run-extraction');
    expect(runExtraction).toMatchObject({ section: 'contentTypes', subjects: [EXTRACTION_CONFIG] });
    for (const id of ['settings.read', 'settings.update', 'runs.read']) {
      expect(provider.get(`plugin::bulk-actions.${id}`)).toMatchObject({ section: 'plugins', pluginName: 'bulk-actions' });
    }
  });
});
