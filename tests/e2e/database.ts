/** Read-only access to the playground's SQLite file: what the database holds, next to what the editor sees. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3');

export interface ArticleRow {
  id: number;
  document_id: string;
  title: string;
  body: string | null;
  stage: string;
  views: number;
  locale: string;
  published_at: string | null;
  updated_at: number | string;
  created_by_id: number | null;
}

export interface RunRow {
  id: number;
  action: string;
  content_type: string;
  user_name: string | null;
  status: string;
  total: number;
  succeeded: number;
  skipped: number;
  failed: number;
  skipped_reasons: string | null;
  params: string | null;
  /** JSON: the first failures, { documentId, reason } */
  failures: string | null;
}

export class PlaygroundDatabase {
  private db: any;

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
  }

  all<T>(sql: string, ...params: unknown[]): T[] {
    return this.db.prepare(sql).all(...params) as T[];
  }

  get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.db.prepare(sql).get(...params) as T | undefined;
  }

  /** The English draft rows of articles (what the list view shows and what runs change). */
  draftArticles(where = '1 = 1', ...params: unknown[]): ArticleRow[] {
    return this.all<ArticleRow>(
      `SELECT id, document_id, title, body, stage, views, locale, published_at, updated_at, created_by_id
         FROM articles WHERE locale = 'en' AND published_at IS NULL AND (${where}) ORDER BY id`,
      ...params
    );
  }

  articleByTitle(title: string): ArticleRow {
    const [row] = this.draftArticles('title = ?', title);
    if (!row) throw new Error(`No English draft article titled "${title}"`);
    return row;
  }

  settings(): { contentTypes: Record<string, { actions: string[] }> } | null {
    const row = this.get<{ value: string }>(`SELECT value FROM strapi_core_store_settings WHERE key = ?`, 'plugin_bulk-actions_settings');
    return row ? JSON.parse(row.value) : null;
  }

  runs(): RunRow[] {
    return this.all<RunRow>(
      `SELECT id, action, content_type, user_name, status, total, succeeded, skipped, failed, skipped_reasons, params, failures
         FROM bulk_actions_runs ORDER BY id`
    );
  }

  userId(email: string): number {
    const row = this.get<{ id: number }>('SELECT id FROM admin_users WHERE email = ?', email);
    if (!row) throw new Error(`No admin user ${email}`);
    return row.id;
  }

  close() {
    this.db.close();
  }
}
