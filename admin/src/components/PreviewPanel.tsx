import * as React from 'react';
import { Alert, Box, Button, Flex, Loader, Typography } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import type { PlannedField, PreviewPlan, PreviewResult } from '../../../server/src/contracts';
import { useRunFormat, type ActionReasons } from '../hooks/useRunFormat';
import { useT } from '../hooks/useT';
import { LocaleCounts, previewLocaleCounts } from './LocaleCounts';

interface PreviewPanelProps {
  preview?: PreviewResult;
  isLoading: boolean;
  error?: { message: string; interrupted: boolean };
  /** what the run would write with the form's values (actions that preview their plan) */
  plan?: { data?: PreviewPlan; isLoading: boolean; error?: string; download?: () => Promise<unknown> };
  /** the action's own skip reasons' texts */
  reasons?: ActionReasons;
  /** a run over every locale: the versions it would act on per locale, and those it may not */
  locales?: PreviewResult['locales'];
}

/** How many planned changes the panel lists (the server sends more for reports). */
const LISTED_CHANGES = 10;

/** A value as the editor reads it in a before → after line. */
const useShowValue = () => {
  const { t } = useT();
  return (value: unknown): string => {
    if (value === null || value === undefined || value === '') return t('preview.empty', 'empty');
    if (Array.isArray(value)) return value.length ? value.map(String).join(', ') : t('preview.none', 'none');
    if (typeof value === 'boolean') return value ? t('preview.true', 'true') : t('preview.false', 'false');
    if (typeof value === 'string') return `“${value}”`;
    return String(value);
  };
};

const FieldChange = ({ change }: { change: PlannedField }) => {
  const show = useShowValue();
  return (
    <Typography variant="pi" textColor="neutral700">
      {change.field}: <s>{show(change.before)}</s> → <strong>{show(change.after)}</strong>
    </Typography>
  );
};

/** The plan: how many entries change, how many already hold the result, and before → after for the first ones. */
const PlanSection = ({ plan, reasons }: { plan: NonNullable<PreviewPanelProps['plan']>; reasons?: ActionReasons }) => {
  const { t, formatNumber } = useT();
  const format = useRunFormat();
  if (plan.isLoading) {
    return (
      <Flex gap={2} aria-busy>
        <Loader small>{t('preview.plan.loading', 'Working out the changes…')}</Loader>
        <Typography variant="omega" textColor="neutral600">
          {t('preview.plan.loading', 'Working out the changes…')}
        </Typography>
      </Flex>
    );
  }
  if (plan.error) {
    return (
      <Typography variant="omega" textColor="danger600">
        {t('preview.plan.error', 'The changes cannot be previewed: {message}', { message: plan.error })}
      </Typography>
    );
  }
  if (!plan.data) return null;
  // the counts an action tallies: the built-ins' in the editor's language, a custom action's by its code
  const countText = (code: string, count: number) => {
    switch (code) {
      case 'published-entries':
        return t('preview.plan.count.published', '{count, plural, one {# entry is} other {# entries are}} published: the change goes to the draft, and the live version stays as it is until it is published again (shown as Modified).', { count });
      case 'published-entries-updated':
        return t(
          'preview.plan.count.published-updated',
          '{count, plural, one {# entry is} other {# entries are}} published: the change goes to the draft and to the live version, and {count, plural, one {it stays} other {they stay}} Published (entries already Modified stay Modified).',
          { count }
        );
      case 'rows-not-in-selection':
        return t('preview.plan.count.rows-not-in-selection', '{count, plural, one {# row} other {# rows}} of the file name no selected entry and will not be applied.', { count });
      case 'rows-of-another-locale':
        return t('preview.plan.count.rows-of-another-locale', '{count, plural, one {# row} other {# rows}} of the file belong to another locale and will not be applied.', { count });
      case 'duplicate-keys':
        return t('preview.plan.count.duplicate-keys', '{count, plural, one {# key is} other {# keys are}} named by several rows of the file: those entries are left alone.', { count });
      default:
        return `${code}: ${formatNumber(count)}`;
    }
  };
  const { willChange, skipped, changes, counts } = plan.data;
  return (
    <Flex direction="column" alignItems="stretch" gap={1} data-testid="bulk-actions-plan">
      <Typography variant="omega" fontWeight="bold">
        {t('preview.plan.will-change', 'Will change {count, plural, =0 {no entry} one {# entry} other {# entries}}', { count: willChange })}
      </Typography>
      {Object.entries(skipped).map(([reason, n]) => (
        <Typography key={reason} variant="omega" textColor={reason === 'unchanged' ? 'neutral600' : 'warning600'}>
          {reason === 'unchanged'
            ? t('preview.plan.unchanged', '{count, plural, one {# entry already holds} other {# entries already hold}} the result and will be left untouched', { count: n })
            : t('preview.will-skip', 'Will skip {count}: {reason}', { count: formatNumber(n), reason: format.reasonLabel(reason, reasons) })}
        </Typography>
      ))}
      {Object.entries(counts ?? {}).map(([code, n]) => (
        <Typography key={code} variant="omega" textColor={code === 'published-entries' ? 'warning600' : 'neutral600'} data-testid={`bulk-actions-plan-count-${code}`}>
          {countText(code, n)}
        </Typography>
      ))}
      {changes.length > 0 ? (
        <Box tag="ul" paddingLeft={4} style={{ listStyle: 'disc' }} aria-label={t('preview.plan.sample', 'Before → after')}>
          {changes.slice(0, LISTED_CHANGES).map((change) => (
            <li key={change.documentId}>
              <Flex direction="column" alignItems="flex-start">
                <Typography variant="omega" textColor="neutral800">
                  {change.label}
                </Typography>
                {change.fields.map((field) => (
                  <FieldChange key={field.field} change={field} />
                ))}
              </Flex>
            </li>
          ))}
        </Box>
      ) : null}
      {willChange > Math.min(changes.length, LISTED_CHANGES) ? (
        <Typography variant="pi" textColor="neutral600">
          {t('preview.more', 'and {count} more', { count: formatNumber(willChange - Math.min(changes.length, LISTED_CHANGES)) })}
        </Typography>
      ) : null}
      {plan.download ? <DryRunDownload download={plan.download} /> : null}
    </Flex>
  );
};

