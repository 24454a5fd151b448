/**
 * Request/response contracts of the admin API: plain types and constants that the server and the
 * admin both import. No validation library here (the admin bundle must not carry one): the zod
 * schemas that check requests against these types live in server/src/validation.
 */
export const PLUGIN_ID = 'bulk-actions' as const;
export * from './info';
export * from './actions';
export * from './runs';
export * from './settings';
export * from './uploads';
