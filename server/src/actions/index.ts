import type { BulkActionDefinition } from '../types';
import { deleteAction } from './delete';
import { exportCsvAction } from './export-csv';
import { publishAction } from './publish';
import { unpublishAction } from './unpublish';
import { updateFieldAction } from './update-field';
import { updateFromFileAction } from './update-from-file';

/**
 * The built-in actions, registered through the same registry as a project's own. A list of actions
 * with different params: each one's params type is checked where it is declared.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const builtInActions: Array<BulkActionDefinition<any>> = [updateFieldAction, publishAction, unpublishAction, exportCsvAction, updateFromFileAction, deleteAction];
