import { useAuth } from '@strapi/strapi/admin';
import { useAvailableActions, useBulkActions } from './useActions';
import { PERMISSIONS } from '../constants';
import { useT } from './useT';

/**
 * An action's label for the audit log. Runs keep the action's name; the labels come from the actions
 * the user may run on the content type (the list the Content Manager's list view fetches, readable by
 * anyone who may run them), and for settings readers also from every available action, so the label
 * of an action disabled since stays. Neither knows it (disabled, removed): the name.
 */
export const useActionLabel = (contentType: string, name: string) => {
  const { t } = useT();
  const canReadSettings = useAuth('useActionLabel', (state) =>
    (state.permissions ?? []).some((permission) => permission.action === PERMISSIONS.settingsRead[0].action)
  );
  const isUndo = name === 'revert';
  const { data: listed } = useBulkActions(contentType, { skip: !contentType || isUndo });
  const { data: available } = useAvailableActions(contentType, { skip: !canReadSettings || !contentType || isUndo });
  // an undo is a run of the plugin's own, listed under no content type
  if (isUndo) return t('run.undo.action', 'Undo');
  return listed?.actions.find((action) => action.name === name)?.label ?? available?.find((action) => action.name === name)?.label ?? name;
};
