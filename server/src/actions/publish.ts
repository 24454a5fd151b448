import type { Schema } from '@strapi/strapi';
import type { BulkActionDefinition } from '../types';

export const hasDraftAndPublish = (model: Schema.ContentType) => Boolean(model.options?.draftAndPublish);

/** Publishes the drafts of the selected entries in the run's locale (validation errors fail that entry). */
export const publishAction: BulkActionDefinition = {
  name: 'publish',
  label: 'Publish',
  description: 'Publishes the current draft of each entry in the selected locale.',
  contentTypes: '*',
  permissions: ['publish'],
  revertible: true,
  mode: 'documents',
  supports: hasDraftAndPublish,
  confirm: { message: 'Publish {count, plural, one {# entry} other {# entries}}?' },
  async handler(run) {
    await run.eachDocument(
      async ({ documentId }) => {
        await run.strapi.documents(run.uid).publish({ documentId, ...(run.locale ? { locale: run.locale } : {}) });
      },
      { load: false }
    );
  },
};
