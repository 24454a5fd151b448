import type * as React from 'react';
import type { Run } from '../../server/src/contracts';

export type { AvailableAction } from '../../server/src/contracts';

/** A run as the admin shows it. */
export type RunView = Run;

export const ACTIVE_STATUSES = ['scheduled', 'queued', 'running'] as const;
export const isActive = (run: Pick<Run, 'status'>) => (ACTIVE_STATUSES as readonly string[]).includes(run.status);

/* -------------------------------------------------------------------------------------------------
 * The slice of the Content Manager's admin API this plugin uses (the apis are typed `unknown`).
 * -----------------------------------------------------------------------------------------------*/

export interface ListViewDocument {
  id: number | string;
  documentId: string;
  [key: string]: unknown;
}

export interface BulkActionProps {
  model: string;
  collectionType: string;
  documents: ListViewDocument[];
}

export interface BulkActionDescription {
  label: string;
  icon?: React.ReactNode;
  variant?: 'default' | 'secondary' | 'tertiary' | 'danger' | 'danger-light' | 'success' | 'ghost';
  disabled?: boolean;
  dialog?: {
    type: 'modal';
    title: string;
    content: React.ComponentType<{ onClose: () => void }>;
    onClose?: () => void;
  };
}

export interface BulkActionComponent {
  (props: BulkActionProps): BulkActionDescription | null;
  type?: string;
}

export interface ContentManagerApis {
  addBulkAction: (actions: BulkActionComponent[] | ((previous: BulkActionComponent[]) => BulkActionComponent[])) => void;
}
