import type { BulkActionDefinition } from '../types';
import { hasDraftAndPublish } from './publish';
import { allLocalesField, eachLocaleVersion } from './all-locales';

/** Removes the published version of the selected entries in the run's locale; drafts stay. */
export const unpublishAction: BulkActionDefinition = {
  name: 'unpublish',
  label: 'Unpublish',
  description: 'Removes the published version of each entry in the selected locale (or in every locale you may unpublish in); the draft is kept.',
  contentTypes: '*',
  permissions: ['publish'],
  revertible: true,
  mode: 'documents',
  supports: hasDraftAndPublish,
  form: allLocalesField,
  confirm: { message: 'Unpublish {count, plural, one {# entry} other {# entries}}?' },
  handler: (run) =>
    eachLocaleVersion(run, async (documentId, locale) => {
      const where = { documentId, publishedAt: { $notNull: true }, ...(locale ? { locale } : {}) };
      if (!(await run.strapi.db.query(run.uid).findOne({ select: ['id'], where }))) return 'not-published';
      await run.strapi.documents(run.uid).unpublish({ documentId, ...(locale ? { locale } : {}) });
      return 'done';
    }),
};
