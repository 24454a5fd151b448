/** Strapi's own bulk buttons the plugin can stand in for, each by the built-in action of the same name. */
export const REPLACEABLE_BUILT_INS = ['publish', 'unpublish', 'delete'] as const;

/**
 * Per content type, the names of the enabled actions; `'*'` enables every action available to it.
 * `replaceBuiltIns`: hide Strapi's bulk Publish / Unpublish / Delete where the plugin's action of the
 * same name is enabled and permitted, so editors get one way to do one thing (default false).
 */
export interface ContentTypeSettings {
  actions: string[];
  replaceBuiltIns?: boolean;
}

export interface Settings {
  contentTypes: Record<string, ContentTypeSettings>;
}

export interface SettingsResponse {
  data: Settings;
}
