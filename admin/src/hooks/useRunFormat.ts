import * as React from 'react';
import type { RunStatus } from '../../../server/src/contracts';
import type { RunView } from '../types';
import { useT } from './useT';

export type NotificationType = 'success' | 'warning' | 'danger' | 'info';
export type StatusVariant = 'success' | 'warning' | 'danger' | 'neutral' | 'secondary' | 'primary' | 'alternative';

const STATUS_VARIANTS: Record<RunStatus, StatusVariant> = {
  scheduled: 'alternative',
  queued: 'neutral',
  running: 'secondary',
  succeeded: 'success',
  partial: 'warning',
  failed: 'danger',
  interrupted: 'danger',
  cancelled: 'neutral',
};

const NOTIFICATION_TYPES: Record<RunStatus, NotificationType> = {
  scheduled: 'info',
  queued: 'info',
  running: 'info',
  succeeded: 'success',
  partial: 'warning',
  failed: 'danger',
  interrupted: 'danger',
  cancelled: 'warning',
};

/** The lines a handler wrote with run.message(): the server's message minus its closing count line. */
export const handlerLines = (run: Pick<RunView, 'message' | 'status'>): string[] => {
  const lines = (run.message ?? '').split('\n').map((line) => line.trim()).filter(Boolean);
  if (run.status === 'interrupted') return lines;
  // the last line is the server's count summary (the admin writes its own, translated)
  return lines.slice(0, -1);
};

/** Texts of runs: statuses, skip reasons, counts, durations. */
export const useRunFormat = () => {
  const { t, formatNumber, formatDate } = useT();

  return React.useMemo(() => {
    const statusLabel = (status: RunStatus | string) => {
      switch (status) {
        case 'scheduled':
          return t('run.status.scheduled', 'Scheduled');
        case 'queued':
          return t('run.status.queued', 'Queued');
        case 'running':
          return t('run.status.running', 'Running');
        case 'succeeded':
          return t('run.status.succeeded', 'Succeeded');
        case 'partial':
          return t('run.status.partial', 'Partly done');
        case 'failed':
          return t('run.status.failed', 'Failed');
        case 'interrupted':
          return t('run.status.interrupted', 'Interrupted');
        case 'cancelled':
          return t('run.status.cancelled', 'Cancelled');
        default:
          return status;
      }
    };

    /** Why entries were skipped, in the editor's words; reasons of project actions show as written. */
    const reasonLabel = (reason: string) => {
      switch (reason) {
        case 'forbidden':
          return t('reason.forbidden', 'no permission');
        case 'not-found':
          return t('reason.not-found', 'not found');
        case 'not-published':
          return t('reason.not-published', 'not published');
        case 'invalid-value':
          return t('reason.invalid-value', "the result breaks the field's rules");
        case 'unchanged':
          return t('reason.unchanged', 'already holds the result');
        case 'changed-since':
          return t('reason.changed-since', 'changed since');
        default:
          return reason;
      }
    };

    const reasonsText = (reasons: Record<string, number>) => {
      const entries = Object.entries(reasons).filter(([, n]) => n > 0);
      if (entries.length === 1) return reasonLabel(entries[0][0]);
      return entries.map(([reason, n]) => `${formatNumber(n)} ${reasonLabel(reason)}`).join(', ');
    };

    const countsText = (run: Pick<RunView, 'succeeded' | 'skipped' | 'failed' | 'skippedReasons'>, doneText?: string) => {
      const parts = [
        doneText ??
          t('run.summary.done', '{count, plural, one {# entry} other {# entries}} done', { count: run.succeeded }),
      ];
      if (run.skipped > 0) {
        parts.push(
          t('run.summary.skipped', '{count} skipped: {reasons}', {
            count: formatNumber(run.skipped),
            reasons: reasonsText(run.skippedReasons ?? {}),
          })
        );
      }
      if (run.failed > 0) {
        parts.push(t('run.summary.failed', '{count} failed', { count: formatNumber(run.failed) }));
      }
      return parts.join(' · ');
    };

    /** "12 articles marked as reviewed · 3 skipped: no permission" */
    const summary = (run: RunView) => {
      const lines = handlerLines(run);
      // interrupted: the reason a server hook gave is the whole story
      if (run.status === 'interrupted') return lines.join(' ') || statusLabel(run.status);
      if (run.status === 'cancelled') return `${statusLabel(run.status)} · ${countsText(run)}`;
      const errorLine = lines.find((line) => line.startsWith('Error:'));
      const handlerLine = lines.find((line) => !line.startsWith('Error:'));
      const text = countsText(run, handlerLine);
      return errorLine ? `${text} · ${errorLine}` : text;
    };

    const duration = (ms: number | null | undefined) => {
      if (ms === null || ms === undefined) return '–';
      if (ms < 1000) return t('duration.ms', '{n} ms', { n: formatNumber(ms) });
      if (ms < 60_000) return t('duration.s', '{n} s', { n: formatNumber(ms / 1000, { maximumFractionDigits: 1 }) });
      const minutes = Math.floor(ms / 60_000);
      const seconds = Math.round((ms % 60_000) / 1000);
      return t('duration.min', '{m} min {s} s', { m: formatNumber(minutes), s: formatNumber(seconds) });
    };

    /** "Scheduled for 2 Dec 2026, 09:00": when a scheduled run starts, in the editor's locale. */
    const scheduledFor = (runAt: string) =>
      t('progress.scheduled', 'Scheduled for {time}', { time: formatDate(new Date(runAt), { dateStyle: 'medium', timeStyle: 'short' }) });

    return {
      statusLabel,
      scheduledFor,
      statusVariant: (status: RunStatus) => STATUS_VARIANTS[status] ?? 'neutral',
      notificationType: (status: RunStatus) => NOTIFICATION_TYPES[status] ?? 'info',
      reasonLabel,
      reasonsText,
      countsText,
      summary,
      duration,
    };
  }, [t, formatNumber, formatDate]);
};
