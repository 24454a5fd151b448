import type { Core } from '@strapi/strapi';

/**
 * Idempotent demo/test seed: locales, roles, users and content.
 * Users and roles are (re)asserted on every call; content is created only when its table is empty,
 * so running `npm run demo` twice does not duplicate anything.
 */

export const DEMO_USERS = {
  admin: { email: 'admin@example.com', firstname: 'Ada', lastname: 'Admin' },
  editor: { email: 'editor@example.com', firstname: 'Eddie', lastname: 'Editor' },
  author: { email: 'author@example.com', firstname: 'Aurora', lastname: 'Author' },
} as const;

export type DemoRole = keyof typeof DEMO_USERS;

export const ARTICLE_UID = 'api::article.article';
export const CATEGORY_UID = 'api::category.category';
export const EXTRACTION_CONFIG_UID = 'api::extraction-config.extraction-config';
export const TAG_UID = 'api::tag.tag';
export const TAG_NAMES = ['News', 'Sale', 'Guide', 'Review', 'Opinion', 'Archive'];
const FILE_UID = 'plugin::upload.file';

const STAGES = ['draft', 'review', 'published', 'trash'] as const;
const CM = 'plugin::content-manager.explorer';

export interface SeedOptions {
  password?: string;
  articles?: number;
  categories?: number;
  extractionConfigs?: number;
  files?: number;
}

export interface SeedResult {
  users: Record<DemoRole, { id: number; email: string }>;
  roles: { editor: number; author: number };
  created: { articles: number; categories: number; extractionConfigs: number; tags: number; files: number };
}

/** Permission fields as Settings > Roles writes them: a component's fields as `seo.metaTitle`. */
const attributeNames = (strapi: Core.Strapi, uid: string): string[] =>
  Object.entries(strapi.getModel(uid as any).attributes as Record<string, any>)
    .filter(([name]) => !['createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy', 'locale', 'localizations'].includes(name))
    .flatMap(([name, attribute]) =>
      attribute.type === 'component' ? attributeNames(strapi, attribute.component).map((nested) => `${name}.${nested}`) : [name]
    );

async function ensureLocale(strapi: Core.Strapi, code: string, name: string) {
  const locales = strapi.plugin('i18n').service('locales');
  const existing = await locales.findByCode(code);
  if (!existing) await locales.create({ code, name });
}

async function ensureRole(strapi: Core.Strapi, name: string, description: string) {
  const existing = await strapi.db.query('admin::role').findOne({ where: { name } });
  if (existing) return existing;
  return strapi.service('admin::role').create({ name, description });
}

function contentManagerPermissions(
  strapi: Core.Strapi,
  uid: string,
  actions: string[],
  conditionsFor: Record<string, string[]> = {}
) {
  const model = strapi.getModel(uid as any) as any;
  const localized = Boolean(model.pluginOptions?.i18n?.localized);
  const fields = attributeNames(strapi, uid);
  return actions.map((action) => ({
    action: `${CM}.${action}`,
    subject: uid,
    properties: {
      ...(['create', 'read', 'update'].includes(action) ? { fields } : {}),
      ...(localized ? { locales: ['en', 'fr'] } : {}),
    },
    conditions: conditionsFor[action] ?? [],
  }));
}

const SEEDED_UIDS = [ARTICLE_UID, CATEGORY_UID, EXTRACTION_CONFIG_UID, TAG_UID];
const SEEDED_ACTIONS = ['plugin::upload.read'];

/** Sets a role's permissions on the demo content types, keeping its other (plugin, settings) permissions. */
async function replaceContentTypePermissions(strapi: Core.Strapi, roleId: number, permissions: object[]) {
  const existing = await strapi.service('admin::permission').findMany({ where: { role: { id: roleId } } });
  const kept = existing
    .filter((p: any) => !SEEDED_UIDS.includes(p.subject) && !SEEDED_ACTIONS.includes(p.action))
    .map(({ action, subject, properties, conditions }: any) => ({ action, subject, properties, conditions }));
  await strapi.service('admin::role').assignPermissions(roleId, [...kept, ...permissions]);
}

