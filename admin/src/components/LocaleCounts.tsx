import * as React from 'react';
import { Box, Typography } from '@strapi/design-system';
import type { LocaleCounts as Counts, PreviewResult } from '../../../server/src/contracts';
import { useRunFormat } from '../hooks/useRunFormat';
import { useT } from '../hooks/useT';

/** The preview's per-locale counts in the run's shape: versions to act on, versions not permitted. */
export const previewLocaleCounts = (locales: PreviewResult['locales']): Counts | null => {
  if (!locales || !Object.keys(locales).length) return null;
  const counts: Counts = {};
  for (const [code, { actionable, forbidden }] of Object.entries(locales)) {
    counts[code] = {};
    if (actionable) counts[code].actionable = actionable;
    if (forbidden) counts[code].forbidden = forbidden;
  }
  return counts;
};

/** "en: 3 done · fr: 2 done, 1 no permission": one line per locale, in code order. */
export const useLocaleLines = () => {
  const { t, formatNumber } = useT();
  const format = useRunFormat();
  const outcomeText = (outcome: string, count: number) => {
    if (outcome === 'done') return t('locales.done', '{count} done', { count: formatNumber(count) });
    if (outcome === 'actionable') return t('locales.actionable', '{count} to act on', { count: formatNumber(count) });
    return t('locales.skipped', '{count} skipped: {reason}', { count: formatNumber(count), reason: format.reasonLabel(outcome) });
  };
  return (counts: Counts) =>
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, outcomes]) => ({
        code,
        text: Object.entries(outcomes).length
          ? Object.entries(outcomes).map(([outcome, n]) => outcomeText(outcome, n)).join(', ')
          : t('locales.nothing', 'nothing to act on'),
      }));
};

/** Counts per locale of a run over every locale (the run page) or of its preview. */
export const LocaleCounts = ({ counts, title }: { counts: Counts | null | undefined; title?: string }) => {
  const { t } = useT();
  const lines = useLocaleLines();
  if (!counts || !Object.keys(counts).length) return null;
  const heading = title ?? t('locales.title', 'By locale');
  return (
    <Box data-testid="bulk-actions-locale-counts">
      <Typography variant="sigma" textColor="neutral600">
        {heading}
      </Typography>
      <Box tag="ul" paddingLeft={4} style={{ listStyle: 'disc' }} aria-label={heading}>
        {lines(counts).map(({ code, text }) => (
          <li key={code}>
            <Typography variant="omega" textColor="neutral800">
              {t('locales.line', '{locale}: {counts}', { locale: code, counts: text })}
            </Typography>
          </li>
        ))}
      </Box>
    </Box>
  );
};
