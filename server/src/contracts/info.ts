/** GET /bulk-actions/info: what this plugin is and where it can act. */
export interface ContentTypeSummary {
  uid: string;
  displayName: string;
  draftAndPublish: boolean;
  localized: boolean;
}

export interface InfoResponse {
  data: {
    plugin: 'bulk-actions';
    version: string;
    contentTypes: ContentTypeSummary[];
  };
}
