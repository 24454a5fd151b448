/**
 * Integration-test harness: boots the real playground Strapi in this process against a fresh
 * SQLite file, listens on a free port, seeds the demo users/roles/content, and talks HTTP to it.
 *
 *   const app = await bootPlayground();
 *   afterAll(() => app.close());
 *   const res = await app.as('author').get('/bulk-actions/info');
 */
import request from 'supertest';
import type { Core } from '@strapi/strapi';
import { freePort, loadPlayground, playgroundSeed } from '../../scripts/playground';
import { createTestDatabase, type TestDatabase } from './database';

export type Role = 'admin' | 'editor' | 'author';
type Method = 'get' | 'post' | 'put' | 'delete';
export type AuthedRequest = Record<Method, (url: string) => request.Test>;

export interface TestApp {
  strapi: Core.Strapi;
  baseUrl: string;
  password: string;
  seeded: Awaited<ReturnType<ReturnType<typeof playgroundSeed>['seed']>>;
  /** Requests without credentials. */
  anonymous: () => ReturnType<typeof request>;
  /** Requests carrying a seeded user's admin token (logged in over HTTP once, then cached). */
  as: (role: Role) => AuthedRequest;
  /** Requests carrying any admin token. */
  withToken: (token: string) => AuthedRequest;
  login: (email: string, password?: string) => Promise<string>;
  /** A new role with exactly these permissions, a user in it, logged in: returns its token. */
  userWithRole: (name: string, permissions: PermissionSpec[]) => Promise<{ token: string; userId: number; roleId: number }>;
  /** Enables actions for a content type through the settings API, as the super admin. */
  enableActions: (uid: string, actions: string[]) => Promise<void>;
  /** knex bound to the test database, for reading what actually changed. */
  knex: () => Core.Strapi['db']['connection'];
  /** The database this app uses (pass it to another boot or child process to share it). */
  database: TestDatabase;
  close: () => Promise<void>;
}

export interface PermissionSpec {
  action: string;
  subject?: string | null;
  properties?: { fields?: string[]; locales?: string[] };
  conditions?: string[];
}

export interface BootOptions {
  /** Environment for this boot only (read by the playground's config and register()). */
  env?: Record<string, string>;
  /** Reuse this database (a second instance on the same data) instead of a fresh one. */
  database?: TestDatabase;
  /** Articles to seed (default 40: enough for every stage, locale and owner). */
  articles?: number;
  categories?: number;
  extractionConfigs?: number;
}

/** Sets env vars for the duration of `fn` (Strapi reads them while loading), then restores them. */
async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

export async function bootPlayground(options: BootOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const port = await freePort();
  const env = { ...database.env, HOST: '127.0.0.1', PORT: String(port), STRAPI_TELEMETRY_DISABLED: 'true', ...options.env };
  const strapi = await withEnv(env, () => loadPlayground({ serveAdminPanel: false, logLevel: process.env.LOG_LEVEL ?? 'error' }));
  const password = 'Test-Password-123';
  const seeded = await playgroundSeed().seed(strapi, {
    password,
    articles: options.articles ?? 40,
    categories: options.categories ?? 5,
    extractionConfigs: options.extractionConfigs ?? 10,
  });
  strapi.config.set('server.logger.startup.enabled', false);
  await strapi.listen();
  const baseUrl = `http://127.0.0.1:${port}`;

  const authed = (token: string): AuthedRequest => {
    const make = (method: Method) => (url: string) =>
      request(baseUrl)[method](url).set('Authorization', `Bearer ${token}`);
    return { get: make('get'), post: make('post'), put: make('put'), delete: make('delete') };
  };

  const login = async (email: string, pw = password) => {
    const res = await request(baseUrl).post('/admin/login').send({ email, password: pw });
    if (res.status !== 200) throw new Error(`login of ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data.token as string;
  };

  const tokens = new Map<Role, string>();
  const tokenFor = async (role: Role) => {
    if (!tokens.has(role)) tokens.set(role, await login(seeded.users[role].email));
    return tokens.get(role)!;
  };
  // Log everyone in up front so `as(role)` stays synchronous in tests.
  for (const role of ['admin', 'editor', 'author'] as Role[]) await tokenFor(role);

  return {
    strapi,
    baseUrl,
    password,
    seeded,
    anonymous: () => request(baseUrl),
    as: (role) => authed(tokens.get(role)!),
    withToken: authed,
    login,
    async userWithRole(name, permissions) {
      const role = await strapi.service('admin::role').create({ name, description: `test role ${name}` });
      await strapi.service('admin::role').assignPermissions(
        role.id,
        permissions.map((p) => ({ properties: {}, conditions: [], subject: null, ...p }))
      );
      const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.com`;
      const user = await strapi.service('admin::user').create({
        email, firstname: name, lastname: 'Tester', password, isActive: true, registrationToken: null, roles: [role.id],
      });
      return { token: await login(email), userId: user.id, roleId: role.id };
    },
    async enableActions(uid, actions) {
      const res = await authed(tokens.get('admin')!).put('/bulk-actions/settings').send({ contentTypes: { [uid]: { actions } } });
      if (res.status !== 200) throw new Error(`enabling ${actions.join(', ')} on ${uid} failed: ${res.status} ${JSON.stringify(res.body)}`);
    },
    knex: () => strapi.db.connection,
    database,
    async close() {
      await strapi.destroy();
      if (!options.database) await database.drop();
    },
  };
}
