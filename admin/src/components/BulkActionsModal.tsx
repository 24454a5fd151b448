import * as React from 'react';
import {
  Alert,
  Box,
  Button,
  Divider,
  Field,
  Flex,
  Modal,
  SingleSelect,
  SingleSelectOption,
  TextButton,
  TextInput,
  Typography,
} from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import { useFetchClient, useNotification, useQueryParams, useTable } from '@strapi/strapi/admin';
import type { ActionSummary, RunResponse, Selection } from '../../../server/src/contracts';
import {
  useGetBulkActionsInfoQuery,
  useGetBulkActionsQuery,
  usePreviewBulkActionQuery,
  useRefreshAfterRunMutation,
} from '../api';
import { TYPE_TO_CONFIRM_THRESHOLD } from '../constants';
import { useRunAction } from '../hooks/useRunAction';
import { useRunNotification } from '../hooks/useRunNotification';
import { useT } from '../hooks/useT';
import { activeRuns } from '../store/activeRuns';
import { isActive, type ListViewDocument, type RunView } from '../types';
import { downloadBlob } from '../utils/download';
import { parseError } from '../utils/errors';
import { localeOf, selectionQueryOf, type ListQuery } from '../utils/selection';
import { ActionForm, initialValues, paramsOf, type FormValues } from './ActionForm';
import { PreviewPanel } from './PreviewPanel';
import { RunProgressBar, useRunProgress } from './RunProgress';

const newKey = () =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

const isDestructive = (action: ActionSummary) => action.destructive || action.confirm.destructive;

/**
 * After a run the modal and the bulk bar are gone (the selection is cleared) and the list refetches:
 * the focus goes to the table's header checkbox instead of being lost on the page body.
 */
const focusTable = () => {
  for (const delay of [50, 250, 600, 1200]) {
    window.setTimeout(() => {
      const active = document.activeElement;
      const lost = !active || active === document.body || !active.isConnected;
      if (!lost && active?.closest('main table')) return;
      if (!lost && active?.closest('[role="dialog"], [role="alertdialog"]')) return;
      const target =
        document.querySelector<HTMLElement>('main thead button[role="checkbox"]') ??
        document.querySelector<HTMLElement>('main table');
      target?.focus();
    }, delay);
  }
};

/** Progress of a run the server took to the background, inside the modal. */
const BackgroundRun = ({ run: initial, onFinished }: { run: RunView; onFinished: () => void }) => {
  const { t } = useT();
  const { run } = useRunProgress(initial.id, initial);
  React.useEffect(() => {
    if (run && !isActive(run)) onFinished();
  }, [run, onFinished]);
  if (!run) return null;
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <RunProgressBar run={run} />
      <Typography variant="pi" textColor="neutral600">
        {t('progress.background', 'The run continues if you close this window; its progress shows above the list.')}
      </Typography>
    </Flex>
  );
};

interface BulkActionsModalProps {
  model: string;
  onClose: () => void;
}

/**
 * The bulk-action modal: pick an action, widen the selection to every matching entry, fill the
 * action's form, read the preview, confirm. Everything it offers comes from the server.
 */
