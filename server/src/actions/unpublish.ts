import type { BulkActionDefinition } from '../types';
import { hasDraftAndPublish } from './publish';

/** Removes the published version of the selected entries in the run's locale; drafts stay. */
export const unpublishAction: BulkActionDefinition = {
  name: 'unpublish',
  label: 'Unpublish',
  description: 'Removes the published version of each entry in the selected locale; the draft is kept.',
  contentTypes: '*',
  permissions: ['publish'],
  revertible: true,
  mode: 'documents',
  supports: hasDraftAndPublish,
  confirm: { message: 'Unpublish {count, plural, one {# entry} other {# entries}}?' },
  async handler(run) {
    await run.eachDocument(
      async ({ documentId }) => {
        const locale = run.locale ? { locale: run.locale } : {};
        const published = await run.strapi.db
          .query(run.uid)
          .findOne({ select: ['id'], where: { documentId, publishedAt: { $notNull: true }, ...locale } });
        if (!published) return run.skip(documentId, 'not-published');
        await run.strapi.documents(run.uid).unpublish({ documentId, ...locale });
      },
      { load: false }
    );
  },
};
