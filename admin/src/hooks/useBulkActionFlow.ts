import * as React from 'react';
import { useNotification } from '@strapi/strapi/admin';
import type { ActionSummary, Selection } from '../../../server/src/contracts';
import { usePreviewBulkActionQuery, useRefreshAfterRunMutation } from '../api';
import { TYPE_TO_CONFIRM_THRESHOLD } from '../constants';
import { activeRuns } from '../store/activeRuns';
import { isActive, type RunView } from '../types';
import { isDestructive } from '../utils/actions';
import { confirmButtonLabel, describeChanges } from '../utils/confirm';
import { parseError } from '../utils/errors';
import { initialValues, paramsOf, type FormValues } from '../components/ActionForm';
import { useListSelection } from './useListSelection';
import { useRunAction } from './useRunAction';
import { useRunNotification } from './useRunNotification';
import { useT } from './useT';
import { confirmText, useBulkActions } from './useActions';
import { useRunFormat } from './useRunFormat';
import { useDebouncedValue } from './useDebouncedValue';
import { useDownloadDryRun } from './useRunFile';

/** How long the form must rest before the plan of the run is asked for again. */
const PLAN_DELAY_MS = 400;

const isFilled = (value: unknown) => value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);

const newKey = () =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

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

const NO_ACTIONS: ActionSummary[] = [];

export interface FormError {
  title: string;
  message: string;
}

/**
 * The state and requests of the bulk-action modal, from choosing an action to the finished run:
 * the selection (ticked rows, or every entry matching the list's filters), the form values, the
 * preview, the confirmation and the run. The modal's components only render what this returns.
 */
