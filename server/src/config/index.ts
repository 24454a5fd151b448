import { z } from 'zod';

/** The plugin's configuration (`config/plugins.ts` → `'bulk-actions': { config: { ... } }`). */
export const pluginConfigSchema = z
  .object({
    /** Content types pre-enabled by the app: `{ 'api::article.article': { actions: ['*'] } }`. */
    contentTypes: z.record(z.string(), z.object({ actions: z.array(z.string()) }).strict()).default({}),
    /** Largest id list a selection may carry. */
    maxSelection: z.number().int().positive().max(1_000_000).default(10_000),
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
