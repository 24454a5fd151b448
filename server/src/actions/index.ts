import { deleteAction } from './delete';
import { exportCsvAction } from './export-csv';
import { publishAction } from './publish';
import { unpublishAction } from './unpublish';
import { updateFieldAction } from './update-field';

/** The built-in actions, registered through the same registry as a project's own. */
export const builtInActions = [updateFieldAction, publishAction, unpublishAction, exportCsvAction, deleteAction];
