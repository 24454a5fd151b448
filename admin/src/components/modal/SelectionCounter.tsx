import { Flex, TextButton, Typography } from '@strapi/design-system';
import type { BulkActionFlow } from '../../hooks/useBulkActionFlow';
import { useT } from '../../hooks/useT';

/** "3 entries selected · Select all 1,240 matching entries", and back. */
export const SelectionCounter = ({ selection }: { selection: BulkActionFlow['selection'] }) => {
  const { t } = useT();
  const { allMatching, setAllMatching, selectedCount, matchingTotal, pageFullySelected } = selection;
  return (
    <Flex gap={2} wrap="wrap" alignItems="baseline" data-testid="bulk-actions-selection">
      {allMatching ? (
        <>
          <Typography variant="omega" fontWeight="semiBold">
            {t('selection.all-matching', 'All {count, plural, one {# entry} other {# entries}} matching the list’s filters are selected', {
              count: matchingTotal ?? 0,
            })}
          </Typography>
          <TextButton onClick={() => setAllMatching(false)}>
            {t('selection.only-page', 'Select only the {count, plural, one {# entry} other {# entries}} of this page', {
              count: selectedCount,
            })}
          </TextButton>
        </>
      ) : (
        <>
          <Typography variant="omega" fontWeight="semiBold">
            {t('selection.count', '{count, plural, one {# entry} other {# entries}} selected', { count: selectedCount })}
          </Typography>
          {pageFullySelected && matchingTotal !== undefined && matchingTotal > selectedCount ? (
            <TextButton onClick={() => setAllMatching(true)}>
              {t('selection.select-all', 'Select all {count, plural, one {# matching entry} other {# matching entries}}', {
                count: matchingTotal,
              })}
            </TextButton>
          ) : null}
        </>
      )}
    </Flex>
  );
};
