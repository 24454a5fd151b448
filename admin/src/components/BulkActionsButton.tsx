import * as React from 'react';
import { useGetBulkActionsQuery } from '../api';
import { useT } from '../hooks/useT';
import type { BulkActionComponent } from '../types';
import { BulkActionsMenu, createMenuOpener } from './BulkActionsMenu';

/**
 * The one component registered in the list view's bulk bar: "More actions", a menu of the enabled
 * actions (known only at run time, from the server); choosing one opens the modal with it chosen.
 * Renders nothing when no action is enabled and permitted for this user on this content type.
 */
export const BulkActionsButton: BulkActionComponent = ({ model, collectionType }) => {
  const { t } = useT();
  const isCollectionType = collectionType !== 'single-types';
  // refreshed when older than a minute: an administrator may have changed the settings meanwhile
  const { data } = useGetBulkActionsQuery(model, {
    skip: !model || !isCollectionType,
    refetchOnMountOrArgChange: 60,
  });

  const opener = React.useMemo(() => createMenuOpener(), []);
  /**
   * Stable: the Content Manager compares descriptions deeply (lodash isEqual) on every render; the same
   * element keeps that comparison short instead of walking a fresh element's owner fiber. The menu and
   * the modal live in the button's icon, the only place inside the list's React tree a bulk action renders.
   */
  const icon = React.useMemo(() => <BulkActionsMenu model={model} opener={opener} />, [model, opener]);
  const onClick = React.useCallback(
    (event: React.SyntheticEvent) => {
      // clicks inside the menu or the modal (portals) bubble through React to the button: not ours
      const button = event.currentTarget as HTMLElement;
      if (button.contains(event.target as Node)) opener.open(button);
      return true;
    },
    [opener]
  );

  const label = t('bulk.button', 'More actions');
  const description = React.useMemo(() => ({ label, icon, variant: 'tertiary' as const, onClick }), [label, icon, onClick]);

  if (!isCollectionType || !data || data.actions.length === 0) return null;
  return description;
};
