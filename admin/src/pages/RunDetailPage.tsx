import * as React from 'react';
import {
  Box,
  Button,
  Dialog,
  Flex,
  Grid,
  Link,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowClockwise, ArrowLeft, Download, WarningCircle } from '@strapi/icons';
import { BackButton, Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { Link as RouterLink, useNavigate, useParams } from 'react-router-dom';
import { useGetBulkActionsInfoQuery, useRefreshAfterRunMutation } from '../api';
import { RUNS_PATH } from '../constants';
import { LocaleCounts } from '../components/LocaleCounts';
import { RunEntries } from '../components/RunEntries';
import { RunProgressBar } from '../components/RunProgress';
import { Section } from '../components/RunSection';
import { RunStatusBadge } from '../components/RunStatusBadge';
import { useActionTexts } from '../hooks/useActionLabel';
import { useRetryRun, useRevertRun, type RunOutcome } from '../hooks/useRunAction';
import { useDownloadRunFile } from '../hooks/useRunFile';
import { notesOf, useRunFormat } from '../hooks/useRunFormat';
import { useRunNotification } from '../hooks/useRunNotification';
import { useRunProgress } from '../hooks/useRunProgress';
import { useT } from '../hooks/useT';
import { activeRuns } from '../store/activeRuns';
import { isActive, type RunView } from '../types';
import { downloadBlob, fileNameOf } from '../utils/download';
import { parseError } from '../utils/errors';


const Detail = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <Flex direction="column" alignItems="flex-start" gap={1}>
    <Typography variant="sigma" textColor="neutral600" tag="dt">
      {label}
    </Typography>
    <Typography variant="omega" textColor="neutral800" tag="dd">
      {children}
    </Typography>
  </Flex>
);


/** A param as text: lists item by item, objects (such as an edit's changes) as `key: value` pairs. */
/** A question before a follow-up run (retry, undo): Cancel, or the confirm button with the action's name. */
const ConfirmDialog = (props: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  icon: React.ReactElement;
  confirmLabel: string;
  onConfirm: () => void;
  loading: boolean;
  children: React.ReactNode;
}) => {
  const { t } = useT();
  return (
    <Dialog.Root open={props.open} onOpenChange={props.onOpenChange}>
      <Dialog.Content>
        <Dialog.Header>{props.title}</Dialog.Header>
        <Dialog.Body icon={props.icon}>{props.children}</Dialog.Body>
        <Dialog.Footer>
          <Dialog.Cancel>
            <Button fullWidth variant="tertiary">
              {t('modal.cancel', 'Cancel')}
            </Button>
          </Dialog.Cancel>
          <Button fullWidth onClick={props.onConfirm} loading={props.loading}>
            {props.confirmLabel}
          </Button>
        </Dialog.Footer>
      </Dialog.Content>
    </Dialog.Root>
  );
};

const formatParam = (value: unknown): string => {
  if (value === null || value === undefined) return '–';
  if (Array.isArray(value)) return value.map((item) => (item !== null && typeof item === 'object' ? formatParam(item) : String(item))).join('; ') || '–';
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `${key}: ${inner !== null && typeof inner === 'object' ? JSON.stringify(inner) : String(inner)}`)
      .join(', ');
  }
  return String(value);
};

const NOTE_COLORS = { info: 'neutral800', warning: 'warning600', error: 'danger600' } as const;

