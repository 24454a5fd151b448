import * as React from 'react';
import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { styled } from 'styled-components';
import { useNotification } from '@strapi/strapi/admin';
import { useCancelRunMutation, useRunNowMutation } from '../api';
import { useRunFormat } from '../hooks/useRunFormat';
import { useT } from '../hooks/useT';
import { isActive, type RunView } from '../types';
import { parseError } from '../utils/errors';

const Track = styled(Box)`
  height: 0.8rem;
  border-radius: 0.4rem;
  overflow: hidden;
`;

const Fill = styled(Box)<{ $percent: number }>`
  height: 100%;
  width: ${({ $percent }) => $percent}%;
  border-radius: 0.4rem;
  transition: width 0.4s ease-out;
`;

/** A light track with the primary colour filling it, readable on white (the design system's bar is for dark cards). */
const ProgressTrack = ({ percent, label, width }: { percent: number; label: string; width?: string }) => (
  <Track
    background="neutral150"
    width={width}
    role="progressbar"
    aria-valuemin={0}
    aria-valuemax={100}
    aria-valuenow={percent}
    aria-label={label}
  >
    <Fill background="primary600" $percent={percent} />
  </Track>
);

interface RunProgressBarProps {
  run: RunView;
  /** compact: one line for the list view's header */
  compact?: boolean;
  label?: string;
}

/** processed / total with a cancel button, for a queued or running run; a scheduled one's time with Run now. */
export const RunProgressBar = ({ run, compact, label }: RunProgressBarProps) => {
  const { t, formatNumber } = useT();
  const format = useRunFormat();
  const { toggleNotification } = useNotification();
  const [cancelRun, { isLoading: isCancelling }] = useCancelRunMutation();
  const [runNow, { isLoading: isStarting }] = useRunNowMutation();
  const processed = run.processed ?? run.succeeded + run.skipped + run.failed;
  const percent = run.total > 0 ? Math.min(100, Math.round((processed / run.total) * 100)) : 0;
  const text =
    run.status === 'scheduled' && run.runAt
      ? format.scheduledFor(run.runAt)
      : run.status === 'queued'
      ? t('progress.queued', 'Waiting to start…')
      : t('progress.text', '{processed} of {total} processed', {
          processed: formatNumber(processed),
          total: formatNumber(run.total),
        });

  const cancel = async () => {
    const result = await cancelRun(run.id);
    if ('error' in result && result.error) {
      toggleNotification({ type: 'danger', message: parseError(result.error, t('progress.cancel-failed', 'The run could not be cancelled.')).message });
    }
  };

  const start = async () => {
    const result = await runNow(run.id);
    if ('error' in result && result.error) {
      toggleNotification({ type: 'danger', message: parseError(result.error, t('progress.run-now-failed', 'The run could not be started.')).message });
    }
  };

  const cancelButton = isActive(run) ? (
    <Flex gap={2}>
      {run.status === 'scheduled' ? (
        <Button variant="secondary" size="S" onClick={start} loading={isStarting}>
          {t('progress.run-now', 'Run now')}
        </Button>
      ) : null}
      <Button variant="danger-light" size="S" onClick={cancel} loading={isCancelling}>
        {t('progress.cancel', 'Cancel run')}
      </Button>
    </Flex>
  ) : null;

  if (compact) {
    return (
      <Flex gap={2} alignItems="center" role="status" aria-live="polite">
        <Typography variant="pi" textColor="neutral600" ellipsis>
          {label ? `${label}: ` : ''}
          {text}
        </Typography>
        <ProgressTrack percent={percent} label={text} width="12rem" />
        {cancelButton}
      </Flex>
    );
  }

  return (
    <Flex direction="column" alignItems="stretch" gap={2} role="status" aria-live="polite">
      <Flex justifyContent="space-between" alignItems="center" gap={4}>
        <Typography variant="omega" fontWeight="semiBold">
          {text}
        </Typography>
        {cancelButton}
      </Flex>
      <ProgressTrack percent={percent} label={text} />
    </Flex>
  );
};
