import { useAuth } from '@strapi/strapi/admin';
import { useGetAvailableActionsQuery } from '../api';
import { PERMISSIONS } from '../constants';

/**
 * An action's label for the audit log. Runs keep the action's name; the labels come from the actions
 * available to the content type, which settings readers may list. Without that right: the name.
 */
export const useActionLabel = (contentType: string, name: string) => {
  const canReadSettings = useAuth('useActionLabel', (state) =>
    (state.permissions ?? []).some((permission) => permission.action === PERMISSIONS.settingsRead[0].action)
  );
  const { data } = useGetAvailableActionsQuery(contentType, { skip: !canReadSettings || !contentType });
  return data?.find((action) => action.name === name)?.label ?? name;
};
