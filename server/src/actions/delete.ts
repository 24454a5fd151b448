import type { BulkActionDefinition } from '../types';

/** Django's "Delete selected": each document (in the run's locale) through the Document Service. */
export const deleteAction: BulkActionDefinition = {
  name: 'delete',
  label: 'Delete selected entries',
  description: 'Deletes the entries (the selected locale) with their draft and published versions.',
  contentTypes: '*',
  permissions: ['delete'],
  revertible: true,
  mode: 'documents',
  confirm: { message: 'Delete {count, plural, one {# entry} other {# entries}}?', destructive: true },
  async handler(run) {
    await run.eachDocument(
      async ({ documentId }) => {
        await run.strapi.documents(run.uid).delete({ documentId, ...(run.locale ? { locale: run.locale } : {}) });
      },
      { load: false }
    );
  },
};
