import type { SelectionQuery } from '../../../server/src/contracts';

/** The Content Manager list view's URL query (parsed by useQueryParams). */
export interface ListQuery {
  filters?: Record<string, unknown>;
  _q?: string;
  plugins?: { i18n?: { locale?: string } };
  [key: string]: unknown;
}

/** The list's locale (i18n), if any. */
export const localeOf = (query: ListQuery): string | undefined => {
  const locale = query.plugins?.i18n?.locale;
  return typeof locale === 'string' && locale ? locale : undefined;
};

/** "Every entry matching the list's filters and search", as the server's query selection. */
export const selectionQueryOf = (query: ListQuery): SelectionQuery => {
  const selection: SelectionQuery = {};
  if (query.filters && typeof query.filters === 'object' && Object.keys(query.filters).length) {
    selection.filters = query.filters;
  }
  if (typeof query._q === 'string' && query._q.trim()) selection._q = query._q;
  return selection;
};
