import type { Core } from '@strapi/strapi';
import { buildPublicationFilterWhere, errors } from '@strapi/utils';
import type { PluginConfig } from '../../config';
import { CREATOR_FIELDS, FilterError, validateFilters, type GetSchema } from '../../utils/filters';
import { SKIP_REASONS, type Selection } from '../../contracts';
import type { BulkActionDefinition } from '../../types';
import type { UserAbility } from './permissions';
import { getService } from '../../utils/services';
import { chunk } from '../../utils/arrays';
import { ID_CHUNK } from '../../constants';
import { columnName, getModel, hasDraftAndPublish, isLocalized } from '../../utils/models';
import { yieldToEventLoop } from '../../utils/event-loop';

type Where = Record<string, unknown>;

/** Rows per read of a selection's documentIds. */
const SELECTION_PAGE = 10_000;

/** How many skipped entries the preview names. */
const SKIPPED_LISTED = 10;

/** The list's Status filter values, as the Content Manager maps them onto rows (see splitListStatus). */
const LIST_STATUSES = {
  draft: { status: 'draft', mode: 'never-published' },
  published: { status: 'published', mode: null },
  'published-modified': { status: 'draft', mode: 'modified' },
  'published-unmodified': { status: 'draft', mode: 'unmodified' },
} as const;

/** A copy of a (validated) filter without its createdBy/updatedBy terms, dropping what they leave empty. */
const withoutCreatorTerms = (where: Where): Where => {
  const out: Where = {};
  for (const [key, value] of Object.entries(where)) {
    if (CREATOR_FIELDS.has(key)) continue;
    if ((key === '$and' || key === '$or') && Array.isArray(value)) {
      const terms = value.map((term) => withoutCreatorTerms(term as Where)).filter((term) => Object.keys(term).length);
      if (terms.length) out[key] = terms;
    } else if (key === '$not' && value && typeof value === 'object') {
      const term = withoutCreatorTerms(value as Where);
      if (Object.keys(term).length) out[key] = term;
    } else out[key] = value;
  }
  return out;
};

type ListStatus = (typeof LIST_STATUSES)[keyof typeof LIST_STATUSES];

/** A 400 about one place of the request's filters, in the format every other body error uses. */
const filterError = (filterPath: string[], message: string) => {
  const path = ['body', 'selection', 'query', 'filters', ...filterPath];
  return new errors.ValidationError(`${path.join('.')}: ${message}`, { errors: [{ path, message, name: 'ValidationError' }] });
};


const isEmpty = (where: Where) => Object.keys(where).length === 0;
/** Two where clauses built by the same transform from the same conditions serialise identically. */
const sameWhere = (a: Where, b: Where) => JSON.stringify(a) === JSON.stringify(b);

/** The selection as it stands when resolved: what was asked, what may be acted on, and why not the rest. */
export interface ResolvedSelection {
  kind: 'documentIds' | 'query';
  /** entries requested (ids sent, or entries matching the list's filters that the user can see) */
  total: number;
  /** documentIds the run may act on, in table order */
  permittedIds: string[];
  /** beside permittedIds, their rows' ids when the selection was read in the run's scope (see chunks.freeze) */
  rowIds?: number[];
  /** counts per reason */
  skipped: Record<string, number>;
  /** the first skipped entries, for the preview to name (not kept with the run) */
  skippedIds?: Array<{ documentId: string; reason: string }>;
  /** which rows of a document this run means: locale and draft/published */
  scope: Where;
}

/**
 * Turns a request's selection into the frozen set of documents a run may touch:
 * ids that do not exist are `not-found`, records the RBAC conditions exclude are `forbidden`.
 */
