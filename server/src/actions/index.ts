import { actionMessageId } from '../contracts';
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
/**
 * A built-in's texts by translation id: `bulk-actions.actions.<name>.label`, `.description`, `.confirm`
 * and `.fields.<field>.label` / `.description`, in admin/src/translations (English beside each id).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const withBuiltInMessages = <T extends BulkActionDefinition<any>>(definition: T): T => {
  const id = (key: string) => actionMessageId(definition.name, key);
  return {
    ...definition,
    messages: {
      label: id('label'),
      ...(definition.description ? { description: id('description') } : {}),
      ...(definition.confirm?.message ? { confirm: id('confirm') } : {}),
    },
    ...(definition.form
      ? {
          form: Object.fromEntries(
            Object.entries(definition.form).map(([name, field]) => [
              name,
              {
                ...field,
                messages: {
                  ...(field.label ? { label: id(`fields.${name}.label`) } : {}),
                  ...(field.description ? { description: id(`fields.${name}.description`) } : {}),
                },
              },
            ])
          ),
        }
      : {}),
  };
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const builtInActions: Array<BulkActionDefinition<any>> = [
  updateFieldAction,
  publishAction,
  unpublishAction,
  exportCsvAction,
  updateFromFileAction,
  deleteAction,
].map(withBuiltInMessages);
