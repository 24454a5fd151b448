import type * as React from 'react';
import { Box, Field, Flex, TextInput, Typography } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import type { BulkActionFlow } from '../../hooks/useBulkActionFlow';
import { useT } from '../../hooks/useT';

/**
 * What the run will do, in words. A destructive run's own step also lists the first entries it takes
 * (as Django's delete confirmation does) and, over many entries, asks for the count to be typed.
 */
export const ConfirmBox = ({ confirm, listEntries = false }: { confirm: BulkActionFlow['confirm']; listEntries?: boolean }) => {
  const { t, formatNumber } = useT();
  const { destructive, message, needsTypedCount, typedCount, setTypedCount, count, revertible, sample } = confirm;
  const listed = listEntries ? sample.slice(0, count) : [];
  return (
    <Box
      padding={4}
      hasRadius
      background={destructive ? 'danger100' : 'primary100'}
      borderColor={destructive ? 'danger200' : 'primary200'}
      data-testid="bulk-actions-confirm"
    >
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Flex gap={2}>
          {destructive ? <WarningCircle fill="danger600" aria-hidden /> : null}
          <Typography variant="omega" fontWeight="semiBold" textColor={destructive ? 'danger700' : 'primary700'}>
            {message}
          </Typography>
        </Flex>
        {listed.length ? (
          <Box tag="ul" paddingLeft={5} data-testid="bulk-actions-confirm-entries" style={{ listStyle: 'disc' }}>
            {listed.map((entry) => (
              <li key={entry.documentId}>
                <Typography variant="omega">{entry.label}</Typography>
              </li>
            ))}
            {count > listed.length ? (
              <li>
                <Typography variant="omega" textColor="neutral600">
                  {t('confirm.more', 'and {count, plural, one {# more entry} other {# more entries}}', { count: count - listed.length })}
                </Typography>
              </li>
            ) : null}
          </Box>
        ) : null}
        <Typography variant="pi" textColor={destructive ? 'danger700' : 'primary700'} data-testid="bulk-actions-undo-note">
          {revertible
            ? t('confirm.revertible', 'You can undo this run from the audit log.')
            : t('confirm.not-revertible', 'This cannot be undone.')}
        </Typography>
        {needsTypedCount && listEntries ? (
          <Field.Root name="typed-count" required>
            <Field.Label>{t('confirm.type-count', 'Type {count} to confirm', { count: formatNumber(count) })}</Field.Label>
            <TextInput
              value={typedCount}
              autoComplete="off"
              inputMode="numeric"
              onChange={(event: React.ChangeEvent<HTMLInputElement>) => setTypedCount(event.target.value)}
            />
          </Field.Root>
        ) : null}
      </Flex>
    </Box>
  );
};
