import type { BulkActionDefinition } from '../types';
import { allLocalesField, eachLocaleVersion } from './all-locales';

/** Django's "Delete selected": each document (in the run's locale) through the Document Service. */
export const deleteAction: BulkActionDefinition = {
  name: 'delete',
  label: 'Delete selected entries',
  description: 'Deletes the entries (the selected locale, or every locale you may delete in) with their draft and published versions.',
  contentTypes: '*',
  permissions: ['delete'],
  revertible: true,
  mode: 'documents',
  form: allLocalesField,
  confirm: { message: 'Delete {count, plural, one {# entry} other {# entries}}?', destructive: true },
  handler: (run) =>
    // a locale the user may not delete in keeps its versions (the document stays)
    eachLocaleVersion(run, async (documentId, locale) => {
      await run.strapi.documents(run.uid).delete({ documentId, ...(locale ? { locale } : {}) });
      return 'done';
    }),
};
