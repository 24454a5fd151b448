import type { BulkActionDefinition } from '../types';

/** Mass update of one scalar attribute to one value: one set-based UPDATE per chunk. */
export const updateFieldAction: BulkActionDefinition<{ field: string; value: unknown }> = {
  name: 'update-field',
  label: 'Update a field',
  description: 'Sets one field of every selected entry to the same value.',
  contentTypes: '*',
  permissions: ['update'],
  revertible: true,
  mode: 'query',
  form: {
    field: { type: 'attribute', label: 'Field', required: true, permission: 'update' },
    value: { type: 'attribute-value', label: 'New value', of: 'field' },
  },
  confirm: { message: 'Change this field on {count} entries?' },
  async handler(run) {
    const changed = await run.updateAll({ [run.params.field]: run.params.value });
    run.message(`${run.params.field} set on ${changed} ${changed === 1 ? 'entry' : 'entries'}`);
  },
};