async function ensureUser(
  strapi: Core.Strapi,
  who: { email: string; firstname: string; lastname: string },
  roleId: number,
  password: string
) {
  const users = strapi.service('admin::user');
  const existing = await strapi.db.query('admin::user').findOne({ where: { email: who.email } });
  if (existing) return existing;
  return users.create({ ...who, password, isActive: true, registrationToken: null, roles: [roleId] });
}

async function seedRolesAndUsers(strapi: Core.Strapi, password: string) {
  const roleService = strapi.service('admin::role');
  await roleService.createRolesIfNoneExist?.();
  const superAdmin = await roleService.getSuperAdmin();

  const editorRole = await ensureRole(strapi, 'Editor', 'Full Content Manager rights on the demo content types.');
  const authorRole = await ensureRole(strapi, 'Author', 'Can update, delete and publish only the articles they created.');

  const allActions = ['create', 'read', 'update', 'delete'];
  await replaceContentTypePermissions(strapi, editorRole.id, [
    ...contentManagerPermissions(strapi, ARTICLE_UID, [...allActions, 'publish']),
    ...contentManagerPermissions(strapi, CATEGORY_UID, allActions),
    ...contentManagerPermissions(strapi, EXTRACTION_CONFIG_UID, allActions),
    ...contentManagerPermissions(strapi, TAG_UID, allActions),
    // the Media Library: cover and gallery pick files the role may read
    { action: 'plugin::upload.read', subject: null, properties: {}, conditions: [] },
    // the playground's custom "Run now" action needs this plugin permission (see src/bulk-actions.ts)
    { action: 'plugin::bulk-actions.run-extraction', subject: EXTRACTION_CONFIG_UID, properties: {}, conditions: [] },
  ]);
  const isCreator = ['admin::is-creator'];
  await replaceContentTypePermissions(strapi, authorRole.id, [
    ...contentManagerPermissions(strapi, ARTICLE_UID, [...allActions, 'publish'], {
      update: isCreator,
      delete: isCreator,
      publish: isCreator,
    }),
    ...contentManagerPermissions(strapi, CATEGORY_UID, ['read']),
    ...contentManagerPermissions(strapi, TAG_UID, ['read']),
  ]);

  const admin = await ensureUser(strapi, DEMO_USERS.admin, superAdmin.id, password);
  const editor = await ensureUser(strapi, DEMO_USERS.editor, editorRole.id, password);
  const author = await ensureUser(strapi, DEMO_USERS.author, authorRole.id, password);
  return {
    users: {
      admin: { id: admin.id, email: admin.email },
      editor: { id: editor.id, email: editor.email },
      author: { id: author.id, email: author.email },
    },
    roles: { editor: editorRole.id, author: authorRole.id },
  };
}

