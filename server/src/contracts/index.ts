/**
 * Request/response contracts of the admin API: plain types and constants that the server and the
 * admin both import. No validation library here (the admin bundle must not carry one): the zod
 * schemas that check requests against these types live in server/src/validation.
 */
export const PLUGIN_ID = 'bulk-actions' as const;
/** The translation id of a built-in action's run sentence (RunNote.id), in the admin's translations. */
export const runMessageId = (key: string) => `${PLUGIN_ID}.message.${key}`;
/** The translation ids of a built-in action's texts: label, description, confirm, form fields. */
export const actionMessageId = (action: string, key: string) => `${PLUGIN_ID}.actions.${action}.${key}`;
export * from './info';
export * from './actions';
export * from './runs';
export * from './settings';
export * from './uploads';
