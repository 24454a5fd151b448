import * as React from 'react';
import type { RunNote, RunStatus } from '../../../server/src/contracts';
import type { RunView } from '../types';
import { useT } from './useT';

/** An action's own skip reasons: their texts by code, in the editor's language (useActions). */
export type ActionReasons = Record<string, string>;

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

/**
 * The sentences of a run (its handler's, and the error that stopped it). Runs recorded before runs
 * kept notes have only the English message: its lines minus the closing count line (the admin
 * writes its own counts, translated).
 */
export const notesOf = (run: Pick<RunView, 'message' | 'status' | 'notes'>): RunNote[] => {
  if (run.notes?.length) return run.notes;
  const lines = (run.message ?? '').split('\n').map((line) => line.trim()).filter(Boolean).slice(0, -1);
  return lines.map((line): RunNote => {
    if (line.startsWith('Error: ')) return { level: 'error', text: line.slice('Error: '.length) };
    if (line.startsWith('warning: ')) return { level: 'warning', text: line.slice('warning: '.length) };
    return { level: 'info', text: line };
  });
};

/** Texts of runs: statuses, skip reasons, counts, durations. */
export const useRunFormat = () => {
  const { t, intl, formatNumber, formatDate } = useT();

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

    /**
     * Why entries were skipped, in the editor's words: the built-in reasons, then the action's own
     * (`reasons`: their texts by code, already in the editor's language), else the code as written.
     */
    const reasonLabel = (reason: string, reasons?: ActionReasons) => {
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
        case 'not-in-file':
          return t('reason.not-in-file', 'no row of the file names it');
        case 'duplicate-key':
          return t('reason.duplicate-key', 'several rows of the file name it');
        default:
          return reasons && Object.hasOwn(reasons, reason) ? reasons[reason] : reason;
      }
    };

    const reasonsText = (counts: Record<string, number>, reasons?: ActionReasons) => {
      const entries = Object.entries(counts).filter(([, n]) => n > 0);
      if (entries.length === 1) return reasonLabel(entries[0][0], reasons);
      return entries.map(([reason, n]) => `${formatNumber(n)} ${reasonLabel(reason, reasons)}`).join(', ');
    };

    const countsText = (run: Pick<RunView, 'succeeded' | 'skipped' | 'failed' | 'skippedReasons'>, doneText?: string, reasons?: ActionReasons) => {
      const parts = [
        doneText ??
          t('run.summary.done', '{count, plural, one {# entry} other {# entries}} done', { count: run.succeeded }),
      ];
      if (run.skipped > 0) {
        parts.push(
          t('run.summary.skipped', '{count} skipped: {reasons}', {
            count: formatNumber(run.skipped),
            reasons: reasonsText(run.skippedReasons ?? {}, reasons),
          })
        );
      }
      if (run.failed > 0) {
        parts.push(t('run.summary.failed', '{count} failed', { count: formatNumber(run.failed) }));
      }
      return parts.join(' · ');
    };

    /** A run's sentence in the editor's language (the English text where it has no translation id). */
    const noteText = (note: RunNote) => {
      const text = note.id ? (intl.formatMessage({ id: note.id, defaultMessage: note.text }, note.values) as string) : note.text;
      return note.level === 'error' ? t('run.note.error', 'Error: {message}', { message: text }) : text;
    };

    /** "12 articles marked as reviewed · 3 skipped: no permission" */
    const summary = (run: RunView, reasons?: ActionReasons) => {
      // interrupted: the reason a server hook gave is the whole story
      if (run.status === 'interrupted') return (run.message ?? '').split('\n').join(' ').trim() || statusLabel(run.status);
      if (run.status === 'cancelled') return `${statusLabel(run.status)} · ${countsText(run, undefined, reasons)}`;
      const notes = notesOf(run);
      const error = notes.find((note) => note.level === 'error');
      const handler = notes.find((note) => note.level === 'info');
      const text = countsText(run, handler ? noteText(handler) : undefined, reasons);
      return error ? `${text} · ${noteText(error)}` : text;
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
      noteText,
      summary,
      duration,
    };
  }, [t, intl, formatNumber, formatDate]);
};
