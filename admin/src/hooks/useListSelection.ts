import * as React from 'react';
import { useQueryParams, useTable } from '@strapi/strapi/admin';
import type { Selection } from '../../../server/src/contracts';
import { useGetBulkActionsInfoQuery, useGetBulkActionsQuery, usePreviewBulkActionQuery } from '../api';
import { useAllMatching } from '../store/matchingSelection';
import type { ListViewDocument } from '../types';
import { localeOf, selectionQueryOf, type ListQuery } from '../utils/selection';

/**
 * What the list view has selected: the ticked rows of the page, or (once chosen, in the bulk bar or
 * the modal) every entry matching the list's filters, search and locale. The bulk bar and the modal
 * read the same answer.
 */
export const useListSelection = (model: string, name: string) => {
  const actions = useGetBulkActionsQuery(model).data?.actions ?? [];
  const rows = useTable(name, (state) => state.rows) as ListViewDocument[];
  const selectedRows = useTable(name, (state) => state.selectedRows) as ListViewDocument[];
  // typed here: the table's own row type is not exported, and the declaration build cannot name it
  const selectRow = useTable(name, (state) => state.selectRow) as (row: ListViewDocument | ListViewDocument[]) => void;
  const [{ query }] = useQueryParams<ListQuery>();

  // the list keeps i18n's locale in its URL even for content types that are not localized
  const info = useGetBulkActionsInfoQuery();
  const localized = info.data?.contentTypes.find((contentType) => contentType.uid === model)?.localized ?? false;
  const locale = localized ? localeOf(query) : undefined;
  const documentIds = React.useMemo(() => selectedRows.map((row) => row.documentId), [selectedRows]);
  const selectionQuery = React.useMemo(() => selectionQueryOf(query), [query]);
  const pageFullySelected = rows.length > 0 && selectedRows.length === rows.length;

  const [allMatchingChosen, setAllMatching] = useAllMatching(`${model}?${JSON.stringify(selectionQuery)}&${locale ?? ''}`);
  // unticking a row (or a run clearing the selection) goes back to the ticked rows, for good
  const allMatching = allMatchingChosen && pageFullySelected;
  React.useEffect(() => {
    if (allMatchingChosen && !pageFullySelected) setAllMatching(false);
  }, [allMatchingChosen, pageFullySelected, setAllMatching]);

  // How many entries match (for "Select all N matching"): a preview over the query selection.
  const countAction = actions[0];
  const matching = usePreviewBulkActionQuery(
    { uid: model, name: countAction?.name ?? '', body: { selection: { query: selectionQuery }, ...(locale ? { locale } : {}) } },
    // counted again whenever asked: a run may have changed which entries match
    { skip: !countAction || !pageFullySelected || info.isLoading, refetchOnMountOrArgChange: true }
  );

  const selection: Selection = allMatching ? { query: selectionQuery } : { documentIds };
  return {
    selection,
    locale,
    infoLoading: info.isLoading,
    documentIds,
    selectRow,
    allMatching,
    setAllMatching,
    pageFullySelected,
    matchingTotal: matching.data?.total,
  };
};
