import type { Core } from '@strapi/strapi';
import type { RunNote } from '../../contracts';
import type { ChunkTools, ChunkUndo, RowRange, RunContext, RunUser } from '../../types';
import { SKIP_REASONS } from '../../contracts';
import { ChunkLost, type ChunkRow, type EntryOutcome, type Outcomes } from './chunks';
import { outcomeOf } from './queue';
import type { OutputSink } from './outputs';
import { getService } from '../../utils/services';
import { getModel } from '../../utils/models';
import { BATCH, CHUNK_SIZE, DOCUMENT_GROUP, MAX_GROUP_ENTRIES } from '../../constants';
import { yieldToEventLoop } from '../../utils/event-loop';
import type { UserAbility } from '../access/permissions';
import type { DocumentVersions } from './undo';

/** Thrown inside a pass when the run was cancelled; the executor turns it into status `cancelled`. */
export class RunCancelled extends Error {
  constructor() {
    super('The run was cancelled');
    this.name = 'RunCancelled';
  }
}

/**
 * Thrown inside a pass when this worker must stop without settling the run: the instance shuts down
 * (the run is released to another worker), or another worker already took it over (`lost`).
 */
export class RunPaused extends Error {
  constructor(public lost = false) {
    super(lost ? 'Another worker took the run over' : 'The worker is shutting down');
    this.name = 'RunPaused';
  }
}

/**
 * The `run` object a handler receives. Every pass over the selection (updateAll, eachDocument,
 * eachChunk) claims the run's pending chunks one at a time, in order, each completed in its own
 * transaction that also records the chunk as done. Workers of other instances claim other chunks of
 * the same run meanwhile; a resumed run continues with the chunks nobody committed.
 */
