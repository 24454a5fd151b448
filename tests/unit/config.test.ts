import config, { pluginConfigSchema } from '../../server/src/config';

describe('plugin config', () => {
  it('has defaults that pass its own validator', () => {
    const defaults = config.default();
    expect(defaults).toEqual({
      contentTypes: {},
      filters: { maxDepth: 10, maxTerms: 100, maxValues: 1000, maxRelationDepth: 4, maxJoins: 20, maxNodes: 2000, maxValueLength: 1000 },
      maxSelection: 10_000,
      uploads: { maxBytes: 50 * 1024 * 1024, maxRows: 200_000, maxColumns: 500, expiryHours: 24 },
      jobs: {
        worker: true,
        pollIntervalMs: 1000,
        staleAfterMs: 30_000,
        thresholds: { query: 1000, documents: 100, export: 5000 },
        exportRetentionHours: 24,
      },
      undo: { retentionDays: 30 },
    });
    expect(() => config.validator(defaults)).not.toThrow();
  });

  it('accepts pre-enabled content types', () => {
    const value = { contentTypes: { 'api::article.article': { actions: ['*'] } }, maxSelection: 500 };
    expect(() => config.validator(value)).not.toThrow();
    expect(pluginConfigSchema.parse(value).contentTypes['api::article.article'].actions).toEqual(['*']);
  });

  it('rejects unknown keys and wrong types with a message naming the problem', () => {
    expect(() => config.validator({ contentTypes: {}, maxSelection: 10, typo: true })).toThrow(/Unrecognized key.*typo/);
    expect(() => config.validator({ maxSelection: 'many' })).toThrow(/maxSelection/);
    expect(() => config.validator({ contentTypes: { x: { actions: 'delete' } } })).toThrow(/contentTypes\.x\.actions/);
    expect(() => config.validator({ jobs: { thresholds: { query: 0 } } })).toThrow(/jobs\.thresholds\.query/);
  });
});