async function seedContent(strapi: Core.Strapi, users: SeedResult['users'], options: Required<SeedOptions>) {
  const created = { articles: 0, categories: 0, extractionConfigs: 0, tags: 0, files: 0 };

  const tagIds: string[] = [];
  if ((await strapi.db.query(TAG_UID as any).count()) === 0) {
    for (const name of TAG_NAMES) {
      tagIds.push((await strapi.documents(TAG_UID as any).create({ data: { name } as any })).documentId);
      created.tags += 1;
    }
  }

  // Media Library entries without bytes: enough for relations to files (no upload provider involved)
  const fileIds: number[] = [];
  if ((await strapi.db.query(FILE_UID as any).count()) === 0) {
    for (let i = 1; i <= options.files; i += 1) {
      const name = `cover-${i}.png`;
      const file = await strapi.db.query(FILE_UID as any).create({
        data: {
          name, hash: `cover_${i}`, ext: '.png', mime: 'image/png', size: 1.5, width: 16, height: 16,
          url: `/uploads/${name}`, provider: 'local', folderPath: '/',
        } as any,
      });
      fileIds.push(file.id);
      created.files += 1;
    }
  }

  const categoryIds: string[] = [];
  if ((await strapi.db.query(CATEGORY_UID as any).count()) === 0) {
    for (let i = 1; i <= options.categories; i += 1) {
      const doc = await strapi.documents(CATEGORY_UID as any).create({ data: { name: `Category ${i}` } as any });
      categoryIds.push(doc.documentId);
      created.categories += 1;
    }
  }

  if ((await strapi.db.query(EXTRACTION_CONFIG_UID as any).count()) === 0) {
    for (let i = 1; i <= options.extractionConfigs; i += 1) {
      await strapi.documents(EXTRACTION_CONFIG_UID as any).create({
        data: {
          name: `Extraction ${String(i).padStart(2, '0')}`,
          source: `warehouse.table_${i}`,
          // every fifth config is disabled: "Run now" fails on it with a reason
          enabled: i % 5 !== 0,
        } as any,
      });
      created.extractionConfigs += 1;
    }
  }

  if ((await strapi.db.query(ARTICLE_UID as any).count()) === 0) {
    for (let i = 1; i <= options.articles; i += 1) {
      const stage = STAGES[i % STAGES.length];
      // every fourth article belongs to the Author; the rest to the Editor
      const creator = i % 4 === 0 ? users.author.id : users.editor.id;
      const doc = await strapi.documents(ARTICLE_UID as any).create({
        locale: 'en',
        data: {
          title: `Article ${String(i).padStart(3, '0')}`,
          body: `Body of article ${i}.`,
          stage,
          views: i * 10,
          featured: i % 7 === 0,
          rating: (i % 5) + 0.5,
          releaseDate: `2026-0${(i % 9) + 1}-${String((i % 28) + 1).padStart(2, '0')}`,
          category: categoryIds.length ? categoryIds[i % categoryIds.length] : undefined,
          // every other article has two tags, every fifth a cover, every one an SEO block
          tags: tagIds.length && i % 2 === 0 ? [tagIds[i % tagIds.length], tagIds[(i + 1) % tagIds.length]] : [],
          cover: fileIds.length && i % 5 === 0 ? fileIds[i % fileIds.length] : undefined,
          seo: { metaTitle: `Article ${String(i).padStart(3, '0')}`, metaDescription: i % 3 === 0 ? null : `About article ${i}` },
          createdBy: creator,
          updatedBy: creator,
        } as any,
      });
      if (i % 3 === 0) {
        await strapi.documents(ARTICLE_UID as any).update({
          documentId: doc.documentId,
          locale: 'fr',
          data: { title: `Article ${String(i).padStart(3, '0')} (fr)`, stage, createdBy: creator, updatedBy: creator } as any,
        });
      }
      if (stage === 'published') {
        await strapi.documents(ARTICLE_UID as any).publish({ documentId: doc.documentId, locale: '*' });
      }
      created.articles += 1;
    }
  }

  return created;
}

export async function seed(strapi: Core.Strapi, options: SeedOptions = {}): Promise<SeedResult> {
  const resolved: Required<SeedOptions> = {
    password: options.password ?? process.env.DEMO_PASSWORD ?? 'BulkActions123',
    articles: options.articles ?? 200,
    categories: options.categories ?? 10,
    extractionConfigs: options.extractionConfigs ?? 20,
    files: options.files ?? 4,
  };
  await ensureLocale(strapi, 'en', 'English (en)');
  await ensureLocale(strapi, 'fr', 'French (fr)');
  const { users, roles } = await seedRolesAndUsers(strapi, resolved.password);
  const created = await seedContent(strapi, users, resolved);
  return { users, roles, created };
}
