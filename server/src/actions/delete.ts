import type { BulkActionDefinition } from '../types';
import { actsOnAllLocales, allLocalesField } from './all-locales';

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
  async handler(run) {
    if (actsOnAllLocales(run)) {
      // locale by locale: a locale the user may not delete in keeps its versions (the document stays)
      return run.eachDocument(
        async ({ documentId, locales = [] }) => {
          for (const locale of locales) {
            await run.strapi.documents(run.uid).delete({ documentId, locale });
            run.countLocale(documentId, locale, 'done');
          }
        },
        { load: false, locales: true }
      );
    }
    await run.eachDocument(
      async ({ documentId }) => {
        await run.strapi.documents(run.uid).delete({ documentId, ...(run.locale ? { locale: run.locale } : {}) });
      },
      { load: false }
    );
  },
};
