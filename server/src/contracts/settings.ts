/** Per content type, the names of the enabled actions; `'*'` enables every action available to it. */
export interface ContentTypeSettings {
  actions: string[];
}

export interface Settings {
  contentTypes: Record<string, ContentTypeSettings>;
}

export interface SettingsResponse {
  data: Settings;
}
