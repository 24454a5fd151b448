import * as React from 'react';
import { Lightning } from '@strapi/icons';
import { useGetBulkActionsQuery } from '../api';
import { useT } from '../hooks/useT';
import type { BulkActionComponent } from '../types';
import { BulkActionsModal } from './BulkActionsModal';

/**
 * Created once: the Content Manager compares descriptions deeply (lodash isEqual) on every render;
 * stable values keep that comparison short instead of walking a fresh element's owner fiber.
 */
const ICON = <Lightning />;

/**
 * The one component registered in the list view's bulk bar. The actions themselves are known only at
 * run time (from the server), so they live in its modal's dropdown. Renders nothing when no action is
 * enabled and permitted for this user on this content type.
 */
export const BulkActionsButton: BulkActionComponent = ({ model, collectionType }) => {
  const { t } = useT();
  const isCollectionType = collectionType !== 'single-types';
  // refreshed when older than a minute: an administrator may have changed the settings meanwhile
  const { data: actions } = useGetBulkActionsQuery(model, {
    skip: !model || !isCollectionType,
    refetchOnMountOrArgChange: 60,
  });

  // a stable component per content type: the modal keeps its state while the bar re-renders
  const Content = React.useMemo(() => {
    const BulkActionsContent = ({ onClose }: { onClose: () => void }) => (
      <BulkActionsModal model={model} onClose={onClose} />
    );
    return BulkActionsContent;
  }, [model]);

  const label = t('bulk.button', 'Actions');
  const title = t('modal.title', 'Bulk actions');
  const description = React.useMemo(
    () => ({
      label,
      icon: ICON,
      variant: 'tertiary' as const,
      dialog: { type: 'modal' as const, title, content: Content },
    }),
    [label, title, Content]
  );

  if (!isCollectionType || !actions || actions.length === 0) return null;
  return description;
};
