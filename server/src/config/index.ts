import { z } from 'zod';
import { DEFAULT_FILTER_LIMITS } from '../utils/filters';

const positive = (fallback: number) => z.number().int().positive().default(fallback);

/** The plugin's configuration (`config/plugins.ts` → `'bulk-actions': { config: { ... } }`). */
export const pluginConfigSchema = z
  .object({
    /**
     * Content types pre-enabled by the app: `{ 'api::article.article': { actions: ['*'], replaceBuiltIns: true } }`
     * (`replaceBuiltIns`: the plugin's publish, unpublish and delete stand in for Strapi's bulk buttons).
     */
    contentTypes: z
      .record(z.string(), z.object({ actions: z.array(z.string()), replaceBuiltIns: z.boolean().optional() }).strict())
      .default({}),
    /**
     * Bounds of a selection's filters (see utils/filters.ts): a filter past one is refused with a 400
     * naming the limit before any query runs. The defaults cover what the Content Manager's list sends.
     */
    filters: z
      .object({
        maxDepth: positive(DEFAULT_FILTER_LIMITS.maxDepth),
        maxTerms: positive(DEFAULT_FILTER_LIMITS.maxTerms),
        maxValues: positive(DEFAULT_FILTER_LIMITS.maxValues),
        // SQLite joins at most 64 tables in one statement; each relation can cost two joins
        maxRelationDepth: z.number().int().positive().max(16).default(DEFAULT_FILTER_LIMITS.maxRelationDepth),
        maxJoins: z.number().int().positive().max(30).default(DEFAULT_FILTER_LIMITS.maxJoins),
        maxNodes: positive(DEFAULT_FILTER_LIMITS.maxNodes),
        maxValueLength: positive(DEFAULT_FILTER_LIMITS.maxValueLength),
      })
      .strict()
      .default({}),
    /** Largest id list a selection may carry. */
    maxSelection: z.number().int().positive().max(1_000_000).default(10_000),
    /** Background jobs: runs over more entries than a threshold are queued and worked by every instance. */
    jobs: z
      .object({
        /** Run the worker loop in this instance (queued runs still need one instance that does). */
        worker: z.boolean().default(true),
        pollIntervalMs: positive(1000),
        /** A running job whose heartbeat is older than this is taken over by another worker. */
        staleAfterMs: positive(30_000),
        thresholds: z
          .object({ query: positive(1000), documents: positive(100), export: positive(5000) })
          .strict()
          .default({}),
        /** Accepted for compatibility and unused: queued exports are kept in the database every instance shares. */
        exportDir: z.string().min(1).optional(),
        exportRetentionHours: z.number().positive().default(24),
      })
      .strict()
      .default({}),
    /** Update from a file: limits of an uploaded file, and how long an upload is kept. */
    uploads: z
      .object({
        maxBytes: positive(50 * 1024 * 1024),
        maxRows: positive(200_000),
        maxColumns: positive(500),
        expiryHours: z.number().positive().default(24),
      })
      .strict()
      .default({}),
    /** Undo: what a revertible run changed is kept this long after it finished, then purged. */
    undo: z
      .object({ retentionDays: z.number().positive().default(30) })
      .strict()
      .default({}),
  })
  .strict();

export type PluginConfig = z.infer<typeof pluginConfigSchema>;

export default {
  default: (): PluginConfig => pluginConfigSchema.parse({}),
  validator(config: unknown) {
    const result = pluginConfigSchema.safeParse(config);
    if (!result.success) {
      const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new Error(`Invalid bulk-actions plugin config: ${problems.join('; ')}`);
    }
  },
};