export function createRunContext(args: {
  strapi: Core.Strapi;
  runId: number;
  /** the worker whose chunk claims this context makes */
  workerId: string;
  uid: string;
  locale: string | null;
  user: RunUser;
  params: Record<string, unknown>;
  count: number;
  scope: Record<string, unknown>;
  signal: AbortSignal;
  /** record what updateAll and eachDocument change, for undo */
  revertible?: boolean;
  /** checked between chunks */
  shouldStop: () => Promise<'cancel' | 'pause' | 'lost' | null>;
  output: OutputSink | null;
  /** the run's user as RBAC sees them now (read once, when a pass first needs it) */
  ability?: () => Promise<UserAbility | null>;
  /** the permission words of the action (per-locale checks) */
  permissions?: string[];
}) {
  const { strapi, runId, workerId, uid, locale, user, params, count, scope, signal, output } = args;
  const model = getModel(strapi, uid);
  const messages: RunNote[] = [];
  /** outcomes of the chunk being processed (skip/fail address entries of this chunk) */
  let current: { ids: Set<string>; outcomes: Outcomes } | null = null;
  /** what happened to each locale version of the chunk's entries (runs over every locale) */
  let localeNotes: Record<string, Record<string, string>> = {};
  let passes = 0;
  let abilityRead: Promise<UserAbility | null> | null = null;
  const ability = () => (abilityRead ??= args.ability ? args.ability() : Promise.resolve(null));

  /** An entry's locale notes join its outcome (an entry without an outcome is done). */
  const withLocales = (outcomes: Outcomes, documentId: string) => {
    const notes = Object.hasOwn(localeNotes, documentId) ? localeNotes[documentId] : undefined;
    if (!notes) return;
    const outcome = outcomeOf(outcomes, documentId);
    // done in some locale: the entry is done, whatever its outcome in the run's locale
    const done = Object.values(notes).includes('done') && !(outcome && 'failed' in outcome);
    outcomes[documentId] = { ...(done || !outcome ? { done: true as const } : outcome), locales: notes };
    delete localeNotes[documentId];
  };

  /** The id range of a group of consecutive chunks' rows, when each chunk knows its own. */
  const rangeOfGroup = (rows: ChunkRow[]): RowRange | null =>
    rows.every((row) => row.rowRange)
      ? { first: Math.min(...rows.map((row) => row.rowRange!.first)), last: Math.max(...rows.map((row) => row.rowRange!.last)) }
      : null;

  /** The documentIds of a group of chunks, in selection order. */
  const documentIdsOf = (rows: ChunkRow[]) => (rows.length === 1 ? rows[0].documentIds : rows.flatMap((row) => row.documentIds));

  /** The entries of these chunks still to work, in selection order: those without an outcome (from before a restart). */
  const entriesToWork = (rows: ChunkRow[], outcomes: Outcomes) => {
    const ids = documentIdsOf(rows);
    // a chunk nobody worked before has no outcomes: looking its 500 fresh strings up in an empty object cost 0.5 ms a chunk
    return Object.keys(outcomes).length ? ids.filter((id) => !outcomeOf(outcomes, id)) : ids.slice();
  };

  const record = (documentId: string, outcome: EntryOutcome) => {
    if (!current || !current.ids.has(documentId)) {
      throw new Error(`skip()/fail() must name an entry of the chunk being processed ("${documentId}" is not)`);
    }
    current.outcomes[documentId] = outcome;
  };

  /**
   * The one primitive: claim a chunk, work it, complete it, until none is left to claim.
   * `transactional`: the chunk's work, its output and its completion commit together (query mode,
   * eachChunk); `maxEntries` lets one call of `handle` take several consecutive chunks while they
   * are quick (see processBatch). Otherwise (documents mode) `handle` gets one chunk, entries commit
   * with their outcomes in groups (see eachDocument), and the chunk completes afterwards. Cancel
   * and shutdown are checked between calls.
   */
  const walk = async (handle: (rows: ChunkRow[], outcomes: Outcomes, trx?: any) => Promise<void>, transactional: boolean, maxEntries: number = CHUNK_SIZE.query) => {
    passes += 1;
    if (passes > 1) throw new Error('A handler makes one pass over the selection (updateAll, eachDocument or eachChunk)');
    const chunks = getService(strapi, 'chunks');
    const seen = new Set<number>();
    const group = { size: 1, max: Math.max(1, Math.floor(maxEntries / CHUNK_SIZE.query)) };
    for (;;) {
      await yieldToEventLoop();
      const stop = await args.shouldStop();
      if (stop === 'pause' || stop === 'lost') throw new RunPaused(stop === 'lost');
      if (stop === 'cancel' || signal.aborted) throw new RunCancelled();
      const row: ChunkRow | null = await chunks.claim(runId, workerId);
      // a chunk we could not complete comes back to us: leave it (the run is settled or taken over)
      if (!row || seen.has(row.id)) return;
      seen.add(row.id);
      const work = async (rows: ChunkRow[], trx?: any): Promise<Outcomes> => {
        const outcomes: Outcomes = Object.assign({}, ...rows.map((chunkRow) => chunkRow.outcomes ?? {}));
        current = { ids: new Set(documentIdsOf(rows)), outcomes };
        localeNotes = {};
        try {
          await handle(rows, outcomes, trx);
          for (const documentId of Object.keys(localeNotes)) withLocales(outcomes, documentId);
        } finally {
          current = null;
          localeNotes = {};
        }
        return outcomes;
      };
      if (transactional) {
        // query mode: the chunks that fit in BATCH.forMs share one transaction (see processBatch)
        const done = await chunks.processBatch(runId, row, workerId, (trx, rows) => work(rows, trx), { ...BATCH, group });
        for (const chunkRow of done) seen.add(chunkRow.id);
      } else {
        const outcomes = await work([row]);
        await chunks.process(runId, row, workerId, async () => outcomes);
      }
    }
  };

  const chunkUndo = (trx: any, position: number): ChunkUndo => {
    const undo = getService(strapi, 'undo');
    let recordings = 0;
    return {
      // a row a second call of the chunk names again (another locale's pass) keeps its first values
      async columns(where, attributes) {
        await undo.recordRows(trx, { runId, position, uid, where, attributes, again: recordings++ > 0 });
      },
      written: (attributes, options = {}) => undo.recordWritten(trx, { runId, position, uid, attributes, sameForEveryRow: options.sameForEveryRow === true }),
      async update(rowIds, data, attributes) {
        recordings += 1;
        await undo.recordUpdate(trx, { runId, position, uid, rows: rowIds, data, attributes });
      },
      updateWhere(where, data, attributes) {
        return undo.recordUpdate(trx, { runId, position, uid, rows: where, data, attributes, first: recordings++ === 0 });
      },
      links: (rowIds, relations) => undo.recordLinks(trx, { runId, position, uid, rowIds, fields: relations }),
      linksWritten: (relations) => undo.recordLinksWritten(trx, { runId, position, uid, fields: relations }),
      async drafts(documentIds) {
        const before = await undo.snapshotDrafts(uid, documentIds, locale);
        return async () => {
          if (before.size) await undo.recordDocuments({ runId, position, uid, locale, before });
        };
      },
    };
  };

  const tools = (trx: any, buffer: string[], position: number, rowRange: RowRange | null = null): ChunkTools => ({
    trx,
    rowRange,
    write(text: string) {
      if (!output) throw new Error('write() needs an action declared with `output`');
      buffer.push(text);
    },
    ...(args.revertible ? { undo: chunkUndo(trx, position) } : {}),
  });

  const context: RunContext = {
    uid: uid as any,
    locale,
    user,
    params,
    count,
    signal,
    strapi,

    async writeHeader(text: string) {
      if (!output) throw new Error('writeHeader() needs an action declared with `output`');
      await output.header(text);
    },

    async updateAll(data) {
      for (const name of Object.keys(data)) {
        const attribute = model.attributes[name];
        if (!attribute || ['relation', 'component', 'dynamiczone', 'media'].includes(attribute.type)) {
          throw new Error(`updateAll: "${name}" is not a scalar attribute of ${uid}`);
        }
      }
      const localized = Boolean(model.pluginOptions?.i18n?.localized);
      const perLocale: Record<string, unknown> = {};
      const shared: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(data)) {
        const isShared = localized && !getService(strapi, 'forms').isLocalizedAttribute(uid, model.attributes[name]);
        (isShared ? shared : perLocale)[name] = value;
      }
      const draftsOfEveryLocale = model.options?.draftAndPublish ? { publishedAt: { $null: true } } : {};
      const and = getService(strapi, 'selection').and;
      let changed = 0;

      const undo = getService(strapi, 'undo');
      const attributes = Object.keys(data);
      await walk(async (rows, outcomes, trx) => {
        const ids = entriesToWork(rows, outcomes);
        const { position } = rows[0];
        if (!ids.length) return;
        const stamp = { updatedAt: new Date(), updatedBy: user.id };
        const inChunk = { documentId: { $in: ids } };
        let updates = 0;
        const update = async (where: Record<string, unknown>, values: Record<string, unknown>) => {
          // undo: the rows' previous values, in the chunk's transaction, before they change
          if (args.revertible) await undo.recordRows(trx, { runId, position, uid, where, attributes, again: updates++ > 0 });
          await strapi.db.query(uid as any).updateMany({ where, data: { ...values, ...stamp } });
        };
        if (Object.keys(perLocale).length || !Object.keys(shared).length) await update(and(scope, inChunk), perLocale);
        // non-localized attributes hold one value per document: every locale's draft row gets it
        if (Object.keys(shared).length) await update(and(draftsOfEveryLocale, inChunk), shared);
        // one UPDATE of the handler's constant values: every row holds the same, recorded once
        if (args.revertible) await undo.recordWritten(trx, { runId, position, uid, attributes, sameForEveryRow: updates === 1 });
        changed += ids.length;
      // one UPDATE binds the call's ids once: as many chunks a call as any handler may take
      }, true, MAX_GROUP_ENTRIES);
      return changed;
    },

    async eachChunk(fn, options = {}) {
      const maxEntries = Math.max(CHUNK_SIZE.query, Math.min(options.maxEntries ?? CHUNK_SIZE.query, MAX_GROUP_ENTRIES));
      await walk(async (rows, outcomes, trx) => {
        const ids = entriesToWork(rows, outcomes);
        const buffer: string[] = [];
        // a group of chunks is one part of the output and one position of undo's records: its first chunk's
        const { position } = rows[0];
        if (ids.length) await fn(ids, tools(trx, buffer, position, rangeOfGroup(rows)));
        // the chunk's text reaches the output in the transaction that completes the chunk
        if (buffer.length && output) await output.chunk(position, buffer.join(''), trx);
      }, true, maxEntries);
    },

    async eachDocument(fn, options = {}) {
      const concurrency = Math.max(1, Math.min(options.concurrency ?? 1, 16));
      const localized = Boolean(model.pluginOptions?.i18n?.localized);
      const chunks = getService(strapi, 'chunks');
      const publishes = Boolean(options.publishes);
      // side by side: a group's entries are worked at once in its transaction (as the Content
      // Manager's bulk actions do: Strapi's publish, unpublish and delete go faster so), as many as
      // keep the transaction within DOCUMENT_GROUP.forMs, starting with a few. Not with entries in
      // transactions of their own (concurrency), nor for a type with relations to itself: two entries
      // of a group linked to each other would interleave Strapi's unlinking and relinking of their
      // published versions.
      const selfRelated = Object.values(model.attributes as Record<string, { type?: string; target?: string }>).some((attribute) => attribute.type === 'relation' && attribute.target === uid);
      const sideBySide = concurrency === 1 && !selfRelated ? Math.max(1, Math.min(options.sideBySide ?? 1, CHUNK_SIZE.documents)) : 1;

      await walk(async ([row], outcomes) => {
        // entries with an outcome were processed before a restart: never twice
        const ids = row.documentIds.filter((id) => !outcomeOf(outcomes, id));
        const documents =
          options.load === false
            ? ids.map((documentId) => ({ documentId }))
            : await strapi.documents(uid as any).findMany({
                filters: { documentId: { $in: ids } },
                ...(localized && locale ? { locale } : {}),
                ...(model.options?.draftAndPublish ? { status: 'draft' } : {}),
                ...(options.populate ? { populate: options.populate as any } : {}),
                limit: ids.length,
              });
        const byId = new Map(documents.map((document: any) => [document.documentId, document]));
        const queue = ids.filter((id) => {
          if (byId.has(id)) return true;
          outcomes[id] = { skipped: 'not-found' }; // deleted since the selection was frozen
          return false;
        });
        // every locale: each entry's locale versions the user may act on, checked for the whole chunk
        const access = options.locales && localized ? await context.localeAccess(queue) : null;
        let lost = false;
        const undo = getService(strapi, 'undo');
        /**
         * Undo of a run in one locale: a group reads its entries' versions in one go before they change
         * (about as many as the last group held) and records them in one go after.
         */
        let snapshotAhead = 4;
        /** One entry's work, in the transaction around it; its outcome goes into `pending` until that commits. */
        const workEntry = async (id: string, pending: Outcomes, groupUndo: { read: Map<string, DocumentVersions>; done: Map<string, DocumentVersions> }) => {
          if (access) {
            const versions = access.get(id) ?? [];
            const permitted = versions.filter((version) => version.permitted).map((version) => version.locale);
            for (const version of versions) if (!version.permitted) context.countLocale(id, version.locale, SKIP_REASONS.forbidden);
            // undo: each permitted locale's versions before `fn`; kept for the locales `fn` did
            const before = args.revertible ? await undo.snapshotLocales(uid, id, permitted) : null;
            await fn({ ...(byId.get(id) as any), locales: permitted });
            const notes = (Object.hasOwn(localeNotes, id) ? localeNotes[id] : undefined) ?? {};
            const done = permitted.filter((code) => notes[code] === 'done');
            if (before && done.length) {
              await undo.recordLocales({ runId, position: row.position, uid, documentId: id, before: Object.fromEntries(done.map((code) => [code, before[code]])) });
            }
            if (!outcomeOf(outcomes, id) && !done.length) {
              // nothing done in any locale: the entry is skipped, for the first reason a locale gave
              const reasons = Object.values(notes);
              pending[id] = { skipped: reasons.find((reason) => reason !== SKIP_REASONS.forbidden) ?? reasons[0] ?? SKIP_REASONS.notFound };
            }
          } else {
            // undo: the document's versions before `fn`, recorded with what the group's calls left
            const before = args.revertible ? (groupUndo.read.get(id) ?? (await undo.snapshot(uid, id, locale, { publishes }))) : null;
            await fn(byId.get(id) as any);
            if (before) groupUndo.done.set(id, before);
          }
          // a skip() or fail() by `fn` stands; otherwise the entry is done
          pending[id] = outcomeOf(outcomes, id) ?? outcomeOf(pending, id) ?? { done: true };
          withLocales(pending, id);
        };
        /** Forgets what a rolled-back group of entries did: they go back to having no outcome. */
        const forget = (group: string[]) => {
          for (const id of group) {
            delete outcomes[id];
            delete localeNotes[id];
          }
        };
        // Entries share a transaction while it is younger than DOCUMENT_GROUP.forMs: their changes and
        // outcomes commit together (a restart never repeats them, nor does a worker that took the chunk
        // over: the chunk row is checked and locked first). When an entry throws, the whole group rolls
        // back and its entries are worked again one per transaction, so the failing one fails alone.
        // Not savepoints: Strapi sends entry events and content-history versions on the commit of the
        // outermost transaction, and a savepoint rolled back would still send the failed entry's.
        // Several entries at once (concurrency > 1) each take their own transaction, as one connection
        // cannot interleave them.
        const groupedEntries = concurrency === 1;
        let width = Math.min(4, sideBySide);
        let alone = 0;
        const worker = async () => {
          while (queue.length && !lost && !signal.aborted) {
            await yieldToEventLoop();
            // taken before the transaction waits for its connection: workers side by side share the queue
            const first = queue.shift();
            if (first === undefined) return;
            const group: string[] = [first];
            const pending: Outcomes = {};
            try {
              await strapi.db.transaction(async ({ trx }) => {
                // a group first locks its chunk row (a takeover waits for the group); entries worked
                // side by side do not, or they would wait for each other: their outcome's write checks the claim
                if (groupedEntries && !(await chunks.queue.lockOwnChunk(trx, row.id, workerId))) throw new ChunkLost();
                const started = Date.now();
                const single = !groupedEntries || alone > 0;
                const together = !single && sideBySide > 1;
                if (together) while (queue.length && group.length < width) group.push(queue.shift()!);
                const groupUndo = {
                  // the group's entries side by side, or about as many as the last group held (a populated
                  // read costs the same for one or several)
                  read: args.revertible && !access && !single ? await undo.snapshotDocuments(uid, together ? group : [first, ...queue.slice(0, snapshotAhead - 1)], locale, { publishes }) : new Map(),
                  done: new Map<string, DocumentVersions>(),
                };
                if (together) {
                  // every entry ends before the group commits or rolls back: none runs on after its transaction
                  const settled = await Promise.allSettled(group.map((id) => workEntry(id, pending, groupUndo)));
                  const rejected = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
                  if (rejected) throw rejected.reason;
                  const took = Date.now() - started;
                  width = took < DOCUMENT_GROUP.forMs ? Math.min(width * 2, sideBySide) : took > 2 * DOCUMENT_GROUP.forMs ? Math.max(1, Math.floor(width / 2)) : width;
                } else {
                  await workEntry(first, pending, groupUndo);
                  while (!single && queue.length && !signal.aborted && Date.now() - started < DOCUMENT_GROUP.forMs) {
                    const id = queue.shift()!;
                    group.push(id);
                    await yieldToEventLoop();
                    await workEntry(id, pending, groupUndo);
                  }
                }
                if (groupUndo.done.size) await undo.recordDocuments({ runId, position: row.position, uid, locale, before: groupUndo.done });
                await chunks.saveOutcomes(row.id, workerId, { ...outcomes, ...pending }, trx);
              });
              Object.assign(outcomes, pending);
              if (alone > 0) alone -= 1;
              else snapshotAhead = Math.min(CHUNK_SIZE.documents, group.length + 1);
            } catch (error) {
              forget(group);
              if (error instanceof ChunkLost) {
                lost = true; // the chunk is someone else's now: its completion below applies nothing
                return;
              }
              if (group.length > 1) {
                // again, one entry per transaction
                queue.unshift(...group);
                alone = group.length;
                continue;
              }
              if (alone > 0) alone -= 1;
              outcomes[group[0]] = { failed: (error as Error)?.message || String(error) };
              await chunks.saveOutcomes(row.id, workerId, outcomes).catch((saveError: Error) => {
                if (!(saveError instanceof ChunkLost)) throw saveError;
                lost = true;
              });
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
      }, false);
    },

    skip(documentId, reason) {
      record(documentId, { skipped: reason });
    },

    async localeAccess(documentIds, options = {}) {
      return getService(strapi, 'permissions').localeAccess(await ability(), uid, options.permissions ?? args.permissions ?? [], documentIds, options.recorded);
    },

    countLocale(documentId, code, outcome) {
      if (!current || !current.ids.has(documentId)) {
        throw new Error(`countLocale() must name an entry of the chunk being processed ("${documentId}" is not)`);
      }
      (localeNotes[documentId] ??= {})[code] = outcome;
    },

    fail(documentId, reason) {
      record(documentId, { failed: reason });
    },

    message(text, level = 'info') {
      messages.push(typeof text === 'string' ? { level, text } : { level, text: text.text, id: text.id, values: text.values });
    },
  };

  return { context, messages };
}
