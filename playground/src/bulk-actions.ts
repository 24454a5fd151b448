/**
 * The project's own bulk actions: the reference texts' examples, declared the way any Strapi app
 * would declare them (in register(), through the plugin's registry).
 */
import type { BulkActionDefinition } from 'strapi-plugin-bulk-actions/strapi-server';

const EXTRACTION_CONFIG = 'api::extraction-config.extraction-config';
const ARTICLE = 'api::article.article';

/** Django's "Run now": documents mode, so each config's lifecycles and webhooks fire. */
export const runNow: BulkActionDefinition = {
  name: 'run-now',
  label: 'Run now',
  description: 'Runs the extraction of each selected config now and records when it ran.',
  contentTypes: [EXTRACTION_CONFIG],
  // a custom permission: it appears as "Run extraction" for Extraction config in Settings > Roles
  permissions: ['run-extraction'],
  mode: 'documents',
  confirm: { message: 'Run {count} extractions now?' },
  async handler(run) {
    await run.eachDocument(async (config) => {
      if (!config.enabled) throw new Error(`"${config.name}" is disabled`);
      // a real project would start the job here (queue, API call); the demo records the run time
      await run.strapi.documents(EXTRACTION_CONFIG).update({
        documentId: config.documentId,
        data: { lastRunAt: new Date().toISOString() } as any,
      });
    });
  },
};

/** Django's "Mark as published" (here: reviewed): query mode, one UPDATE per chunk, no form. */
export const markReviewed: BulkActionDefinition = {
  name: 'mark-reviewed',
  label: 'Mark as reviewed',
  description: 'Moves the selected articles to the review stage.',
  contentTypes: [ARTICLE],
  permissions: ['update'],
  mode: 'query',
  // updateAll records what it changes: the audit log offers "Undo this run"
  revertible: true,
  confirm: { message: 'Mark {count, plural, one {# article} other {# articles}} as reviewed?' },
  // the French texts are in src/admin/app.ts; English is the text beside each id
  messages: { label: 'playground.mark-reviewed.label', description: 'playground.mark-reviewed.description', confirm: 'playground.mark-reviewed.confirm' },
  async handler(run) {
    const changed = await run.updateAll({ stage: 'review' });
    run.message({
      text: `${changed} ${changed === 1 ? 'article' : 'articles'} marked as reviewed`,
      id: 'playground.mark-reviewed.done',
      values: { count: changed },
    });
  },
};
