import { PLUGIN_ID } from './pluginId';

/** The plugin's own RBAC actions (registered by the server). */
export const PERMISSIONS = {
  settingsRead: [{ action: `plugin::${PLUGIN_ID}.settings.read`, subject: null }],
  settingsUpdate: [{ action: `plugin::${PLUGIN_ID}.settings.update`, subject: null }],
  runsRead: [{ action: `plugin::${PLUGIN_ID}.runs.read`, subject: null }],
};

/** Paths under /settings. */
export const SETTINGS_PATH = PLUGIN_ID;
export const RUNS_PATH = `${PLUGIN_ID}-runs`;

/** Over this many entries, a destructive action asks the editor to type the count. */
export const TYPE_TO_CONFIRM_THRESHOLD = 1000;

/** How often a background run's progress is polled. */
export const POLL_INTERVAL_MS = 1000;
