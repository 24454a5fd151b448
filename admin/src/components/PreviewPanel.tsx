import { Alert, Box, Flex, Loader, Typography } from '@strapi/design-system';
import type { PreviewResult } from '../../../server/src/contracts';
import { useRunFormat } from '../hooks/useRunFormat';
import { useT } from '../hooks/useT';

interface PreviewPanelProps {
  preview?: PreviewResult;
  isLoading: boolean;
  error?: { message: string; interrupted: boolean };
}

/** What the run will do, as the server previews it: counts, skip reasons and a sample of titles. */
export const PreviewPanel = ({ preview, isLoading, error }: PreviewPanelProps) => {
  const { t, formatNumber } = useT();
  const format = useRunFormat();

  if (isLoading) {
    return (
      <Box background="neutral100" hasRadius padding={4}>
        <Flex gap={2} aria-live="polite" aria-busy>
          <Loader small>{t('preview.loading', 'Checking the selection…')}</Loader>
          <Typography variant="omega" textColor="neutral600">
            {t('preview.loading', 'Checking the selection…')}
          </Typography>
        </Flex>
      </Box>
    );
  }

  if (error) {
    return (
      <Alert
        closeLabel={t('close', 'Close')}
        variant="danger"
        title={error.interrupted ? t('preview.interrupted', 'Stopped by the server') : t('preview.error', 'The preview failed')}
      >
        {error.message}
      </Alert>
    );
  }

  if (!preview) return null;

  const skippedEntries = Object.entries(preview.skipped).filter(([, n]) => n > 0);
  const more = preview.actionable - preview.sample.length;

  return (
    <Box background="neutral100" hasRadius padding={4} aria-live="polite" data-testid="bulk-actions-preview">
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Typography variant="omega" fontWeight="bold">
          {t('preview.will-change', 'Will act on {actionable} of {total, plural, one {# entry} other {# entries}}', {
            actionable: formatNumber(preview.actionable),
            total: preview.total,
          })}
        </Typography>
        {skippedEntries.map(([reason, n]) => (
          <Typography key={reason} variant="omega" textColor="warning600">
            {t('preview.will-skip', 'Will skip {count}: {reason}', { count: formatNumber(n), reason: format.reasonLabel(reason) })}
          </Typography>
        ))}
        {preview.sample.length > 0 ? (
          <Flex direction="column" alignItems="stretch" gap={1}>
            <Typography variant="sigma" textColor="neutral600">
              {t('preview.sample', 'Entries')}
            </Typography>
            <Box tag="ul" paddingLeft={4} style={{ listStyle: 'disc' }}>
              {preview.sample.map((entry) => (
                <li key={entry.documentId}>
                  <Typography variant="omega" textColor="neutral800">
                    {entry.label}
                  </Typography>
                </li>
              ))}
            </Box>
            {more > 0 ? (
              <Typography variant="pi" textColor="neutral600">
                {t('preview.more', 'and {count} more', { count: formatNumber(more) })}
              </Typography>
            ) : null}
          </Flex>
        ) : null}
      </Flex>
    </Box>
  );
};
