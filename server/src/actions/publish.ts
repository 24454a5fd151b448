import type { Schema } from '@strapi/strapi';
import type { BulkActionDefinition } from '../types';
import { actsOnAllLocales, allLocalesField } from './all-locales';

export const hasDraftAndPublish = (model: Schema.ContentType) => Boolean(model.options?.draftAndPublish);

/** Publishes the drafts of the selected entries in the run's locale (validation errors fail that entry). */
export const publishAction: BulkActionDefinition = {
  name: 'publish',
  label: 'Publish',
  description: 'Publishes the current draft of each entry in the selected locale (or in every locale you may publish in).',
  contentTypes: '*',
  permissions: ['publish'],
  revertible: true,
  mode: 'documents',
  supports: hasDraftAndPublish,
  form: allLocalesField,
  confirm: { message: 'Publish {count, plural, one {# entry} other {# entries}}?' },
  async handler(run) {
    if (actsOnAllLocales(run)) {
      // one locale at a time: only the locales the user may publish in (Strapi's `locale: '*'` would take all)
      return run.eachDocument(
        async ({ documentId, locales = [] }) => {
          for (const locale of locales) {
            await run.strapi.documents(run.uid).publish({ documentId, locale });
            run.countLocale(documentId, locale, 'done');
          }
        },
        { load: false, locales: true }
      );
    }
    await run.eachDocument(
      async ({ documentId }) => {
        await run.strapi.documents(run.uid).publish({ documentId, ...(run.locale ? { locale: run.locale } : {}) });
      },
      { load: false }
    );
  },
};
