/**
 * The messages between `npm run bench` (scripts/bench.ts) and the Strapi process it starts
 * (scripts/bench-server.ts): one map of command → arguments and result, so each side is checked
 * against the other by the type checker.
 */

export interface Memory {
  rssMb: number;
  peakMb: number;
}

export interface Lag {
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  samples: number;
}

type DocumentIds = { documentIds: string[] };
type FeaturedOnly = { featuredOnly?: boolean };
type Nothing = Record<string, never>;

/**
 * A copy of the built-in update-field that records nothing for undo (`revertible: false`),
 * registered by the bench server: the baseline of what recording costs.
 */
export const UNRECORDED_ACTION = 'update-field-unrecorded';

export interface BenchCommands {
  /** inserts `count` English draft articles; the first `featured` are featured */
  insert: { args: { count: number; prefix: string; stage: string; featured?: number; returnIds?: boolean }; result: { ms: number; documentIds?: string[] } };
  'db-version': { args: Nothing; result: { version: string } };
  /** the rows the stage figures changed back to stage `review` and views 0 */
  'reset-stage': { args: Nothing; result: { changed: number } };
  /** rows a stage figure changed, and the sum of their views (the two-field run adds 1 each) */
  'count-changed': { args: Nothing; result: { changed: number; views: number } };
  /** the tag the tag figures add (a seeded one): its documentId for the run's params */
  'bench-tag': { args: Nothing; result: { documentId: string; rowId: number; linkTable: string } };
  /** the hand-written baseline: one INSERT … SELECT of the matching drafts into the join table, order columns included */
  'link-tag': { args: FeaturedOnly; result: { ms: number; linked: number } };
  /** matching drafts linked to the bench tag */
  'count-tagged': { args: FeaturedOnly; result: { tagged: number } };
  /** removes every link to the bench tag */
  'reset-tag': { args: Nothing; result: { removed: number } };
  /** removes what revertible runs recorded (the undo table would otherwise grow with every repetition) */
  'reset-undo': { args: Nothing; result: { removed: number } };
  /** documentIds of the matching drafts (stage review), in id order: the rows of the update-from-file bench's CSV */
  'matching-ids': { args: Nothing; result: { documentIds: string[] } };
  /** F0, the hand-written baseline of update-from-file: stage → published on these drafts, UPDATE … IN (500 ids) chunk by chunk */
  'file-baseline': { args: DocumentIds; result: { ms: number; changed: number } };
  /** one raw UPDATE of the matching rows */
  l0: { args: FeaturedOnly; result: { ms: number; changed: number } };
  /** knex: read the documentIds, UPDATE … IN (500 ids) chunk by chunk */
  l1: { args: FeaturedOnly; result: { ms: number; selectMs: number; changed: number } };
  /** a plain documents().update loop */
  s2: { args: DocumentIds; result: { ms: number } };
  'sum-views': { args: DocumentIds; result: { views: number } };
  'reset-views': { args: DocumentIds; result: Nothing };
  'count-published': { args: DocumentIds; result: { published: number } };
  unpublish: { args: DocumentIds; result: Nothing };
  /** knex keyset pages through papaparse into `file` */
  b4: { args: FeaturedOnly & { file: string }; result: { ms: number; rows: number; bytes: number; sha256: string; file: string } };
  'rss-reset': { args: Nothing; result: Memory };
  'rss-peak': { args: Nothing; result: Memory };
  cpu: { args: Nothing; result: { ms: number } };
  'lag-start': { args: Nothing; result: Nothing };
  'lag-stop': { args: Nothing; result: Lag };
  /** waits until the process is idle; how long it waited */
  idle: { args: Nothing; result: { waitedMs: number } };
  'profile-start': { args: Nothing; result: Nothing };
  'profile-stop': { args: { file: string }; result: { file: string } };
  stop: { args: Nothing; result: Nothing };
}

export type Command = keyof BenchCommands;
export type Args<K extends Command> = BenchCommands[K]['args'];
export type Result<K extends Command> = BenchCommands[K]['result'];

/** parent → child */
export type Request = { [K in Command]: { id: number; cmd: K } & Args<K> }[Command];
/** child → parent, once per request */
export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** child → parent, once, when Strapi listens */
export interface Ready {
  type: 'ready';
  port: number;
  admin: { email: string; password: string };
  pollIntervalMs: number;
  client: string;
  strapiVersion: string | null;
}

/** What the child implements: one handler per command. */
export type Handlers = { [K in Command]: (args: Args<K>) => Promise<Result<K>> };