const createSelectionService = ({ strapi }: { strapi: Core.Strapi }) => {
  const permissions = () => getService(strapi, 'permissions');

  /** The rows of each document a run acts on: the draft (or published) row of one locale. */
  const rowScope = (uid: string, locale: string | null, status: 'draft' | 'published' = 'draft'): Where => {
    const scope: Where = {};
    const model = getModel(strapi, uid);
    if (locale && isLocalized(model)) scope.locale = locale;
    if (hasDraftAndPublish(model)) {
      scope.publishedAt = status === 'published' ? { $notNull: true } : { $null: true };
    }
    return scope;
  };

  const and = (...parts: Array<Where | null | undefined>): Where => {
    const kept = parts.filter((part): part is Where => Boolean(part && Object.keys(part).length));
    return kept.length === 0 ? {} : kept.length === 1 ? kept[0] : { $and: kept };
  };

  /**
   * The documentIds of the rows matching `where` (and the list's search), in table order. The Query
   * Engine builds each query (filters, search, the ambient transaction) but its rows are read raw, a
   * page at a time with a turn of the event loop between pages: a selection of 100,000 neither
   * becomes 100,000 entity objects nor holds the event loop for one long read. `rowIds` (when given)
   * gets each documentId's row id alongside.
   */
  const documentIdsWhere = async (uid: string, where: Where, search?: string, rowIds?: number[]): Promise<string[]> => {
    const documentIdColumn = columnName(strapi, uid, 'documentId');
    const seen = new Set<string>();
    const found: string[] = [];
    for (let after = 0; ; ) {
      const rows: Array<Record<string, unknown>> = await strapi.db
        .queryBuilder(uid as any)
        .init({ select: ['id', 'documentId'], where: and(where, after ? { id: { $gt: after } } : null), ...(search ? { _q: search } : {}), orderBy: { id: 'asc' }, limit: SELECTION_PAGE })
        .execute({ mapResults: false });
      for (const row of rows) {
        const documentId = String(row[documentIdColumn]);
        if (seen.has(documentId)) continue;
        seen.add(documentId);
        found.push(documentId);
        rowIds?.push(Number(row.id));
      }
      if (rows.length < SELECTION_PAGE) return found;
      after = Number(rows[rows.length - 1].id);
      await yieldToEventLoop();
    }
  };

  const inChunks = async (uid: string, ids: string[], where: Where) => {
    const found: string[] = [];
    for (const ids_ of chunk(ids, ID_CHUNK)) {
      found.push(...(await documentIdsWhere(uid, and(where, { documentId: { $in: ids_ } }))));
    }
    return found;
  };

  /**
   * Refuses a filter with anything the list view could not have sent (an unknown field or operator,
   * a value of the wrong type) or past the configured bounds: 400 naming its path, before any query.
   */
  const assertValidFilters = (ability: UserAbility, uid: string, filters: unknown) => {
    const limits = strapi.config.get(`plugin::bulk-actions.filters`) as PluginConfig['filters'];
    const getSchema: GetSchema = (modelUid) => strapi.getModel(modelUid as any) as any;
    try {
      // the list offers creator filters only to those who may read admin users
      validateFilters(filters, uid, getSchema, limits, { creatorFields: ability.can('admin::users.read') });
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      throw filterError(error.path, error.message);
    }
  };

  /**
   * The list's Status filter (`$and: [{ __status: { $eq: 'draft' } }]`) is not an attribute: the
   * Content Manager takes it out of the filters and turns it into a publication filter. Done the
   * same way here, so "all matching" means what the list shows; an unknown status is a 400.
   */
  const splitListStatus = (filters: Where | undefined): { filters: Where | undefined; publication: ListStatus | null } => {
    const terms = filters?.$and;
    if (!filters || !Array.isArray(terms)) return { filters, publication: null };
    let publication: ListStatus | null = null;
    const rest: unknown[] = [];
    terms.forEach((term, i) => {
      if (!term || typeof term !== 'object' || !Object.hasOwn(term, '__status')) return rest.push(term);
      const value = (term as { __status?: { $eq?: unknown } }).__status?.$eq;
      if (typeof value !== 'string' || !Object.hasOwn(LIST_STATUSES, value)) {
        throw filterError(['$and', String(i), '__status', '$eq'], `must be one of ${Object.keys(LIST_STATUSES).join(', ')}`);
      }
      publication = LIST_STATUSES[value as keyof typeof LIST_STATUSES];
    });
    const { $and: _terms, ...others } = filters;
    const remaining = rest.length ? { ...others, $and: rest } : others;
    return { filters: Object.keys(remaining).length ? remaining : undefined, publication };
  };

  return {
    rowScope,
    and,

    async resolve(args: {
      ability: UserAbility;
      uid: string;
      definition: BulkActionDefinition;
      selection: Selection;
      locale: string | null;
    }): Promise<ResolvedSelection> {
      const { ability, uid, definition, selection, locale } = args;
      const permitted = permissions().actionWhere(ability, uid, definition);
      const skipped: Record<string, number> = {};
      const skippedIds: Array<{ documentId: string; reason: string }> = [];
      const addSkipped = (ids: string[], reason: string) => {
        if (ids.length) skipped[reason] = (skipped[reason] ?? 0) + ids.length;
        for (const documentId of ids.slice(0, Math.max(0, SKIPPED_LISTED - skippedIds.length))) skippedIds.push({ documentId, reason });
      };

      if ('documentIds' in selection) {
        const scope = rowScope(uid, locale);
        const requested = [...new Set(selection.documentIds)];
        const existing = await inChunks(uid, requested, scope);
        const existingSet = new Set(existing);
        // no RBAC condition: every existing entry is permitted, without reading them a second time
        const allowed =
          permitted === null ? [] : isEmpty(permitted) ? existing : await inChunks(uid, existing, and(scope, permitted));
        const allowedSet = new Set(allowed);
        addSkipped(requested.filter((id) => !existingSet.has(id)), SKIP_REASONS.notFound);
        addSkipped(existing.filter((id) => !allowedSet.has(id)), SKIP_REASONS.forbidden);
        return { kind: 'documentIds', total: requested.length, permittedIds: allowed, skipped, skippedIds, scope };
      }

      // "Every entry matching the list's filters and search": what the list would show this user.
      const { _q } = selection.query;
      const { filters, publication } = splitListStatus(selection.query.filters);
      if (filters !== undefined) assertValidFilters(ability, uid, filters);
      // creator terms were checked above; the Content Manager's validator knows no creator fields
      await permissions().validateListQuery(ability, uid, { filters: filters && withoutCreatorTerms(filters), _q });
      const status = publication?.status ?? selection.query.status ?? 'draft';
      const listScope = and(
        rowScope(uid, locale, status),
        publication?.mode
          ? buildPublicationFilterWhere(strapi.db.connection, strapi.db.metadata.get(uid), strapi.getModel(uid as any), publication.mode, status)
          : null
      );
      const filtersWhere = filters ? strapi.get('query-params').transform(uid, { filters }).where : undefined;
      const readable = permissions().readWhere(ability, uid);
      // the rows read are the run's own, one a document, when the list showed drafts (or the type has
      // only drafts) in one locale: their ids go with the chunks
      const model = getModel(strapi, uid);
      const runRows = (status === 'draft' || !hasDraftAndPublish(model)) && (Boolean(locale) || !isLocalized(model));
      const matchingRowIds: number[] | undefined = runRows ? [] : undefined;
      const matching = readable === null ? [] : await documentIdsWhere(uid, and(listScope, filtersWhere, readable), _q, matchingRowIds);
      // `permitted` includes the read conditions: when it adds nothing to them (e.g. no conditions at
      // all), the permitted entries are the matching ones, and a second scan of the table is not needed
      const addsNothing = readable !== null && permitted !== null && (isEmpty(permitted) || sameWhere(permitted, readable));
      const allowedRowIds: number[] | undefined = runRows ? [] : undefined;
      const allowed =
        permitted === null
          ? []
          : addsNothing
            ? matching
            : await documentIdsWhere(uid, and(listScope, filtersWhere, readable, permitted), _q, allowedRowIds);
      if (allowed !== matching) {
        const allowedSet = new Set(allowed);
        addSkipped(matching.filter((id) => !allowedSet.has(id)), SKIP_REASONS.forbidden);
      }
      // The run itself acts on the draft rows, whichever status the list showed.
      const rowIds = allowed === matching ? matchingRowIds : allowedRowIds;
      return {
        kind: 'query', total: matching.length, permittedIds: allowed, skipped, skippedIds, scope: rowScope(uid, locale),
        ...(rowIds?.length === allowed.length ? { rowIds } : {}),
      };
    },

    /**
     * The entries a run recorded changes for, as an undo may act on them: existing entries by the
     * action's RBAC conditions, as any run; entries that no longer exist (the run deleted them) by
     * the create permission and the action's, their conditions evaluated on the recorded entry.
     */
    async resolveRecorded(args: {
      ability: UserAbility;
      uid: string;
      definition: BulkActionDefinition;
      documentIds: string[];
      locale: string | null;
      /** the recorded entries of these (deleted) documents, as the permission conditions see an entry */
      recorded: (documentIds: string[]) => Promise<Map<string, Record<string, unknown>>>;
    }): Promise<ResolvedSelection> {
      const { ability, uid, definition, documentIds, locale } = args;
      const scope = rowScope(uid, locale);
      const existing = new Set(await inChunks(uid, documentIds, scope));
      const permitted = permissions().actionWhere(ability, uid, definition);
      const allowedExisting =
        permitted === null ? [] : isEmpty(permitted) ? [...existing] : await inChunks(uid, [...existing], and(scope, permitted));
      const missing = documentIds.filter((id) => !existing.has(id));
      const entities = missing.length && permitted !== null ? await args.recorded(missing) : new Map<string, Record<string, unknown>>();
      const words = ['read', 'create', ...definition.permissions];
      const recreatable = missing.filter((id) => {
        const entity = entities.get(id);
        return entity !== undefined && permissions().canOnEntity(ability, uid, words, entity);
      });
      const allowed = new Set([...allowedExisting, ...recreatable]);
      const forbidden = documentIds.filter((id) => !allowed.has(id)).length;
      return {
        kind: 'documentIds',
        total: documentIds.length,
        // recording order (chunk after chunk of the original run)
        permittedIds: documentIds.filter((id) => allowed.has(id)),
        skipped: forbidden ? { [SKIP_REASONS.forbidden]: forbidden } : {},
        scope,
      };
    },

    /** Labels for the preview: the content type's main field (as configured in the Content Manager). */
    async sample(uid: string, ids: string[], scope: Where, size = 10) {
      const wanted = ids.slice(0, size);
      if (!wanted.length) return [];
      const labels = await this.labels(uid, wanted, scope);
      return wanted.map((documentId) => ({ documentId, label: labels.get(documentId) ?? documentId }));
    },

    /**
     * The main field of these entries, in one query, within `scope` (what the reader may read):
     * entries outside it, or gone, have no label.
     */
    async labels(uid: string, ids: string[], scope: Where, locale?: string | null): Promise<Map<string, string>> {
      const labels = new Map<string, string>();
      const mainField = await this.mainField(uid);
      if (!ids.length || !mainField) return labels;
      const localized = isLocalized(getModel(strapi, uid));
      const rows = await strapi.db.query(uid as any).findMany({
        select: ['documentId', mainField],
        where: and(scope, { documentId: { $in: ids } }, localized && locale ? { locale } : {}),
      });
      for (const row of rows as any[]) {
        if (row[mainField] != null && row[mainField] !== '' && !labels.has(row.documentId)) labels.set(row.documentId, String(row[mainField]));
      }
      return labels;
    },

    async mainField(uid: string): Promise<string | null> {
      const { attributes } = getModel(strapi, uid);
      try {
        const configuration = await strapi
          .plugin('content-manager')
          .service('content-types')
          .findConfiguration({ uid });
        const configured = configuration?.settings?.mainField;
        if (configured && configured !== 'id' && configured !== 'documentId' && attributes[configured]) return configured;
      } catch {
        // fall through to a guess
      }
      return (
        ['title', 'name', 'label'].find((name) => attributes[name]) ??
        Object.keys(attributes).find((name) => attributes[name].type === 'string') ??
        null
      );
    },
  };
};

export default createSelectionService;
export type SelectionService = ReturnType<typeof createSelectionService>;
