// Request/response contracts: zod schemas and their types, imported by the server and the admin.
export const PLUGIN_ID = 'bulk-actions' as const;
export * from './info';
export * from './actions';
export * from './runs';
export * from './settings';