export const BulkActionsModal = ({ model, onClose }: BulkActionsModalProps) => {
  const { t, formatNumber } = useT();
  const { toggleNotification } = useNotification();
  const notifyRun = useRunNotification();
  const runAction = useRunAction();
  const { get } = useFetchClient();
  const [refreshAfterRun] = useRefreshAfterRunMutation();

  const { data: actions = [] } = useGetBulkActionsQuery(model);
  const rows = useTable('BulkActionsModal', (state) => state.rows) as ListViewDocument[];
  const selectedRows = useTable('BulkActionsModal', (state) => state.selectedRows) as ListViewDocument[];
  const selectRow = useTable('BulkActionsModal', (state) => state.selectRow);
  const [{ query }] = useQueryParams<ListQuery>();

  // the list keeps i18n's locale in its URL even for content types that are not localized
  const info = useGetBulkActionsInfoQuery();
  const localized = info.data?.contentTypes.find((contentType) => contentType.uid === model)?.localized ?? false;
  const locale = localized ? localeOf(query) : undefined;
  const documentIds = React.useMemo(() => selectedRows.map((row) => row.documentId), [selectedRows]);
  const selectionQuery = React.useMemo(() => selectionQueryOf(query), [query]);
  const pageFullySelected = rows.length > 0 && selectedRows.length === rows.length;

  const [actionName, setActionName] = React.useState<string | null>(actions.length === 1 ? actions[0].name : null);
  const action = actions.find((candidate) => candidate.name === actionName);
  const [allMatching, setAllMatching] = React.useState(false);
  const [values, setValues] = React.useState<FormValues>(() => (action ? initialValues(action.form) : {}));
  const [fieldErrors, setFieldErrors] = React.useState<Record<string, string>>({});
  const [formError, setFormError] = React.useState<{ title: string; message: string } | null>(null);
  const [typedCount, setTypedCount] = React.useState('');
  const [isRunning, setIsRunning] = React.useState(false);
  const [backgroundRun, setBackgroundRun] = React.useState<RunView | null>(null);
  const idempotencyKey = React.useRef(newKey());

  // Focus goes back where it came from when the modal closes (the Content Manager's modal has no
  // trigger to return it to): the "Actions" button, or the table once the selection is cleared.
  const [opener] = React.useState(() => document.activeElement as HTMLElement | null);
  const finished = React.useRef(false);
  React.useEffect(
    () => () => {
      window.setTimeout(() => {
        if (!finished.current && opener?.isConnected) opener.focus();
        else focusTable();
      }, 0);
    },
    [opener]
  );

  const selection: Selection = allMatching ? { query: selectionQuery } : { documentIds };
  const body = (selected: Selection) => ({ selection: selected, ...(locale ? { locale } : {}) });

  // How many entries match the list's filters (for "Select all N matching"): a preview over the query selection.
  const countAction = action ?? actions[0];
  const matching = usePreviewBulkActionQuery(
    { uid: model, name: countAction?.name ?? '', body: body({ query: selectionQuery }) },
    { skip: !countAction || !pageFullySelected || info.isLoading, refetchOnMountOrArgChange: true }
  );
  const matchingTotal = matching.data?.total;

  const preview = usePreviewBulkActionQuery(
    { uid: model, name: action?.name ?? '', body: body(selection) },
    { skip: !action || (!allMatching && documentIds.length === 0) || info.isLoading, refetchOnMountOrArgChange: true }
  );
  const previewError = preview.error
    ? (() => {
        const parsed = parseError(preview.error, t('preview.error', 'The preview failed'));
        return { message: parsed.message, interrupted: parsed.name === 'ActionInterrupted' };
      })()
    : undefined;

  const chooseAction = (name: string) => {
    const next = actions.find((candidate) => candidate.name === name);
    setActionName(name);
    setValues(next ? initialValues(next.form) : {});
    setFieldErrors({});
    setFormError(null);
    setTypedCount('');
  };

  const changeValue = (name: string, value: unknown) => {
    setValues((previous) => {
      const next = { ...previous, [name]: value };
      // a value typed for one attribute means nothing for another
      for (const field of action?.form ?? []) {
        if (field.type === 'attribute-value' && field.of === name) delete next[field.name];
      }
      return next;
    });
    // the field's error, and those of the values that depend on it, were about the previous value
    const dependents = (action?.form ?? []).filter((field) => field.type === 'attribute-value' && field.of === name);
    setFieldErrors((previous) => {
      const next = { ...previous };
      for (const key of [name, ...dependents.map((field) => field.name)]) delete next[key];
      return next;
    });
  };

  const count = preview.data?.actionable ?? 0;
  const destructive = action ? isDestructive(action) : false;
  const needsTypedCount = destructive && count > TYPE_TO_CONFIRM_THRESHOLD;
  const typedOk = !needsTypedCount || typedCount.replace(/[\s,.'\u00a0\u202f]/g, '') === String(count);
  const canRun = Boolean(action && preview.data && !preview.isFetching && count > 0 && typedOk && !isRunning && !previewError);

  const confirmMessage = action
    ? action.confirm.message
      ? action.confirm.message.replace(/\{count\}/g, formatNumber(count))
      : t('confirm.default', 'Run “{label}” on {count, plural, one {# entry} other {# entries}}?', {
          label: action.label,
          count,
        })
    : null;

  /** A finished run: notify, refresh the list, clear the selection, give focus back to the table. */
  const finish = React.useCallback(
    (run: RunView, label: string, extra?: string) => {
      finished.current = true;
      notifyRun(run, label, extra);
      refreshAfterRun(model);
      onClose();
      window.setTimeout(() => selectRow([]), 0);
      focusTable();
    },
    [notifyRun, refreshAfterRun, model, onClose, selectRow]
  );

  /** The background run ended while the modal was open: ActiveRuns (list header) notifies and refreshes. */
  const onBackgroundFinished = React.useCallback(() => {
    finished.current = true;
    onClose();
    window.setTimeout(() => selectRow([]), 0);
    focusTable();
  }, [onClose, selectRow]);

  const run = async () => {
    if (!action || !canRun) return;
    setIsRunning(true);
    setFieldErrors({});
    setFormError(null);
    try {
      const outcome = await runAction(model, action.name, {
        ...body(selection),
        params: paramsOf(action.form, values),
        idempotencyKey: idempotencyKey.current,
      });
      idempotencyKey.current = newKey();

      if (outcome.kind === 'download') {
        downloadBlob(outcome.blob, outcome.fileName);
        let run: RunView | undefined;
        if (outcome.runId) {
          run = await get<RunResponse>(`/bulk-actions/runs/${outcome.runId}`)
            .then((response) => response.data.data.run as RunView)
            .catch(() => undefined);
        }
        const downloaded = t('result.downloaded', 'Downloaded {fileName}', { fileName: outcome.fileName });
        if (run) {
          finish(run, action.label, downloaded);
        } else {
          toggleNotification({ type: 'success', title: action.label, message: downloaded });
          finished.current = true;
          onClose();
          window.setTimeout(() => selectRow([]), 0);
          focusTable();
        }
        return;
      }

      if (outcome.kind === 'run') {
        if (isActive(outcome.run)) {
          activeRuns.track({ id: outcome.run.id, model, action: action.name, label: action.label });
          setBackgroundRun(outcome.run);
          return;
        }
        finish(outcome.run, action.label);
        return;
      }

      const parsed = parseError({ error: outcome.error }, t('result.error', 'The action could not run.'));
      if (parsed.name === 'ActionInterrupted') {
        setFormError({ title: t('result.interrupted', 'Stopped by the server'), message: parsed.message });
        toggleNotification({ type: 'danger', title: action.label, message: parsed.message });
        return;
      }
      setFieldErrors(parsed.fieldErrors);
      const otherErrors = parsed.otherErrors.length ? parsed.otherErrors.join('\n') : null;
      if (Object.keys(parsed.fieldErrors).length === 0 || otherErrors) {
        setFormError({ title: t('result.error', 'The action could not run.'), message: otherErrors ?? parsed.message });
      }
    } catch (error) {
      // network failure: the same idempotency key is reused on the next attempt
      setFormError({ title: t('result.error', 'The action could not run.'), message: (error as Error).message });
    } finally {
      setIsRunning(false);
    }
  };

  const closeWhileRunning = () => {
    // the run goes on: ActiveRuns (list view header) follows it and notifies
    finished.current = true;
    onClose();
    window.setTimeout(() => selectRow([]), 0);
    focusTable();
  };

  if (backgroundRun) {
    return (
      <>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Typography variant="delta" tag="h3">
              {action?.label}
            </Typography>
            <BackgroundRun run={backgroundRun} onFinished={onBackgroundFinished} />
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <span />
          <Button variant="tertiary" onClick={closeWhileRunning}>
            {t('progress.close', 'Close')}
          </Button>
        </Modal.Footer>
      </>
    );
  }

  const selectionCounter = (
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
              count: documentIds.length,
            })}
          </TextButton>
        </>
      ) : (
        <>
          <Typography variant="omega" fontWeight="semiBold">
            {t('selection.count', '{count, plural, one {# entry} other {# entries}} selected', { count: documentIds.length })}
          </Typography>
          {pageFullySelected && matchingTotal !== undefined && matchingTotal > documentIds.length ? (
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

  return (
    <>
      <Modal.Body>
        <Flex direction="column" alignItems="stretch" gap={5}>
          {selectionCounter}

          <Field.Root name="bulk-action" required hint={action?.description ?? undefined}>
            <Field.Label>{t('modal.action', 'Action')}</Field.Label>
            <SingleSelect
              placeholder={t('modal.action.placeholder', 'Choose an action')}
              value={actionName}
              onChange={(value) => chooseAction(String(value))}
            >
              {actions.map((candidate) => (
                <SingleSelectOption
                  key={candidate.name}
                  value={candidate.name}
                  startIcon={isDestructive(candidate) ? <WarningCircle fill="danger600" aria-hidden /> : undefined}
                >
                  {isDestructive(candidate)
                    ? t('modal.action.destructive', '{label} (destructive)', { label: candidate.label })
                    : candidate.label}
                </SingleSelectOption>
              ))}
            </SingleSelect>
            <Field.Hint />
          </Field.Root>

          {action && action.form.length > 0 ? (
            <>
              <Divider />
              <ActionForm form={action.form} values={values} errors={fieldErrors} onChange={changeValue} />
            </>
          ) : null}

          {action ? (
            <PreviewPanel
              preview={preview.data}
              isLoading={preview.isFetching}
              error={previewError}
            />
          ) : null}

          {formError ? (
            <Alert closeLabel={t('close', 'Close')} variant="danger" title={formError.title} onClose={() => setFormError(null)}>
              {formError.message}
            </Alert>
          ) : null}

          {action && preview.data && count > 0 && !previewError ? (
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
                    {confirmMessage}
                  </Typography>
                </Flex>
                {needsTypedCount ? (
                  <Field.Root name="typed-count" required>
                    <Field.Label>
                      {t('confirm.type-count', 'Type {count} to confirm', { count: formatNumber(count) })}
                    </Field.Label>
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
          ) : null}
        </Flex>
      </Modal.Body>
      <Modal.Footer>
        <Button variant="tertiary" onClick={onClose}>
          {t('modal.cancel', 'Cancel')}
        </Button>
        <Button variant={destructive ? 'danger' : 'default'} onClick={run} disabled={!canRun} loading={isRunning}>
          {t('modal.run', 'Run action')}
        </Button>
      </Modal.Footer>
    </>
  );
};
