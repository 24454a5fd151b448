/**
 * The Strapi process of `npm run bench` (started by scripts/bench.ts with an IPC channel): boots the
 * playground (env decides the database and the job settings), seeds the demo users, listens, then
 * answers the parent's messages `{ id, cmd, ...args }` with `{ id, ok, result | error }`.
 *
 * It runs here, not in the parent, whatever must be measured inside Strapi's own process: the
 * baselines (L0, L1, S2, B4, timed here), its peak RSS (VmHWM, reset through /proc/self/clear_refs)
 * and its event-loop lag (perf_hooks.monitorEventLoopDelay). It also inserts and resets the data,
 * so that the parent never needs a database connection of its own.
 */
import crypto from 'crypto';
import fs from 'fs';
import { Session } from 'inspector';
import path from 'path';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'perf_hooks';
import Papa from 'papaparse';
import { loadPlayground, playgroundSeed } from './playground';
import { UNRECORDED_ACTION, type Handlers, type Ready, type Reply, type Request } from './bench/protocol';

const ARTICLE = 'api::article.article';
const TAG = 'api::tag.tag';
const RUN_UNDO = 'plugin::bulk-actions.run-undo';
/** ids per UPDATE in L1 (what a developer would hand-write) and per keyset page in B4 */
const L1_CHUNK = 500;
const B4_PAGE = 1000;
/** rows per INSERT while seeding (13 columns: far under SQLite's bind-parameter limit) */
const INSERT_BATCH = 500;

const send = (message: Reply | Ready) => process.send?.(message);
const ms = (since: number) => performance.now() - since;
const round = (value: number) => Math.round(value * 100) / 100;

/** VmRSS/VmHWM of this process, in MB. */
const memory = () => {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMb: round(kb('VmRSS') / 1024), peakMb: round(kb('VmHWM') / 1024) };
};

