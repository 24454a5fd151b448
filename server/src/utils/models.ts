import type { Core, Schema } from '@strapi/strapi';

/**
 * The content-type facts the plugin reads, in one place and typed: Strapi indexes
 * `strapi.contentTypes` by its generated uid union, so a uid from a request or a run row needs a
 * lookup that admits it may not exist.
 */

/** The rules a value of an attribute (or of a form field) must follow. */
export interface ValueConstraints {
  required?: boolean;
  enum?: string[];
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  regex?: string;
}

/** An attribute as the plugin reads it (the union of Strapi's attribute shapes is not indexable by key). */
export type ModelAttribute = Schema.Attribute.AnyAttribute & ValueConstraints & {
  private?: boolean;
  unique?: boolean;
  writable?: boolean;
  target?: string;
  relation?: string;
  pluginOptions?: { i18n?: { localized?: boolean } };
};

export interface Model {
  uid: string;
  kind: 'collectionType' | 'singleType';
  info: { displayName?: string; singularName?: string; pluralName?: string };
  options?: { draftAndPublish?: boolean };
  pluginOptions?: { i18n?: { localized?: boolean }; 'content-manager'?: { visible?: boolean } };
  attributes: Record<string, ModelAttribute>;
}

/** The content type of a uid, or undefined when there is none (own keys only: a uid may come from a request). */
export const findModel = (strapi: Core.Strapi, uid: string): Model | undefined =>
  typeof uid === 'string' && Object.hasOwn(strapi.contentTypes, uid)
    ? (strapi.contentTypes[uid as keyof typeof strapi.contentTypes] as unknown as Model)
    : undefined;

/** The content type of a uid the plugin already knows to exist (a registered action's, a run's). */
export const getModel = (strapi: Core.Strapi, uid: string): Model => {
  const model = findModel(strapi, uid);
  if (!model) throw new Error(`bulk-actions: unknown content type "${uid}"`);
  return model;
};

export const isLocalized = (model: Model) => Boolean(model.pluginOptions?.i18n?.localized);

export const hasDraftAndPublish = (model: Model) => Boolean(model.options?.draftAndPublish);

/** Localized attribute of a localized model: i18n marks the exceptions with `localized: false`. */
export const isLocalizedAttribute = (model: Model, attribute: ModelAttribute) =>
  isLocalized(model) && attribute.pluginOptions?.i18n?.localized !== false;

/** The column of an attribute in the database (metadata of the query layer, for any uid: content types and the plugin's tables). */
export const columnName = (strapi: Core.Strapi, uid: string, attribute: string): string => {
  const meta = strapi.db.metadata.get(uid as Parameters<typeof strapi.db.metadata.get>[0]);
  const definition = meta.attributes[attribute] as { columnName?: string; joinColumn?: { name?: string } } | undefined;
  // createdBy/updatedBy: a relation held in a join column of the row itself (created_by_id)
  return definition?.columnName ?? definition?.joinColumn?.name ?? attribute;
};

/** The same content type as Strapi's own schema type, for the developer API (supports, validate). */
export const contentTypeSchema = (strapi: Core.Strapi, uid: string): Schema.ContentType =>
  getModel(strapi, uid) as unknown as Schema.ContentType;
