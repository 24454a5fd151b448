import { PLUGIN_ID } from './contracts';

/**
 * Numbers and names several parts of the server share. Kept here, not in the service that first
 * needed them, so importing a constant never imports a service.
 */

/** At most this many failures are kept per run row (the failures CSV and retry read chunk outcomes). */
export const MAX_FAILURES = 1000;

/** Entries per chunk (query mode: one UPDATE each; documents mode: entries committed in groups, see DOCUMENT_GROUP). */
export const CHUNK_SIZE = { query: 500, documents: 50 } as const;

/**
 * Query mode: a worker goes on with the next chunks in the same transaction while it is younger
 * than `forMs`, up to `maxChunks`, with a turn of the event loop between chunks (a commit costs
 * about what a chunk's work does; the bounds keep row locks short, and on SQLite's one connection
 * the wait of other requests' queries).
 */
export const BATCH = { forMs: 100, maxChunks: 32 } as const;

/**
 * Query mode: a handler that allows it (eachChunk's `maxEntries`) gets several consecutive chunks in
 * one call while a call takes about `forMs` or less (see nextGroupSize in services/runs/chunks.ts).
 */
export const CHUNK_GROUP = { forMs: 40 } as const;

/** The most entries one call of eachChunk gets (an `IN (...)` list per statement stays far under the databases' bind limits). */
export const MAX_GROUP_ENTRIES = 4000;

/**
 * Documents mode: the entries of a chunk share a transaction while it is younger than `forMs` (each
 * commit syncs SQLite's file; the bound keeps row locks short and other requests' queries waiting
 * little on SQLite's one connection).
 */
export const DOCUMENT_GROUP = { forMs: 100 } as const;

/** Ids per `IN (...)` list: far under SQLite's 32,766 and PostgreSQL's 65,535 bind parameters. */
export const ID_CHUNK = 1000;

/** The webhook / event hub event every finished run emits. */
export const RUN_FINISHED_EVENT = 'bulk-actions.run.finished';

/** The plugin's own RBAC actions (its routes and admin pages check these). */
export const PLUGIN_PERMISSIONS = {
  settingsRead: `plugin::${PLUGIN_ID}.settings.read`,
  settingsUpdate: `plugin::${PLUGIN_ID}.settings.update`,
  runsRead: `plugin::${PLUGIN_ID}.runs.read`,
} as const;

/** How a run's file is made from its parts (see services/runs/files.ts). */
export const FILE_ASSEMBLIES = ['text', 'json-array', 'xlsx'] as const;

/** The preview's plan: entries per read chunk (reads only, larger than a run's), and how many planned changes it lists. */
export const PREVIEW_CHUNK = 1000;
export const PLANNED_LISTED = 100;
