import { z } from 'zod';

/** Per content type, the names of the enabled actions; `'*'` enables every action available to it. */
export const contentTypeSettingsSchema = z.object({ actions: z.array(z.string().min(1)).max(200) }).strict();

export const settingsSchema = z
  .object({ contentTypes: z.record(z.string().min(1), contentTypeSettingsSchema) })
  .strict();
export type Settings = z.infer<typeof settingsSchema>;

export interface SettingsResponse {
  data: Settings;
}