export const useBulkActionFlow = (
  model: string,
  onClose: () => void,
  { initialAction, opener: givenOpener }: { initialAction?: string; opener?: HTMLElement | null } = {}
) => {
  const { t, intl, formatNumber } = useT();
  const format = useRunFormat();
  const { toggleNotification } = useNotification();
  const notifyRun = useRunNotification();
  const runAction = useRunAction();
  const [refreshAfterRun] = useRefreshAfterRunMutation();

  const actions = useBulkActions(model).data?.actions ?? NO_ACTIONS;
  const list = useListSelection(model, 'BulkActionsModal');
  const { selection, locale, documentIds, selectRow, allMatching, setAllMatching } = list;

  const [actionName, setActionName] = React.useState<string | null>(
    initialAction ?? (actions.length === 1 ? actions[0].name : null)
  );
  const action = actions.find((candidate) => candidate.name === actionName);
  const [values, setValues] = React.useState<FormValues>(() => (action ? initialValues(action.form) : {}));
  const [fieldErrors, setFieldErrors] = React.useState<Record<string, string>>({});
  const [formError, setFormError] = React.useState<FormError | null>(null);
  const [typedCount, setTypedCount] = React.useState('');
  const [isRunning, setIsRunning] = React.useState(false);
  const [backgroundRun, setBackgroundRun] = React.useState<RunView | null>(null);
  const [later, setLater] = React.useState(false);
  const [runAt, setRunAt] = React.useState<string | null>(null);
  // a destructive run is confirmed on a step of its own, listing the first entries it will take
  const [step, setStep] = React.useState<'form' | 'confirm'>('form');
  const idempotencyKey = React.useRef(newKey());

  // Focus goes back where it came from when the modal closes (the Content Manager's modal has no
  // trigger to return it to): the "More actions" button, or the table once the selection is cleared.
  const [opener] = React.useState(() => givenOpener ?? (document.activeElement as HTMLElement | null));
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

  const downloadDryRun = useDownloadDryRun();
  const body = (selected: Selection) => ({ selection: selected, ...(locale ? { locale } : {}) });

  // all locales: an action without a plan previews the locale versions with the option alone
  // (one that plans gets them with its plan, from its params)
  const allLocales = values.allLocales === true && Boolean(action?.form.some((field) => field.name === 'allLocales' && field.type === 'boolean'));
  const previewBody = allLocales && !action?.previews ? { ...body(selection), params: { allLocales: true } } : body(selection);
  const preview = usePreviewBulkActionQuery(
    { uid: model, name: action?.name ?? '', body: previewBody },
    { skip: !action || (!allMatching && documentIds.length === 0) || list.infoLoading, refetchOnMountOrArgChange: true }
  );
  // Actions that preview their plan: what the run would write with the form's values, once the
  // required fields are filled and the form has rested (the server validates; errors show softly)
  const planParams = action?.previews ? paramsOf(action.form, values) : null;
  const planReady = Boolean(action && planParams && action.form.every((field) => !field.required || isFilled(planParams[field.name])));
  const planKey = planReady ? JSON.stringify(planParams) : null;
  const settledPlanKey = useDebouncedValue(planKey, PLAN_DELAY_MS);
  const planBody = { ...body(selection), params: settledPlanKey ? JSON.parse(settledPlanKey) : {} };
  const plan = usePreviewBulkActionQuery(
    { uid: model, name: action?.name ?? '', body: planBody },
    { skip: !settledPlanKey || settledPlanKey !== planKey || (!allMatching && documentIds.length === 0) || list.infoLoading, refetchOnMountOrArgChange: true }
  );
  const planPending = Boolean(planKey) && (settledPlanKey !== planKey || plan.isFetching);
  const planError = plan.error && !planPending ? parseError(plan.error, t('preview.error', 'The preview failed')).message : undefined;
  const planData = planKey && !planPending && !plan.error ? plan.data?.plan : undefined;

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
    setStep('form');
  };

  const changeValue = (name: string, value: unknown) => {
    // a value typed for one attribute means nothing for another: the values depending on this field go
    const dependents = (action?.form ?? []).filter((field) => field.type === 'attribute-value' && field.of === name);
    setValues((previous) => {
      const next = { ...previous, [name]: value };
      for (const field of dependents) delete next[field.name];
      return next;
    });
    // the field's error, and those of the values that depend on it, were about the previous value
    setFieldErrors((previous) => {
      const next = { ...previous };
      for (const key of [name, ...dependents.map((field) => field.name)]) delete next[key];
      return next;
    });
  };

  // with a plan, the confirmation counts the entries the run would change
  const count = planData ? planData.willChange : preview.data?.actionable ?? 0;
  const destructive = action ? isDestructive(action) : false;
  const needsTypedCount = destructive && count > TYPE_TO_CONFIRM_THRESHOLD;
  const typedOk = !needsTypedCount || typedCount.replace(/[\s,.'\u00a0\u202f]/g, '') === String(count);
  const scheduleOk = !later || Boolean(runAt);
  const ready = Boolean(action && preview.data && !preview.isFetching && !planPending && count > 0 && scheduleOk && !isRunning && !previewError);
  // the form step of a destructive action only leads to its confirmation step
  const canRun = ready && (destructive && step === 'form' ? true : typedOk);

  const confirmMessage = action
    ? (describeChanges(action.form, values, count, t) ??
      confirmText(intl, action, count) ??
      t('confirm.default', 'Run “{label}” on {count, plural, one {# entry} other {# entries}}?', { label: action.label, count }))
    : null;
  const runLabel = action ? confirmButtonLabel(action, count, t) : t('modal.run', 'Run action');

  /** The modal's work is over: close it, clear the selection, give the focus to the table. */
  const closeAfterRun = React.useCallback(() => {
    finished.current = true;
    onClose();
    window.setTimeout(() => selectRow([]), 0);
    focusTable();
  }, [onClose, selectRow]);

  /** A finished run: notify, refresh the list, then close. */
  const finish = React.useCallback(
    (run: RunView, action: { label: string; reasons?: Record<string, string> }, extra?: string) => {
      notifyRun(run, action, extra);
      refreshAfterRun(model);
      closeAfterRun();
    },
    [notifyRun, refreshAfterRun, model, closeAfterRun]
  );

  const showError = (error: unknown, label: string) => {
    const parsed = parseError(error, t('result.error', 'The action could not run.'));
    if (parsed.name === 'ActionInterrupted') {
      setFormError({ title: t('result.interrupted', 'Stopped by the server'), message: parsed.message });
      toggleNotification({ type: 'danger', title: label, message: parsed.message });
      return;
    }
    setFieldErrors(parsed.fieldErrors);
    // the form shows the fields' errors
    if (Object.keys(parsed.fieldErrors).length) setStep('form');
    const otherErrors = parsed.otherErrors.length ? parsed.otherErrors.join('\n') : null;
    if (Object.keys(parsed.fieldErrors).length === 0 || otherErrors) {
      setFormError({ title: t('result.error', 'The action could not run.'), message: otherErrors ?? parsed.message });
    }
  };

  const run = async () => {
    if (!action || !canRun) return;
    if (destructive && step === 'form') {
      setStep('confirm');
      return;
    }
    setIsRunning(true);
    setFieldErrors({});
    setFormError(null);
    try {
      const outcome = await runAction(model, action.name, {
        ...body(selection),
        // what the plan says the run should carry (e.g. the dry run's time), unless the editor set it
        params: { ...(planData?.carry ?? {}), ...paramsOf(action.form, values) },
        idempotencyKey: idempotencyKey.current,
        ...(later && runAt ? { runAt } : {}),
      });
      idempotencyKey.current = newKey();

      if (outcome.kind === 'download') {
        return finish(outcome.run, action, t('result.downloaded', 'Downloaded {fileName}', { fileName: outcome.fileName }));
      }
      if (outcome.kind === 'run') {
        if (outcome.run.status === 'scheduled' && outcome.run.runAt) return finish(outcome.run, action, format.scheduledFor(outcome.run.runAt));
        if (!isActive(outcome.run)) return finish(outcome.run, action);
        activeRuns.track({ id: outcome.run.id, model, action: action.name, label: action.label, reasons: action.reasons });
        return setBackgroundRun(outcome.run);
      }
      showError({ error: outcome.error }, action.label);
    } catch (error) {
      // network failure: the same idempotency key is reused on the next attempt
      setFormError({ title: t('result.error', 'The action could not run.'), message: (error as Error).message });
    } finally {
      setIsRunning(false);
    }
  };

  return {
    actions,
    action,
    actionName,
    chooseAction,
    selection: {
      allMatching,
      setAllMatching,
      selectedCount: documentIds.length,
      matchingTotal: list.matchingTotal,
      pageFullySelected: list.pageFullySelected,
    },
    form: { values, fieldErrors, changeValue, context: action ? { uid: model, action: action.name, selection, ...(locale ? { locale } : {}) } : undefined },
    preview: {
      data: preview.data,
      isLoading: preview.isFetching,
      error: previewError,
      locales: allLocales ? (action?.previews ? (planKey && !planPending ? plan.data?.locales : undefined) : preview.data?.locales) : undefined,
    },
    plan: planKey
      ? {
          data: planData,
          isLoading: planPending,
          error: planError,
          download: planData && action ? () => downloadDryRun(model, action.name, planBody) : undefined,
        }
      : undefined,
    // what the action cannot take back, it says before the run (the audit log offers undo for the rest)
    confirm: {
      count,
      destructive,
      message: confirmMessage,
      needsTypedCount,
      typedCount,
      setTypedCount,
      revertible: Boolean(action?.revertible),
      // the first entries the run takes (the preview's sample), for the destructive confirmation step
      sample: preview.data?.sample ?? [],
    },
    /** 'confirm': the destructive action's own confirmation step */
    step,
    back: () => {
      setStep('form');
      setTypedCount('');
    },
    runLabel,
    schedule: { later, setLater, runAt, setRunAt },
    formError,
    dismissFormError: () => setFormError(null),
    canRun,
    isRunning,
    run,
    backgroundRun,
    /** a background run ended while the modal was open: the list header (ActiveRuns) notifies */
    onBackgroundFinished: closeAfterRun,
    /** closing while a background run goes on: the list header follows it */
    closeWhileRunning: closeAfterRun,
  };
};

export type BulkActionFlow = ReturnType<typeof useBulkActionFlow>;