/** The full dry run (every entry's outcome, every planned change) as a CSV file; nothing changes. */
const DryRunDownload = ({ download }: { download: () => Promise<unknown> }) => {
  const { t } = useT();
  const [state, setState] = React.useState<'idle' | 'busy' | 'failed'>('idle');
  const save = async () => {
    setState('busy');
    try {
      await download();
      setState('idle');
    } catch {
      setState('failed');
    }
  };
  return (
    <Flex gap={2} paddingTop={1}>
      <Button variant="tertiary" size="S" startIcon={<Download />} loading={state === 'busy'} onClick={save}>
        {t('preview.plan.download', 'Download the full dry run (CSV)')}
      </Button>
      {state === 'failed' ? (
        <Typography variant="pi" textColor="danger600" role="alert">
          {t('preview.plan.download-failed', 'The dry run could not be downloaded.')}
        </Typography>
      ) : null}
    </Flex>
  );
};

/** What the run will do, as the server previews it: counts, skip reasons and a sample of titles. */
export const PreviewPanel = ({ preview, isLoading, error, plan, reasons, locales }: PreviewPanelProps) => {
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
            {t('preview.will-skip', 'Will skip {count}: {reason}', { count: formatNumber(n), reason: format.reasonLabel(reason, reasons) })}
          </Typography>
        ))}
        {preview.skippedSample.length > 0 ? (
          <Box tag="ul" paddingLeft={4} style={{ listStyle: 'disc' }} aria-label={t('preview.skipped-entries', 'Skipped entries')}>
            {preview.skippedSample.map((entry) => (
              <li key={entry.documentId}>
                <Typography variant="pi" textColor="neutral700">
                  {t('preview.skipped-entry', '{label}: {reason}', { label: entry.label, reason: format.reasonLabel(entry.reason, reasons) })}
                </Typography>
              </li>
            ))}
          </Box>
        ) : null}
        <LocaleCounts counts={previewLocaleCounts(locales)} title={t('preview.locales', 'Locale versions')} />
        {plan ? <PlanSection plan={plan} reasons={reasons} /> : null}
        {!plan?.data && preview.sample.length > 0 ? (
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
