import { useGetBulkActionsQuery } from '../api';
import type { BulkActionComponent, BulkActionDescription } from '../types';

/** Strapi's own bulk actions the plugin can stand in for. */
const REPLACEABLE = new Set(['publish', 'unpublish', 'delete']);

/**
 * Wraps Strapi's bulk Publish / Unpublish / Delete: the same button, unless the server says the
 * plugin's action of that name replaces it on this content type (setting `replaceBuiltIns`, the action
 * enabled and permitted). Unpublish and Delete carry a `type`; the list view's Publish carries none,
 * its description says `actionType: 'publish'`. The original always runs, so its hooks keep their order.
 */
export const replaceableBuiltIn = (original: BulkActionComponent): BulkActionComponent => {
  if (original.type && !REPLACEABLE.has(original.type)) return original;
  const Wrapped: BulkActionComponent = (props) => {
    const description = original(props) as (BulkActionDescription & { actionType?: string }) | null;
    const { data } = useGetBulkActionsQuery(props.model, { skip: !props.model || props.collectionType === 'single-types' });
    const kind = original.type ?? description?.actionType;
    return kind && REPLACEABLE.has(kind) && data?.replacesBuiltIns.includes(kind) ? null : description;
  };
  if (original.type) Wrapped.type = original.type;
  return Wrapped;
};
