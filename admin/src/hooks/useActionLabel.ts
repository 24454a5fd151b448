import { useAuth } from '@strapi/strapi/admin';
import { useAvailableActions, useBulkActions } from './useActions';
import { PERMISSIONS } from '../constants';
import { useT } from './useT';
import type { ActionReasons } from './useRunFormat';

const NO_REASONS: ActionReasons = {};

/**
 * An action's label (and its own skip reasons' texts) for the audit log. Runs keep the action's name; the labels come from the actions
 * the user may run on the content type (the list the Content Manager's list view fetches, readable by
 * anyone who may run them), and for settings readers also from every available action, so the label
 * of an action disabled since stays. Neither knows it (disabled, removed): the name.
 */
export const useActionTexts = (contentType: string, name: string): { label: string; reasons: ActionReasons } => {
  const { t } = useT();
  const canReadSettings = useAuth('useActionLabel', (state) =>
    (state.permissions ?? []).some((permission) => permission.action === PERMISSIONS.settingsRead[0].action)
  );
  const isUndo = name === 'revert';
  const { data: listed } = useBulkActions(contentType, { skip: !contentType || isUndo });
  const { data: available } = useAvailableActions(contentType, { skip: !canReadSettings || !contentType || isUndo });
  // an undo is a run of the plugin's own, listed under no content type
  if (isUndo) return { label: t('run.undo.action', 'Undo'), reasons: NO_REASONS };
  const known = listed?.actions.find((action) => action.name === name) ?? available?.find((action) => action.name === name);
  return known ? { label: known.label, reasons: known.reasons } : { label: name, reasons: NO_REASONS };
};

/** An action's label for the audit log (see useActionTexts). */
export const useActionLabel = (contentType: string, name: string) => useActionTexts(contentType, name).label;
