import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { forbidden } from '../../errors';
import { SCALAR_TYPES } from '../../services/registry/forms';
import { getModel, isLocalized, isLocalizedAttribute, type ModelAttribute } from '../../utils/models';
import { editableFields } from '../edit-fields/fields';

/**
 * Which column of an upload goes to which field: by header name (as the export writes them), unless
 * `mapping` says otherwise (`null` ignores a column). Every column must land somewhere: a column that
 * names no field the user may read is a 400 naming it, before anything is read or changed.
 */

export type FileParams = {
  upload: number;
  key?: string | null;
  mapping?: Record<string, string | null> | null;
  /** the dry run's time: entries updated later are skipped as changed-since */
  since?: string | null;
};

export interface MappedColumn {
  /** position in the file's rows */
  index: number;
  column: string;
  field: string;
  attribute: ModelAttribute;
  /** may the file change it at all (an editable field: not unique, not read-only) */
  editable: boolean;
  localized: boolean;
}

export interface ColumnPlan {
  /** the key: documentId, or a unique scalar attribute */
  key: string;
  keyIndex: number;
  /** i18n types keyed by documentId: the locale column, when the file has one */
  localeIndex: number | null;
  fields: MappedColumn[];
}

const problem = (path: string[], message: string) =>
  new errors.ValidationError(`${path.join('.')}: ${message}`, { errors: [{ path, message, name: 'ValidationError' }] });

/** Unique scalar attributes, the keys a file may use besides documentId. */
export const keyCandidates = (strapi: Core.Strapi, uid: string) =>
  Object.entries(getModel(strapi, uid).attributes)
    .filter(([, attribute]) => attribute.unique && !attribute.private && SCALAR_TYPES.includes(attribute.type))
    .map(([name]) => name);

export function planColumns(
  strapi: Core.Strapi,
  uid: string,
  columns: string[],
  params: Pick<FileParams, 'key' | 'mapping'>,
  canRead: (field: string) => boolean
): ColumnPlan {
  const model = getModel(strapi, uid);
  const mapping = params.mapping ?? {};
  for (const column of Object.keys(mapping)) {
    if (!columns.includes(column)) throw problem(['params', 'mapping', column], 'is not a column of the file');
  }
  const key = params.key ?? 'documentId';
  if (key !== 'documentId' && !keyCandidates(strapi, uid).includes(key)) {
    throw problem(['params', 'key'], `must be documentId or a unique field (${['documentId', ...keyCandidates(strapi, uid)].join(', ')})`);
  }
  const editable = new Set(editableFields(strapi, uid).filter((field) => field.kind === 'column' || field.kind === 'relation').map((field) => field.name));

  const plan: ColumnPlan = { key, keyIndex: -1, localeIndex: null, fields: [] };
  const taken = new Map<string, string>();
  columns.forEach((column, index) => {
    const target = Object.hasOwn(mapping, column) ? mapping[column] : column;
    if (target === null) return;
    const path = ['params', 'mapping', column];
    const previous = taken.get(target);
    if (previous !== undefined) throw problem(path, `maps to "${target}", which the column "${previous}" fills already`);
    taken.set(target, column);
    if (target === 'documentId') {
      if (key === 'documentId') plan.keyIndex = index;
      return;
    }
    if (target === 'locale' && isLocalized(model)) {
      plan.localeIndex = index;
      return;
    }
    const attribute = Object.hasOwn(model.attributes, target) ? model.attributes[target] : undefined;
    const isRelation = attribute?.type === 'relation' && !String(attribute.target ?? '').startsWith('admin::');
    // no export writes these (see exportColumns): a file holding one was made by hand or elsewhere
    if (attribute && !attribute.private && !isRelation && !SCALAR_TYPES.includes(attribute.type)) {
      throw problem(path, `"${target}" is a ${attribute.type} field of ${uid}, which the export does not write and a file cannot set: map the column to null to ignore it`);
    }
    if (!attribute || attribute.private || !(isRelation || SCALAR_TYPES.includes(attribute.type))) {
      throw problem(path, `"${target}" is not a field of ${uid} a file can hold: map the column to a field, or to null to ignore it`);
    }
    if (!canRead(target)) {
      throw forbidden(`${path.join('.')}: you may not read the field "${target}" of ${uid}`, {
        errors: [{ path, message: 'you may not read this field', name: 'ForbiddenError' }],
      });
    }
    if (target === key) plan.keyIndex = index;
    else plan.fields.push({ index, column, field: target, attribute, editable: editable.has(target), localized: isLocalizedAttribute(model, attribute) });
  });
  if (plan.keyIndex === -1) throw problem(['params', 'key'], `the file has no column for the key "${key}"`);
  if (!plan.fields.length) throw problem(['params', 'mapping'], 'no column of the file maps to a field to update');
  return plan;
}
