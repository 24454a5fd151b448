import * as React from 'react';
import { useListSelection } from '../hooks/useListSelection';
import { useT } from '../hooks/useT';
import type { BulkActionComponent } from '../types';

/**
 * Django's "Select all N": in the bulk bar, beside Strapi's "10 entries selected", once the whole page
 * is ticked and more entries match the list's filters, search and locale. Chosen, it says so, and the
 * next run (from "More actions") covers exactly those entries; a second click goes back to the page.
 */
export const SelectAllMatchingButton: BulkActionComponent = ({ model, collectionType }) => {
  const { t } = useT();
  const isCollectionType = collectionType !== 'single-types';
  const { allMatching, setAllMatching, pageFullySelected, matchingTotal, documentIds } = useListSelection(model, 'SelectAllMatchingButton');

  const onClick = React.useCallback(() => {
    setAllMatching(!allMatching);
    return true;
  }, [allMatching, setAllMatching]);

  const label = allMatching
    ? t('selection.bar.all-matching', 'All {count, plural, one {# matching entry} other {# matching entries}} selected · select only this page', {
        count: matchingTotal ?? 0,
      })
    : t('selection.select-all', 'Select all {count, plural, one {# matching entry} other {# matching entries}}', { count: matchingTotal ?? 0 });
  const description = React.useMemo(
    () => ({ label, variant: allMatching ? ('secondary' as const) : ('ghost' as const), onClick }),
    [label, allMatching, onClick]
  );

  if (!isCollectionType || !pageFullySelected || matchingTotal === undefined || matchingTotal <= documentIds.length) return null;
  return description;
};