/** One run of the audit log: counts, params, message and failures; download and retry of the failures; undo. */
export const RunDetailPage = () => {
  const { id = '' } = useParams<{ id: string }>();
  const { t, formatNumber, formatDate } = useT();
  const format = useRunFormat();
  const navigate = useNavigate();
  const { toggleNotification } = useNotification();
  const notifyRun = useRunNotification();
  const retryRun = useRetryRun();
  const revertRun = useRevertRun();
  const [refreshAfterRun] = useRefreshAfterRunMutation();
  const { get } = useFetchClient();
  const downloadRunFile = useDownloadRunFile();
  const info = useGetBulkActionsInfoQuery();
  const { run, isLoading, error } = useRunProgress(id);
  const [isRetrying, setIsRetrying] = React.useState(false);
  const [isDownloading, setIsDownloading] = React.useState(false);
  const [retryOpen, setRetryOpen] = React.useState(false);
  const [undoOpen, setUndoOpen] = React.useState(false);
  const [isReverting, setIsReverting] = React.useState(false);
  const { label: actionLabel, reasons } = useActionTexts(run?.contentType ?? '', run?.action ?? '');

  if (isLoading) return <Page.Loading />;
  if (error || !run) {
    const status = (error as { status?: number } | undefined)?.status;
    return status === 404 || status === 403 ? <Page.NoPermissions /> : <Page.Error />;
  }

  const contentTypeName =
    info.data?.contentTypes.find((contentType) => contentType.uid === run.contentType)?.displayName ?? run.contentType;
  const params = Object.entries(run.params ?? {});
  // a signal hook's reason stops an interrupted run: its message is the whole story
  const notes =
    run.status === 'interrupted'
      ? [{ level: 'error' as const, text: run.message ?? '' }].filter((note) => note.text)
      : notesOf(run).map((note) => ({ level: note.level, text: format.noteText(note) }));

  const downloadFailures = async () => {
    setIsDownloading(true);
    const fallbackName = `run-${run.id}-failures.csv`;
    try {
      const response = await get(`/bulk-actions/runs/${run.id}/failures`, { responseType: 'blob' });
      downloadBlob(response.data, fileNameOf(response.headers?.get('Content-Disposition'), fallbackName));
    } catch {
      toggleNotification({ type: 'danger', message: t('run.download-error', 'The failures could not be downloaded.') });
    } finally {
      setIsDownloading(false);
    }
  };

  /** Retry and undo both start a new run on the server, then show its page. */
  const followUp = async (start: () => Promise<RunOutcome>, label: string) => {
    const outcome = await start();
    if (outcome.kind === 'error') {
      const parsed = parseError({ error: outcome.error }, t('result.error', 'The action could not run.'));
      const details = [...Object.entries(parsed.fieldErrors).map(([field, message]) => `${field}: ${message}`), ...parsed.otherErrors];
      toggleNotification({ type: 'danger', title: label, message: [parsed.message, ...details].join(' · ') });
      return;
    }
    refreshAfterRun(run.contentType);
    if (outcome.kind === 'download') {
      navigate(`../${outcome.run.id}`, { relative: 'path' });
      return;
    }
    const next: RunView = outcome.run;
    if (isActive(next)) {
      activeRuns.track({ id: next.id, model: run.contentType, action: next.action, label, reasons });
    } else {
      notifyRun(next, { label, reasons });
    }
    navigate(`../${next.id}`, { relative: 'path' });
  };

  /** "Retry failed": a new run of the same action over the failed documents, with the same params (the server's). */
  const retry = async () => {
    setIsRetrying(true);
    try {
      await followUp(() => retryRun(run.id), actionLabel);
    } finally {
      setIsRetrying(false);
      setRetryOpen(false);
    }
  };

  /** "Undo this run": the server puts back what the run changed, except entries changed since. */
  const undoLabel = t('run.undo', 'Undo this run');
  const undo = async () => {
    setIsReverting(true);
    try {
      await followUp(() => revertRun(run.id), undoLabel);
    } finally {
      setIsReverting(false);
      setUndoOpen(false);
    }
  };

  const undoText = (() => {
    switch (run.undo.reason) {
      case null:
        return t('run.undo.until', 'Possible until {date}', { date: formatDate(run.undo.expiresAt ?? '', { dateStyle: 'medium' }) });
      case 'reverted':
        return run.revertedBy ? (
          <Link tag={RouterLink} to={`../${run.revertedBy}`} relative="path">
            {t('run.undo.reverted-by', 'Undone by run #{id}', { id: run.revertedBy })}
          </Link>
        ) : (
          t('run.undo.reverting', 'Being undone')
        );
      case 'purged':
        return t('run.undo.purged', 'No longer possible: the undo records were removed on {date}', {
          date: formatDate(run.undo.purgedAt ?? '', { dateStyle: 'medium' }),
        });
      case 'not-revertible':
        return t('run.undo.not-revertible', 'This action cannot be undone');
      case 'not-finished':
        return t('run.undo.not-finished', 'Possible once the run has finished');
      default:
        return t('run.undo.nothing', 'Nothing to undo');
    }
  })();

  const hasFile = Boolean(run.download) && ['succeeded', 'partial'].includes(run.status);
  const downloadFile = () =>
    // blob requests carry no error body: the status says enough
    downloadRunFile(run).catch(() =>
      toggleNotification({ type: 'danger', message: t('run.file-error', 'The file is no longer available.') })
    );

  const skippedReasons = Object.entries(run.skippedReasons ?? {}).filter(([, n]) => n > 0);

  return (
    <Page.Main>
      <Page.Title>{t('run.page-title', 'Run #{id} - Bulk actions', { id: run.id })}</Page.Title>
      <Layouts.Header
        navigationAction={<BackButton fallback={`/settings/${RUNS_PATH}`} />}
        title={t('run.title', 'Run #{id}: {action}', { id: run.id, action: actionLabel })}
        // the title names the action by its label; the internal name stays out of the editor's way
        subtitle={t('run.subtitle', 'On {contentType} · by {user} · {date}', {
          contentType: contentTypeName,
          user: run.userName ?? '–',
          date: formatDate(run.startedAt, { dateStyle: 'medium', timeStyle: 'medium' }),
        })}
        primaryAction={
          <Flex gap={2}>
            {hasFile ? (
              <Button variant="secondary" startIcon={<Download />} onClick={downloadFile}>
                {t('run.download-file', 'Download {fileName}', { fileName: run.download!.name })}
              </Button>
            ) : null}
            {run.failures.length > 0 ? (
              <Button variant="tertiary" startIcon={<Download />} onClick={downloadFailures} loading={isDownloading}>
                {t('run.download-failures', 'Download failures (CSV)')}
              </Button>
            ) : null}
            {run.undo.available ? (
              <Button variant="secondary" startIcon={<ArrowLeft />} onClick={() => setUndoOpen(true)}>
                {undoLabel}
              </Button>
            ) : null}
            {run.failed > 0 && !isActive(run) ? (
              <Button startIcon={<ArrowClockwise />} onClick={() => setRetryOpen(true)}>
                {t('run.retry', 'Retry failed')}
              </Button>
            ) : null}
          </Flex>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {isActive(run) ? (
            <Section title={t('run.progress', 'Progress')}>
              <RunProgressBar run={run} />
            </Section>
          ) : null}

          <Section title={t('run.summary', 'Summary')}>
            <Grid.Root gap={5} tag="dl">
              <Grid.Item col={3} s={6} xs={12}>
                <Detail label={t('run.field.status', 'Status')}>
                  <RunStatusBadge status={run.status} />
                </Detail>
              </Grid.Item>
              <Grid.Item col={3} s={6} xs={12}>
                <Detail label={t('run.field.total', 'Entries')}>{formatNumber(run.total)}</Detail>
              </Grid.Item>
              <Grid.Item col={3} s={6} xs={12}>
                <Detail label={t('run.field.succeeded', 'Done')}>{formatNumber(run.succeeded)}</Detail>
              </Grid.Item>
              <Grid.Item col={3} s={6} xs={12}>
                <Detail label={t('run.field.skipped', 'Skipped')}>
                  {formatNumber(run.skipped)}
                  {skippedReasons.length ? ` (${format.reasonsText(run.skippedReasons, reasons)})` : ''}
                </Detail>
              </Grid.Item>
              <Grid.Item col={3} s={6} xs={12}>
                <Detail label={t('run.field.failed', 'Failed')}>{formatNumber(run.failed)}</Detail>
              </Grid.Item>
              <Grid.Item col={3} s={6} xs={12}>
                <Detail label={t('run.field.duration', 'Duration')}>{format.duration(run.durationMs)}</Detail>
              </Grid.Item>
              <Grid.Item col={3} s={6} xs={12}>
                <Detail label={t('run.field.finished', 'Finished')}>
                  {run.finishedAt ? formatDate(run.finishedAt, { dateStyle: 'medium', timeStyle: 'medium' }) : '–'}
                </Detail>
              </Grid.Item>
              <Grid.Item col={3} s={6} xs={12}>
                <Detail label={t('run.field.undo', 'Undo')}>
                  {run.revertOf ? (
                    <Link tag={RouterLink} to={`../${run.revertOf}`} relative="path">
                      {t('run.undo.of', 'Undoes run #{id}', { id: run.revertOf })}
                    </Link>
                  ) : (
                    undoText
                  )}
                </Detail>
              </Grid.Item>
              <Grid.Item col={3} s={6} xs={12}>
                <Detail label={t('run.field.selection', 'Selection')}>
                  {run.selectionKind === 'query'
                    ? t('run.selection.query', 'All entries matching filters')
                    : t('run.selection.ids', 'Selected entries')}
                  {run.locale ? ` · ${run.locale}` : ''}
                </Detail>
              </Grid.Item>
            </Grid.Root>
            {run.localeCounts ? (
              <Box paddingTop={4}>
                <LocaleCounts counts={run.localeCounts} />
              </Box>
            ) : null}
            {notes.length ? (
              <Box background="neutral100" hasRadius padding={4} data-testid="run-message">
                <Flex direction="column" alignItems="stretch" gap={1}>
                  {notes.map((note, index) => (
                    <Typography key={index} variant="omega" textColor={NOTE_COLORS[note.level]} style={{ whiteSpace: 'pre-wrap' }}>
                      {note.text}
                    </Typography>
                  ))}
                </Flex>
              </Box>
            ) : null}
          </Section>

          <Section title={t('run.params', 'Parameters')}>
            {params.length === 0 ? (
              <Typography variant="omega" textColor="neutral600">
                {t('run.params.none', 'This action has no parameters.')}
              </Typography>
            ) : (
              <Table colCount={2} rowCount={params.length + 1}>
                <Thead>
                  <Tr>
                    <Th><Typography variant="sigma">{t('run.params.name', 'Parameter')}</Typography></Th>
                    <Th><Typography variant="sigma">{t('run.params.value', 'Value')}</Typography></Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {params.map(([name, value]) => (
                    <Tr key={name}>
                      <Td><Typography tag="code" textColor="neutral800">{name}</Typography></Td>
                      <Td><Typography textColor="neutral800">{formatParam(value)}</Typography></Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            )}
          </Section>

          <RunEntries run={run} reasons={reasons} />
        </Flex>
      </Layouts.Content>

      <ConfirmDialog
        open={retryOpen}
        onOpenChange={setRetryOpen}
        title={t('run.retry.title', 'Retry the failed entries')}
        icon={<WarningCircle fill="danger600" />}
        confirmLabel={t('run.retry', 'Retry failed')}
        onConfirm={retry}
        loading={isRetrying}
      >
        {t('run.retry.confirm', 'Run “{action}” again on the {count, plural, one {# failed entry} other {# failed entries}}, with the same parameters?', {
          action: actionLabel,
          count: run.failed,
        })}
      </ConfirmDialog>
      <ConfirmDialog
        open={undoOpen}
        onOpenChange={setUndoOpen}
        title={undoLabel}
        icon={<WarningCircle fill="warning600" />}
        confirmLabel={undoLabel}
        onConfirm={undo}
        loading={isReverting}
      >
        {t('run.undo.confirm', 'Put the {count, plural, one {# entry} other {# entries}} “{action}” changed back as they were before it? Entries changed since are left as they are.', {
          action: actionLabel,
          count: run.succeeded,
        })}
      </ConfirmDialog>
    </Page.Main>
  );
};
