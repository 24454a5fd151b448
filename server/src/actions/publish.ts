import type { Schema } from '@strapi/strapi';
import type { BulkActionDefinition } from '../types';
import { allLocalesField, eachLocaleVersion } from './all-locales';

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
  handler: (run) =>
    eachLocaleVersion(run, async (documentId, locale) => {
      await run.strapi.documents(run.uid).publish({ documentId, ...(locale ? { locale } : {}) });
      return 'done';
    }, { publishes: true }),
};
