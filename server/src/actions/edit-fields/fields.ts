import type { Core } from '@strapi/strapi';
import type { AttributeOption, EditOperation } from '../../contracts';
import { getModel, isLocalizedAttribute, type Model, type ModelAttribute } from '../../utils/models';

/**
 * What the edit-fields action can change, field by field: which kind of storage a field has (a
 * column of the content type's table, a column of a single component's table, a link table, the
 * Media Library's morph table) and which operations fit its type.
 */

const SYSTEM_ATTRIBUTES = ['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy', 'locale', 'localizations'];

const TEXT_OPS: EditOperation[] = ['set', 'clear', 'append', 'prepend', 'replace', 'trim', 'lowercase', 'uppercase'];
const NUMBER_OPS: EditOperation[] = ['set', 'clear', 'increment', 'decrement', 'multiply', 'percent'];
const TO_MANY_OPS: EditOperation[] = ['set', 'add', 'remove', 'clear'];
const TO_ONE_OPS: EditOperation[] = ['set', 'clear'];

/** Operations of a scalar attribute: by type, and only those whose results SQL can check against its rules. */
export const scalarOps = (attribute: ModelAttribute): EditOperation[] | null => {
  switch (attribute.type) {
    case 'string':
    case 'text':
      // a regex cannot be checked in SQL on both databases: such a field is set, never computed
      return attribute.regex ? ['set', 'clear'] : TEXT_OPS;
    case 'email':
    case 'enumeration':
    case 'time':
    case 'biginteger':
      return ['set', 'clear'];
    case 'integer':
    case 'float':
    case 'decimal':
      return NUMBER_OPS;
    case 'boolean':
      return ['set', 'clear', 'toggle'];
    case 'date':
    case 'datetime':
      return ['set', 'clear', 'shift'];
    default:
      return null;
  }
};

const TO_ONE = ['oneToOne', 'manyToOne'];
const LINKED = ['oneToOne', 'oneToMany', 'manyToOne', 'manyToMany'];

export type EditableField =
  | { kind: 'column'; name: string; attribute: ModelAttribute; ops: EditOperation[]; localized: boolean }
  | {
      kind: 'component';
      name: string;
      /** the component attribute of the content type, and the field inside it */
      component: string;
      componentUid: string;
      field: string;
      attribute: ModelAttribute;
      ops: EditOperation[];
      localized: boolean;
    }
  | { kind: 'relation'; name: string; attribute: ModelAttribute; target: string; toOne: boolean; ops: EditOperation[]; localized: boolean }
  | { kind: 'media'; name: string; attribute: ModelAttribute; multiple: boolean; ops: EditOperation[]; localized: boolean };

/** Why a field cannot be edited in bulk, for the 400 (null: it can, or it is not a field at all). */
export const notEditableReason = (model: Model, name: string): string | null => {
  const [head] = name.split('.');
  const attribute = Object.hasOwn(model.attributes, head) ? model.attributes[head] : undefined;
  if (!attribute) return null;
  if (attribute.type === 'dynamiczone') return 'is a dynamic zone: dynamic zones cannot be edited in bulk';
  if (attribute.type === 'component' && (attribute as { repeatable?: boolean }).repeatable) {
    return 'is a repeatable component: repeatable components cannot be edited in bulk';
  }
  if (attribute.type === 'component' && head === name) return 'is a component: name one of its fields, e.g. "' + head + '.<field>"';
  return null;
};

/** Every field of a content type the action could change (before field-level permissions). */
export const editableFields = (strapi: Core.Strapi, uid: string): EditableField[] => {
  const model = getModel(strapi, uid);
  const fields: EditableField[] = [];
  for (const [name, attribute] of Object.entries(model.attributes)) {
    if (SYSTEM_ATTRIBUTES.includes(name) || attribute.private || attribute.writable === false) continue;
    const localized = isLocalizedAttribute(model, attribute);
    if (attribute.type === 'relation') {
      const target = String(attribute.target ?? '');
      if (!LINKED.includes(String(attribute.relation)) || target.startsWith('admin::')) continue;
      const toOne = TO_ONE.includes(String(attribute.relation));
      fields.push({ kind: 'relation', name, attribute, target, toOne, ops: toOne ? TO_ONE_OPS : TO_MANY_OPS, localized });
    } else if (attribute.type === 'media') {
      const multiple = Boolean((attribute as { multiple?: boolean }).multiple);
      fields.push({ kind: 'media', name, attribute, multiple, ops: multiple ? TO_MANY_OPS : TO_ONE_OPS, localized });
    } else if (attribute.type === 'component') {
      const { component, repeatable } = attribute as { component: string; repeatable?: boolean };
      if (repeatable || !Object.hasOwn(strapi.components, component)) continue;
      const schema = strapi.components[component as keyof typeof strapi.components] as unknown as { attributes: Record<string, ModelAttribute> };
      for (const [field, inner] of Object.entries(schema.attributes)) {
        const ops = scalarOps(inner);
        if (!ops || inner.unique || inner.private || inner.writable === false || field === 'id') continue;
        fields.push({ kind: 'component', name: `${name}.${field}`, component: name, componentUid: component, field, attribute: inner, ops, localized });
      }
    } else if (!attribute.unique) {
      const ops = scalarOps(attribute);
      if (ops) fields.push({ kind: 'column', name, attribute, ops, localized });
    }
  }
  return fields;
};

/** A field as the admin's form receives it. */
export const fieldOption = (field: EditableField): AttributeOption => {
  const { attribute } = field;
  const type =
    field.kind === 'relation'
      ? `relation:${attribute.relation}`
      : field.kind === 'media'
        ? field.multiple ? 'media:multiple' : 'media'
        : attribute.type;
  return {
    name: field.name,
    type,
    required: Boolean(attribute.required),
    ...(attribute.enum ? { enum: attribute.enum } : {}),
    ...(typeof attribute.min === 'number' ? { min: attribute.min } : {}),
    ...(typeof attribute.max === 'number' ? { max: attribute.max } : {}),
    ...(typeof attribute.maxLength === 'number' ? { maxLength: attribute.maxLength } : {}),
    ...(field.kind === 'relation' ? { target: field.target } : {}),
    localized: field.localized,
    ops: field.ops,
  };
};

/**
 * Whether a relation's target belongs to one source only: a bidirectional oneToOne or oneToMany
 * (Strapi moves the target when it is linked elsewhere). A unidirectional one may be linked from
 * many sources, as Strapi's entity manager allows.
 */
export const linksTargetExclusively = (attribute: { relation?: unknown; inversedBy?: unknown; mappedBy?: unknown }) =>
  ['oneToOne', 'oneToMany'].includes(String(attribute.relation)) && Boolean(attribute.inversedBy || attribute.mappedBy);
