import type { BulkActionDefinition } from '../types';
import { hasDraftAndPublish } from './publish';

/** Removes the published version of the selected entries in the run's locale; drafts stay. */
export const unpublishAction: BulkActionDefinition = {
  name: 'unpublish',
  label: 'Unpublish',
  description: 'Removes the published version of each entry in the selected locale; the draft is kept.',
  contentTypes: '*',
  permissions: ['publish'],
  mode: 'documents',
  supports: hasDraftAndPublish,
  confirm: { message: 'Unpublish {count} entries?' },
  async handler(run) {
    await run.eachChunk(async (documentIds) => {
      const published = await run.strapi.db.query(run.uid).findMany({
        select: ['documentId'],
        where: {
          documentId: { $in: documentIds },
          publishedAt: { $notNull: true },
          ...(run.locale ? { locale: run.locale } : {}),
        },
      });
      const publishedIds = new Set(published.map((row: { documentId: string }) => row.documentId));
      documentIds.filter((id) => !publishedIds.has(id)).forEach((id) => run.skip(id, 'not-published'));
    });
    await run.eachDocument(
      async ({ documentId }) => {
        await run.strapi.documents(run.uid).unpublish({ documentId, ...(run.locale ? { locale: run.locale } : {}) });
      },
      { load: false }
    );
  },
};
