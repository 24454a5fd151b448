import { Alert, Button, Divider, Flex, Modal, Typography } from '@strapi/design-system';
import { useBulkActionFlow } from '../hooks/useBulkActionFlow';
import { useT } from '../hooks/useT';
import { ActionForm } from './ActionForm';
import { ActionPicker } from './modal/ActionPicker';
import { BackgroundRun } from './modal/BackgroundRun';
import { ConfirmBox } from './modal/ConfirmBox';
import { RunLater } from './modal/RunLater';
import { SelectionCounter } from './modal/SelectionCounter';
import { PreviewPanel } from './PreviewPanel';

interface BulkActionsModalProps {
  model: string;
  onClose: () => void;
  /** the action chosen in the bulk bar's menu */
  initialAction?: string;
  /** where the focus goes back when the modal closes */
  opener?: HTMLElement | null;
}

/**
 * The bulk-action modal: pick an action, widen the selection to every matching entry, fill the
 * action's form, read the preview, confirm. Everything it offers comes from the server; the state
 * and requests live in useBulkActionFlow, this only lays them out.
 */
export const BulkActionsModal = ({ model, onClose, initialAction, opener }: BulkActionsModalProps) => {
  const { t } = useT();
  const flow = useBulkActionFlow(model, onClose, { initialAction, opener });
  const { action } = flow;

  if (flow.backgroundRun) {
    return (
      <>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Typography variant="delta" tag="h3">
              {action?.label}
            </Typography>
            <BackgroundRun run={flow.backgroundRun} onFinished={flow.onBackgroundFinished} />
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <span />
          <Button variant="tertiary" onClick={flow.closeWhileRunning}>
            {t('progress.close', 'Close')}
          </Button>
        </Modal.Footer>
      </>
    );
  }

  const ready = Boolean(action && flow.preview.data && flow.confirm.count > 0 && !flow.preview.error);

  if (flow.step === 'confirm' && ready) {
    return (
      <>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <ConfirmBox confirm={flow.confirm} listEntries />
            {flow.formError ? (
              <Alert closeLabel={t('close', 'Close')} variant="danger" title={flow.formError.title} onClose={flow.dismissFormError}>
                {flow.formError.message}
              </Alert>
            ) : null}
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Button variant="tertiary" onClick={flow.back}>
            {t('modal.back', 'Back')}
          </Button>
          <Button variant="danger" onClick={flow.run} disabled={!flow.canRun} loading={flow.isRunning}>
            {flow.runLabel}
          </Button>
        </Modal.Footer>
      </>
    );
  }

  const showConfirm = ready && !flow.confirm.destructive;
  return (
    <>
      <Modal.Body>
        <Flex direction="column" alignItems="stretch" gap={5}>
          <SelectionCounter selection={flow.selection} />
          <ActionPicker actions={flow.actions} value={flow.actionName} description={action?.description} onChange={flow.chooseAction} />
          {action && action.form.length > 0 ? (
            <>
              <Divider />
              <ActionForm form={action.form} values={flow.form.values} errors={flow.form.fieldErrors} onChange={flow.form.changeValue} context={flow.form.context} />
            </>
          ) : null}
          {action ? <PreviewPanel preview={flow.preview.data} isLoading={flow.preview.isLoading} error={flow.preview.error} plan={flow.plan} reasons={action.reasons} locales={flow.preview.locales} /> : null}
          {flow.formError ? (
            <Alert closeLabel={t('close', 'Close')} variant="danger" title={flow.formError.title} onClose={flow.dismissFormError}>
              {flow.formError.message}
            </Alert>
          ) : null}
          {showConfirm ? <ConfirmBox confirm={flow.confirm} /> : null}
          {showConfirm ? <RunLater schedule={flow.schedule} /> : null}
        </Flex>
      </Modal.Body>
      <Modal.Footer>
        <Button variant="tertiary" onClick={onClose}>
          {t('modal.cancel', 'Cancel')}
        </Button>
        {/* a destructive action goes on to its confirmation step; the others run from here */}
        <Button variant={flow.confirm.destructive ? 'danger-light' : 'default'} onClick={flow.run} disabled={!flow.canRun} loading={flow.isRunning}>
          {flow.confirm.destructive ? t('modal.continue', 'Continue') : ready ? flow.runLabel : t('modal.run', 'Run action')}
        </Button>
      </Modal.Footer>
    </>
  );
};
