import { useAuth } from '@strapi/strapi/admin';
import { useGetAvailableActionsQuery } from '../api';
import { PERMISSIONS } from '../constants';
import { useT } from './useT';

/**
 * An action's label for the audit log. Runs keep the action's name; the labels come from the actions
 * available to the content type, which settings readers may list. Without that right: the name.
 */
export const useActionLabel = (contentType: string, name: string) => {
  const { t } = useT();
  const canReadSettings = useAuth('useActionLabel', (state) =>
    (state.permissions ?? []).some((permission) => permission.action === PERMISSIONS.settingsRead[0].action)
  );
  const { data } = useGetAvailableActionsQuery(contentType, { skip: !canReadSettings || !contentType });
  // an undo is a run of the plugin's own, listed under no content type
  if (name === 'revert') return t('run.undo.action', 'Undo');
  return data?.find((action) => action.name === name)?.label ?? name;
};
