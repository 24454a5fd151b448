import { z } from 'zod';

/** GET /bulk-actions/info: what this plugin is and where it can act. */
export const contentTypeSummarySchema = z.object({
  uid: z.string(),
  displayName: z.string(),
  draftAndPublish: z.boolean(),
  localized: z.boolean(),
});

export const infoResponseSchema = z.object({
  data: z.object({
    plugin: z.literal('bulk-actions'),
    version: z.string(),
    contentTypes: z.array(contentTypeSummarySchema),
  }),
});

export type ContentTypeSummary = z.infer<typeof contentTypeSummarySchema>;
export type InfoResponse = z.infer<typeof infoResponseSchema>;
