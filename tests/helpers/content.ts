import type { TestApp } from './strapi';

export const ARTICLE = 'api::article.article';
export const CATEGORY = 'api::category.category';
export const EXTRACTION_CONFIG = 'api::extraction-config.extraction-config';

export const actionUrl = (uid: string, name: string, step: 'preview' | 'run') =>
  `/bulk-actions/content-types/${uid}/actions/${name}/${step}`;

export interface ArticleRow {
  id: number;
  document_id: string;
  locale: string;
  title: string;
  stage: string;
  views: number;
  featured: number | boolean;
  published_at: string | null;
  updated_at: string | number;
  updated_by_id: number | null;
  created_by_id: number | null;
}

/** Article rows straight from the database (draft rows unless `published` is set). */
export const articleRows = async (
  app: TestApp,
  where: Partial<ArticleRow> = {},
  { published = false }: { published?: boolean } = {}
): Promise<ArticleRow[]> => {
  const query = app.knex()('articles').where(where).orderBy('id');
  return published ? query.whereNotNull('published_at') : query.whereNull('published_at');
};

/** documentIds of the English drafts created by a user. */
export const draftIdsCreatedBy = async (app: TestApp, userId: number, limit = 100) =>
  (await articleRows(app, { locale: 'en', created_by_id: userId })).slice(0, limit).map((row) => row.document_id);

/** A snapshot of every article row, for "nothing changed" assertions. */
export const snapshotArticles = async (app: TestApp) =>
  app.knex()('articles').orderBy('id').select('id', 'document_id', 'locale', 'title', 'stage', 'views', 'featured', 'published_at', 'updated_at');