async function main() {
  const password = process.env.BENCH_PASSWORD ?? 'Bench-Password-123';
  const strapi = await loadPlayground({ serveAdminPanel: false, logLevel: process.env.LOG_LEVEL ?? 'error' });
  const seeded = await playgroundSeed().seed(strapi, { password, articles: 0, categories: 3, extractionConfigs: 0 });
  // the baseline of undo recording: the built-in update-field as it is, except that it records nothing
  const actions = strapi.plugin('bulk-actions').service('actions');
  const builtin = actions.get(ARTICLE, 'update-field');
  if (!builtin) throw new Error('the built-in update-field is not registered for articles');
  actions.register({ ...builtin, name: UNRECORDED_ACTION, label: 'Update a field, not recorded (bench)', contentTypes: [ARTICLE], revertible: false });
  strapi.config.set('server.logger.startup.enabled', false);
  await strapi.listen();

  const knex = strapi.db.connection;
  // SQL_STATS=<file>: every statement's shape with its count and time, rewritten every 250 ms (where a run's time goes; the last figure's statements are in before the bench stops)
  if (process.env.SQL_STATS) {
    const started = new Map<string, number>();
    const stats: Record<string, { n: number; ms: number }> = {};
    const shape = (sql: string) => sql.replace(/\?(, ?\?)+/g, '?*').replace(/\s+/g, ' ').slice(0, 260);
    knex.on('query', (q: any) => started.set(q.__knexQueryUid, performance.now()));
    knex.on('query-response', (_response: unknown, q: any) => {
      const start = started.get(q.__knexQueryUid);
      started.delete(q.__knexQueryUid);
      if (start === undefined) return;
      const entry = (stats[shape(q.sql)] ??= { n: 0, ms: 0 });
      entry.n += 1;
      entry.ms += performance.now() - start;
    });
    const write = () => fs.writeFileSync(process.env.SQL_STATS!, JSON.stringify(Object.entries(stats).sort((a, b) => b[1].ms - a[1].ms).slice(0, 60), null, 1));
    setInterval(write, 250).unref();
  }
  const meta = strapi.db.metadata.get(ARTICLE) as any;
  const table: string = meta.tableName;
  const col = (attribute: string): string => {
    const definition = meta.attributes[attribute];
    return definition.columnName ?? definition.joinColumn?.name ?? attribute; // createdBy: created_by_id
  };
  const categoryJoin = meta.attributes.category.joinTable;
  const categoryMeta = strapi.db.metadata.get('api::category.category') as any;
  const categoryTable: string = categoryMeta.tableName;
  const categoryDocumentId: string = categoryMeta.attributes.documentId.columnName ?? 'document_id';
  const adminId = seeded.users.admin.id;
  const tagLinks = meta.attributes.tags.joinTable;
  const benchTag = await knex((strapi.db.metadata.get(TAG) as any).tableName).select('id', 'document_id as documentId').orderBy('id').first();
  if (!benchTag) throw new Error('the seed created no tag');

  /** The rows P1, L0, L1, P4 and B4 act on: English drafts at stage `review` (and featured, for N/10). */
  const matching = (query: any, featuredOnly: boolean, alias = '') => {
    const c = (name: string) => `${alias}${col(name)}`;
    query.where(c('stage'), 'review').where(c('locale'), 'en').whereNull(c('publishedAt'));
    if (featuredOnly) query.where(c('featured'), true);
    return query;
  };
  const change = () => ({ [col('stage')]: 'published', [col('updatedAt')]: new Date(), [col('updatedBy')]: adminId });

  let lag: IntervalHistogram | null = null;
  let profiler: Session | null = null;
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => profiler!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));

  const commands: Handlers = {
    /**
     * Inserts `count` English draft articles straight into the table (batches in one transaction),
     * each linked to one of the seeded categories. The first `featured` rows are featured.
     */
    async insert({ count, prefix, stage, featured = 0, returnIds = false }) {
      const started = performance.now();
      const categories: number[] = (await knex(categoryTable).select('id').orderBy('id')).map((row: any) => row.id);
      const now = new Date();
      const ids: string[] = [];
      await knex.transaction(async (trx: any) => {
        for (let from = 0; from < count; from += INSERT_BATCH) {
          const rows = [];
          for (let i = from; i < Math.min(count, from + INSERT_BATCH); i += 1) {
            const documentId = `${prefix}${String(i).padStart(8, '0')}${Math.random().toString(36).slice(2, 16)}`.slice(0, 24);
            if (returnIds) ids.push(documentId);
            rows.push({
              [col('documentId')]: documentId,
              [col('title')]: `${prefix} article ${i}`,
              [col('body')]: `Body of ${prefix} article ${i}: a few words of text, as an editor would write them.`,
              [col('stage')]: stage,
              [col('views')]: 0,
              [col('featured')]: i < featured,
              [col('locale')]: 'en',
              [col('createdAt')]: now,
              [col('updatedAt')]: now,
              [col('publishedAt')]: null,
              [col('createdBy')]: seeded.users.editor.id,
              [col('updatedBy')]: seeded.users.editor.id,
            });
          }
          const inserted = await trx(table).insert(rows).returning('id');
          if (categories.length) {
            const links = inserted.map((row: any, k: number) => {
              const articleId = Number(typeof row === 'object' ? row.id : row);
              return {
                [categoryJoin.joinColumn.name]: articleId,
                [categoryJoin.inverseJoinColumn.name]: categories[(from + k) % categories.length],
                ...(categoryJoin.inverseOrderColumnName ? { [categoryJoin.inverseOrderColumnName]: from + k + 1 } : {}),
              };
            });
            await trx(categoryJoin.name).insert(links);
          }
        }
      });
      if (strapi.db.dialect.client === 'postgres') await knex.raw('ANALYZE');
      return { ms: round(ms(started)), ...(returnIds ? { documentIds: ids } : {}) };
    },

    async 'db-version'() {
      if (strapi.db.dialect.client === 'postgres') {
        const result = await knex.raw('SHOW server_version');
        return { version: result.rows[0].server_version };
      }
      const [row] = await knex.raw('SELECT sqlite_version() AS version');
      return { version: row.version };
    },

    /** P1/L0/L1 write stage `published` (and the two-field run views + 1): back to `review` and 0 (not timed by the parent). */
    async 'reset-stage'() {
      const changed = await knex(table).where(col('stage'), 'published').whereNull(col('publishedAt')).update({ [col('stage')]: 'review', [col('views')]: 0 });
      return { changed };
    },

    /** How many rows the last P1/L0/L1 changed, and their views (a sanity check of every measurement). */
    async 'count-changed'() {
      const [{ n, v }] = await knex(table).where(col('stage'), 'published').whereNull(col('publishedAt')).count({ n: '*' }).sum({ v: col('views') });
      return { changed: Number(n), views: Number(v ?? 0) };
    },

    async 'bench-tag'() {
      return { documentId: benchTag.documentId, rowId: Number(benchTag.id), linkTable: tagLinks.name };
    },

    /**
     * T0, hand-written: one INSERT … SELECT linking every matching draft to the tag, with the order
     * columns Strapi keeps (the tag after the article's current tags; the articles after the tag's
     * current ones), skipping the drafts already linked.
     */
    async 'link-tag'({ featuredOnly = false }) {
      const J: string = tagLinks.joinColumn.name;
      const I: string = tagLinks.inverseJoinColumn.name;
      const O: string = tagLinks.orderColumnName;
      const IO: string = tagLinks.inverseOrderColumnName;
      const started = performance.now();
      const select = matching(
        knex({ a: table }).select(
          'a.id',
          knex.raw('CAST(? AS INTEGER)', [benchTag.id]),
          knex.raw('COALESCE((SELECT MAX(l.??) FROM ?? l WHERE l.?? = a.id), 0) + 1', [O, tagLinks.name, J]),
          knex.raw('COALESCE((SELECT MAX(l.??) FROM ?? l WHERE l.?? = ?), 0) + ROW_NUMBER() OVER (ORDER BY a.id)', [IO, tagLinks.name, I, benchTag.id])
        ),
        featuredOnly,
        'a.'
      ).whereNotExists((e: any) => e.select(knex.raw('1')).from({ x: tagLinks.name }).whereRaw('x.?? = a.id', [J]).where(`x.${I}`, benchTag.id));
      await knex.into(knex.raw('?? (??, ??, ??, ??)', [tagLinks.name, J, I, O, IO])).insert(select);
      const took = ms(started);
      const { tagged } = await commands['count-tagged']({ featuredOnly });
      return { ms: round(took), linked: tagged };
    },

    async 'count-tagged'({ featuredOnly = false }) {
      const [{ n }] = await knex(tagLinks.name)
        .where(tagLinks.inverseJoinColumn.name, benchTag.id)
        .whereIn(tagLinks.joinColumn.name, matching(knex({ a: table }).select('a.id'), featuredOnly, 'a.'))
        .count({ n: '*' });
      return { tagged: Number(n) };
    },

    async 'reset-tag'() {
      const removed = await knex(tagLinks.name).where(tagLinks.inverseJoinColumn.name, benchTag.id).delete();
      // PostgreSQL: without this, the next `MAX(tag_ord) … WHERE article_id = a.id` is planned as a
      // backward scan of the tag_ord index over the dead rows just deleted, once per article: T0 ran
      // for minutes. Autovacuum would get there on its own, later; the bench must not wait for it.
      if (strapi.db.dialect.client === 'postgres') await knex.raw('VACUUM ANALYZE ??', [tagLinks.name]);
      return { removed };
    },

    async 'reset-undo'() {
      const removed = await knex((strapi.db.metadata.get(RUN_UNDO as any) as any).tableName).delete();
      return { removed };
    },

    async 'matching-ids'() {
      const rows = await matching(knex(table).select(col('documentId')), false).orderBy('id');
      return { documentIds: rows.map((row: any) => row[col('documentId')] as string) };
    },

    /**
     * F0, what a developer would write for the changes of a file once its changed keys are known:
     * UPDATE … SET stage, updated_at, updated_by WHERE document_id IN (500 ids), chunk by chunk.
     */
    async 'file-baseline'({ documentIds }) {
      const started = performance.now();
      let changed = 0;
      for (let i = 0; i < documentIds.length; i += L1_CHUNK) {
        changed += await knex(table)
          .whereIn(col('documentId'), documentIds.slice(i, i + L1_CHUNK))
          .where(col('locale'), 'en')
          .whereNull(col('publishedAt'))
          .update(change());
      }
      return { ms: round(ms(started)), changed };
    },

    /** L0, the limit: one UPDATE of every matching row. */
    async l0({ featuredOnly = false }) {
      const started = performance.now();
      const changed = await matching(knex(table), featuredOnly).update(change());
      return { ms: round(ms(started)), changed };
    },

    /** L1, hand-written: read the matching documentIds, then UPDATE ... WHERE document_id IN (500 ids), chunk by chunk. */
    async l1({ featuredOnly = false }) {
      const started = performance.now();
      const ids: string[] = (await matching(knex(table).select(col('documentId')), featuredOnly).orderBy('id')).map(
        (row: any) => row[col('documentId')]
      );
      const selectMs = ms(started);
      let changed = 0;
      for (let i = 0; i < ids.length; i += L1_CHUNK) {
        changed += await knex(table)
          .whereIn(col('documentId'), ids.slice(i, i + L1_CHUNK))
          .where(col('locale'), 'en')
          .whereNull(col('publishedAt'))
          .update(change());
      }
      return { ms: round(ms(started)), selectMs: round(selectMs), changed };
    },

    /** S2: a plain Document Service update loop, the same change as the fixture `bump-views-documents`. */
    async s2({ documentIds }) {
      const started = performance.now();
      for (const documentId of documentIds as string[]) {
        await strapi.documents(ARTICLE).update({ documentId, locale: 'en', data: { views: 1 } as any });
      }
      return { ms: round(ms(started)) };
    },

    /** Sum of `views` over the draft rows of these documents (P2/S2 each add 1 per document). */
    async 'sum-views'({ documentIds }) {
      let total = 0;
      for (let i = 0; i < documentIds.length; i += 500) {
        const [{ s }] = await knex(table).whereIn(col('documentId'), documentIds.slice(i, i + 500)).whereNull(col('publishedAt')).sum({ s: col('views') });
        total += Number(s ?? 0);
      }
      return { views: total };
    },

    async 'reset-views'({ documentIds }) {
      for (let i = 0; i < documentIds.length; i += 500) {
        await knex(table).whereIn(col('documentId'), documentIds.slice(i, i + 500)).update({ [col('views')]: 0 });
      }
      return {};
    },

    /** How many of these documents have a published row. */
    async 'count-published'({ documentIds }) {
      let published = 0;
      for (let i = 0; i < documentIds.length; i += 500) {
        const [{ n }] = await knex(table).whereIn(col('documentId'), documentIds.slice(i, i + 500)).whereNotNull(col('publishedAt')).count({ n: '*' });
        published += Number(n);
      }
      return { published };
    },

    /** Back to drafts only: deletes the published rows of these documents and their relation rows. */
    async unpublish({ documentIds }) {
      await knex.transaction(async (trx: any) => {
        for (let i = 0; i < documentIds.length; i += 500) {
          const rows = trx(table).select('id').whereIn(col('documentId'), documentIds.slice(i, i + 500)).whereNotNull(col('publishedAt'));
          await trx(categoryJoin.name).whereIn(categoryJoin.joinColumn.name, rows.clone()).delete();
          await trx(table).whereIn('id', rows.clone()).delete();
        }
      });
      return {};
    },

    /**
     * B4: the same CSV as `export-csv` writes with its default fields (documentId, locale, every
     * readable scalar, the category's and the tags' documentIds), by hand: knex keyset pages of 1,000
     * rows joined to the category, one query a page for the tags, papaparse, a file. Its bytes are
     * compared with P4's download (see measures.ts), so the two always do the same work.
     */
    async b4({ featuredOnly = false, file }) {
      const started = performance.now();
      const out = fs.createWriteStream(file);
      const write = (text: string) => (out.write(text) ? undefined : new Promise<void>((resolve) => out.once('drain', () => resolve())));
      const fields = ['title', 'body', 'stage', 'views', 'featured', 'rating', 'releaseDate'];
      const tagMeta = strapi.db.metadata.get(TAG) as any;
      const tagTable: string = tagMeta.tableName;
      const tagDocumentId: string = tagMeta.attributes.documentId.columnName ?? 'document_id';
      await write(Papa.unparse([['documentId', 'locale', ...fields, 'category', 'tags']], { newline: '\r\n' }) + '\r\n');
      let after = 0;
      let rows = 0;
      for (;;) {
        const page = await matching(
          knex(`${table} as a`)
            .leftJoin(`${categoryJoin.name} as l`, `l.${categoryJoin.joinColumn.name}`, 'a.id')
            .leftJoin(`${categoryTable} as c`, 'c.id', `l.${categoryJoin.inverseJoinColumn.name}`)
            .select('a.id', `a.${col('documentId')} as documentId`, `a.${col('locale')} as locale`, ...fields.map((f) => `a.${col(f)} as ${f}`), `c.${categoryDocumentId} as category`)
            .where('a.id', '>', after)
            .orderBy('a.id')
            .limit(B4_PAGE),
          featuredOnly,
          'a.'
        );
        if (!page.length) break;
        after = page[page.length - 1].id;
        rows += page.length;
        const tags = new Map<number, string[]>();
        const links = knex(`${tagLinks.name} as jt`)
          .join(`${tagTable} as t`, 't.id', `jt.${tagLinks.inverseJoinColumn.name}`)
          .select({ owner: `jt.${tagLinks.joinColumn.name}`, documentId: `t.${tagDocumentId}` })
          .whereIn(`jt.${tagLinks.joinColumn.name}`, page.map((row: any) => row.id));
        for (const [column, direction] of Object.entries(tagLinks.orderBy ?? {})) links.orderBy(`jt.${column}`, direction as 'asc' | 'desc');
        for (const link of await links.orderBy('jt.id')) {
          if (!tags.has(link.owner)) tags.set(link.owner, []);
          tags.get(link.owner)!.push(link.documentId);
        }
        const cells = page.map((row: any) => [
          row.documentId,
          row.locale,
          row.title,
          row.body,
          row.stage,
          row.views,
          row.featured === null ? null : Boolean(row.featured),
          row.rating,
          row.releaseDate,
          row.category ?? '',
          (tags.get(row.id) ?? []).join(', '),
        ]);
        await write(Papa.unparse(cells, { newline: '\r\n', escapeFormulae: true }) + '\r\n');
      }
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      const took = ms(started);
      // outside the time: what the file holds, for the comparison with P4's download
      const written = fs.readFileSync(file);
      return { ms: round(took), rows, bytes: written.length, sha256: crypto.createHash('sha256').update(written).digest('hex'), file };
    },

    /** Collects garbage, then makes VmHWM (peak RSS) start again from the current RSS. */
    async 'rss-reset'() {
      global.gc?.();
      await new Promise((resolve) => setTimeout(resolve, 50));
      global.gc?.();
      fs.writeFileSync('/proc/self/clear_refs', '5');
      return memory();
    },

    /** CPU time this process has used so far (user + system), in ms */
    async cpu() {
      const { user, system } = process.cpuUsage();
      return { ms: round((user + system) / 1000) };
    },

    async 'rss-peak'() {
      return memory();
    },

    async 'lag-start'() {
      lag?.disable();
      lag = monitorEventLoopDelay({ resolution: 10 });
      lag.enable();
      return {};
    },

    async 'lag-stop'() {
      if (!lag) throw new Error('lag-start first');
      lag.disable();
      const result = {
        p99Ms: round(lag.percentile(99) / 1e6),
        maxMs: round(lag.max / 1e6),
        meanMs: round(lag.mean / 1e6),
        samples: lag.count,
      };
      lag = null;
      return result;
    },

    /**
     * Waits until this process is idle (event-loop utilisation under 5% for 3 × 50 ms), so that work
     * a measurement left behind (e.g. the entry.publish events Strapi emits after a commit) does not
     * land in the next measurement. Returns how long it waited.
     */
    async idle() {
      const started = performance.now();
      for (let quiet = 0; quiet < 3 && performance.now() - started < 30_000; ) {
        const before = performance.eventLoopUtilization();
        await new Promise((resolve) => setTimeout(resolve, 50));
        quiet = performance.eventLoopUtilization(before).utilization < 0.05 ? quiet + 1 : 0;
      }
      return { waitedMs: round(Math.max(0, ms(started) - 150)) };
    },

    /** CPU profile of this process between profile-start and profile-stop (bench --cpu-prof). */
    async 'profile-start'() {
      profiler = new Session();
      profiler.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
      await post('Profiler.start');
      return {};
    },

    async 'profile-stop'({ file }) {
      if (!profiler) throw new Error('profile-start first');
      const { profile } = await post('Profiler.stop');
      profiler.disconnect();
      profiler = null;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(profile));
      return { file };
    },

    async stop() {
      setImmediate(() => void shutdown(0));
      return {};
    },
  };

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      await strapi.destroy();
    } finally {
      process.exit(code);
    }
  };
  // the parent went away (even killed): never outlive it
  process.on('disconnect', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));

  process.on('message', (message: Request) => {
    const command = Object.hasOwn(commands, message.cmd) ? (commands[message.cmd] as (args: Request) => Promise<unknown>) : null;
    if (!command) return send({ id: message.id, ok: false, error: `unknown command ${message.cmd}` });
    command(message).then(
      (result) => send({ id: message.id, ok: true, result }),
      (error: Error) => send({ id: message.id, ok: false, error: String(error.stack ?? error).slice(0, 3000) })
    );
  });

  send({
    type: 'ready',
    port: strapi.config.get('server.port'),
    admin: { email: seeded.users.admin.email, password },
    pollIntervalMs: (strapi.config.get('plugin::bulk-actions.jobs') as any).pollIntervalMs,
    client: strapi.db.dialect.client,
    strapiVersion: (strapi as any).config.get('info.strapi') ?? null,
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
