import type { Core } from '@strapi/strapi';
import type { RunFailure } from '../contracts';
import type { BulkActionDefinition, RunContext, RunUser } from '../types';
import { chunk } from './selection';
import type { ResolvedSelection } from './selection';

/** Rows per UPDATE and documents per load: small enough for every database's bind limits. */
export const WRITE_CHUNK = 500;
export const DOCUMENT_CHUNK = 100;

type Outcome = { kind: 'done' } | { kind: 'skipped'; reason: string } | { kind: 'failed'; reason: string };

export interface RunTally {
  /** actionable entries neither skipped nor failed by the handler */
  succeeded: number;
  failed: RunFailure[];
  skippedByHandler: Record<string, number>;
  messages: string[];
}

/**
 * The `run` object a handler receives, plus the tally of what happened to each entry.
 * Entries the handler does not mention count as done when it returns, as failed when it throws.
 */
export function createRunContext(args: {
  strapi: Core.Strapi;
  definition: BulkActionDefinition;
  uid: string;
  locale: string | null;
  user: RunUser;
  params: Record<string, unknown>;
  selection: ResolvedSelection;
  signal: AbortSignal;
}) {
  const { strapi, uid, locale, user, params, selection, signal } = args;
  const model = strapi.contentTypes[uid as keyof typeof strapi.contentTypes] as any;
  const outcomes = new Map<string, Outcome>();
  const messages: string[] = [];
  const selectionService = strapi.plugin('bulk-actions').service('selection');
  const forms = strapi.plugin('bulk-actions').service('forms');

  const pending = () => selection.permittedIds.filter((id) => !outcomes.has(id) || outcomes.get(id)!.kind === 'done');
  const throwIfAborted = () => {
    if (signal.aborted) throw new Error('The run was cancelled');
  };

  const checkWritable = (data: Record<string, unknown>) => {
    for (const name of Object.keys(data)) {
      const attribute = model.attributes[name];
      if (!attribute || ['relation', 'component', 'dynamiczone', 'media'].includes(attribute.type)) {
        throw new Error(`updateAll: "${name}" is not a scalar attribute of ${uid}`);
      }
    }
  };

  const context: RunContext = {
    uid: uid as any,
    locale,
    user,
    params,
    count: selection.permittedIds.length,
    signal,
    strapi,

    async updateAll(data) {
      checkWritable(data);
      const localized = Boolean(model.pluginOptions?.i18n?.localized);
      const perLocale: Record<string, unknown> = {};
      const shared: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(data)) {
        (localized && !forms.isLocalizedAttribute(uid, model.attributes[name]) ? shared : perLocale)[name] = value;
      }
      const ids = pending();
      const stamp = { updatedAt: new Date(), updatedBy: user.id };
      const draftsOfEveryLocale = model.options?.draftAndPublish ? { publishedAt: { $null: true } } : {};

      await strapi.db.transaction(async () => {
        for (const ids_ of chunk(ids, WRITE_CHUNK)) {
          throwIfAborted();
          const inChunk = { documentId: { $in: ids_ } };
          if (Object.keys(perLocale).length || !Object.keys(shared).length) {
            await strapi.db.query(uid as any).updateMany({
              where: selectionService.and(selection.scope, inChunk),
              data: { ...perLocale, ...stamp },
            });
          }
          if (Object.keys(shared).length) {
            // non-localized attributes are one value per document: every locale's draft row gets it
            await strapi.db.query(uid as any).updateMany({
              where: selectionService.and(draftsOfEveryLocale, inChunk),
              data: { ...shared, ...stamp },
            });
          }
        }
      });
      ids.forEach((id) => outcomes.set(id, { kind: 'done' }));
      return ids.length;
    },

    async eachChunk(fn) {
      for (const ids of chunk(pending(), WRITE_CHUNK)) {
        throwIfAborted();
        await fn(ids);
      }
    },

    async eachDocument(fn, options = {}) {
      const concurrency = Math.max(1, Math.min(options.concurrency ?? 1, 16));
      const localized = Boolean(model.pluginOptions?.i18n?.localized);
      for (const ids of chunk(pending(), DOCUMENT_CHUNK)) {
        throwIfAborted();
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
          outcomes.set(id, { kind: 'skipped', reason: 'not-found' }); // deleted since the selection was frozen
          return false;
        });
        const worker = async () => {
          for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
            if (signal.aborted) return;
            try {
              await fn(byId.get(id) as any);
              if (!outcomes.has(id)) outcomes.set(id, { kind: 'done' });
            } catch (error) {
              outcomes.set(id, { kind: 'failed', reason: (error as Error)?.message || String(error) });
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
      }
      throwIfAborted();
    },

    skip(documentId, reason) {
      outcomes.set(documentId, { kind: 'skipped', reason });
    },

    fail(documentId, reason) {
      outcomes.set(documentId, { kind: 'failed', reason });
    },

    message(text, level = 'info') {
      messages.push(level === 'info' ? text : `${level}: ${text}`);
    },
  };

  /** Final tally. `handlerError` set: entries without an outcome are failed with its message. */
  const tally = (handlerError?: Error): RunTally => {
    const failed: RunFailure[] = [];
    const skippedByHandler: Record<string, number> = {};
    let succeeded = 0;
    for (const documentId of selection.permittedIds) {
      const outcome = outcomes.get(documentId);
      if (!outcome) {
        if (handlerError) failed.push({ documentId, reason: handlerError.message });
        else succeeded += 1;
      } else if (outcome.kind === 'done') succeeded += 1;
      else if (outcome.kind === 'skipped') skippedByHandler[outcome.reason] = (skippedByHandler[outcome.reason] ?? 0) + 1;
      else failed.push({ documentId, reason: outcome.reason });
    }
    return { succeeded, failed, skippedByHandler, messages };
  };

  return { context, tally };
}
