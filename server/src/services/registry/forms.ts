import type { Core, UID } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { forbidden } from '../../errors';
import { isRealDate, isRealDateTime, isRealTime } from '../../utils/dates';
import { contentTypeSchema, getModel, isLocalizedAttribute, type ModelAttribute, type ValueConstraints } from '../../utils/models';
import { z } from 'zod';
import type { AttributeOption, ContentTypeModel, EditChange, FormField, FormFieldDefinition } from '../../contracts';
import type { BulkActionDefinition } from '../../types';
import type { UserAbility } from '../access/permissions';
import { getService } from '../../utils/services';
import { editableFields, fieldOption } from '../../actions/edit-fields/fields';
import { selectionProblems, validateChanges } from '../../actions/edit-fields/validate';

/** Attribute types an action may read or write as one plain value. */
export const SCALAR_TYPES = [
  'string', 'text', 'email', 'enumeration', 'integer', 'biginteger', 'float', 'decimal',
  'boolean', 'date', 'datetime', 'time',
];
const SYSTEM_ATTRIBUTES = ['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy', 'locale', 'localizations'];



/** Turns a form-field definition or an attribute into a zod schema (absent → default or undefined). Exported for its unit tests. */
export const valueSchema = (spec: { type: string } & ValueConstraints): z.ZodTypeAny => {
  let schema: z.ZodTypeAny;
  switch (spec.type) {
    case 'string':
    case 'text':
    case 'email': {
      let s = z.string({ invalid_type_error: 'must be a string' });
      if (spec.type === 'email') s = s.email('must be an email address');
      const minLength = spec.minLength ?? (spec.type !== 'email' && spec.min !== undefined ? spec.min : undefined);
      const maxLength = spec.maxLength ?? (spec.type !== 'email' && spec.max !== undefined ? spec.max : undefined);
      if (minLength !== undefined) s = s.min(minLength, `must be at least ${minLength} characters`);
      if (maxLength !== undefined) s = s.max(maxLength, `must be at most ${maxLength} characters`);
      if (spec.regex) s = s.regex(new RegExp(spec.regex), 'has the wrong format');
      if (spec.required) s = s.min(1, 'is required');
      schema = s;
      break;
    }
    case 'enumeration':
      schema = z.enum((spec.enum ?? []) as [string, ...string[]], {
        errorMap: () => ({ message: `must be one of ${(spec.enum ?? []).join(', ')}` }),
      });
      break;
    case 'integer':
    case 'biginteger':
    case 'float':
    case 'decimal': {
      let n = z.number({ invalid_type_error: 'must be a number' }).finite();
      if (spec.type === 'integer' || spec.type === 'biginteger') n = n.int('must be a whole number');
      if (spec.min !== undefined) n = n.min(spec.min, `must be at least ${spec.min}`);
      if (spec.max !== undefined) n = n.max(spec.max, `must be at most ${spec.max}`);
      schema = n;
      break;
    }
    case 'boolean':
      schema = z.boolean({ invalid_type_error: 'must be true or false' });
      break;
    case 'date':
      schema = z
        .string({ invalid_type_error: 'must be a date (YYYY-MM-DD)' })
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)')
        // only a well-formed date can be a real one: one message, not two
        .refine((value) => !/^\d{4}-\d{2}-\d{2}$/.test(value) || isRealDate(value), 'must be a real date');
      break;
    case 'datetime':
      schema = z.string({ invalid_type_error: 'must be a date and time' }).refine(isRealDateTime, 'must be a date and time (ISO 8601)');
      break;
    case 'time':
      schema = z.string({ invalid_type_error: 'must be a time (HH:mm or HH:mm:ss)' }).refine(isRealTime, 'must be a time (HH:mm or HH:mm:ss)');
      break;
    default:
      throw new Error(`unsupported value type ${spec.type}`);
  }
  return spec.required ? schema : schema.nullable();
};

/** `params.changes[0].value`: list positions in brackets, as the editor reads them. */
const pathText = (path: string[]) => path.reduce((text, part) => (/^\d+$/.test(part) ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');

const validationError = (problems: Array<{ path: string[]; message: string }>) => {
  const message = problems.map((p) => `${pathText(p.path)} ${p.message}`).join('; ');
  return new errors.ValidationError(message, {
    errors: problems.map((p) => ({ path: p.path, message: p.message, name: 'ValidationError', value: undefined })),
  });
};

/**
 * Forms of actions: what the admin renders (with the attributes this user may pick) and the
 * server-side validation of submitted values. The admin validates nothing on its own.
 */
const createFormsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const permissions = () => getService(strapi, 'permissions');
  const model = (uid: string) => getModel(strapi, uid);

  /** Scalar attributes (and, when asked, relations) the user may use for `permission`. */
  const attributeOptions = (
    uid: string,
    ability: UserAbility,
    permission: 'read' | 'update',
    { relations = false }: { relations?: boolean } = {}
  ): AttributeOption[] =>
    Object.entries(model(uid).attributes)
      .filter(([name, attribute]) => {
        if (SYSTEM_ATTRIBUTES.includes(name) || attribute.private) return false;
        if (permission === 'update' && (attribute.unique || attribute.writable === false)) return false;
        const isRelation = attribute.type === 'relation' && !String(attribute.target ?? '').startsWith('admin::');
        if (!SCALAR_TYPES.includes(attribute.type) && !(relations && isRelation)) return false;
        return permissions().canUseField(ability, uid, name, permission);
      })
      .map(([name, attribute]) => ({
        name,
        type: attribute.type === 'relation' ? `relation:${attribute.relation}` : attribute.type,
        required: Boolean(attribute.required),
        ...(attribute.enum ? { enum: attribute.enum } : {}),
        ...(typeof attribute.min === 'number' ? { min: attribute.min } : {}),
        ...(typeof attribute.max === 'number' ? { max: attribute.max } : {}),
        localized: isLocalizedAttribute(model(uid), attribute),
      }));

  const optionsFor = (uid: string, ability: UserAbility, field: FormFieldDefinition) =>
    field.type === 'changes'
      ? editableFields(strapi, uid).filter((f) => permissions().canUseField(ability, uid, f.name, 'update')).map(fieldOption)
      : attributeOptions(uid, ability, field.permission ?? 'read', { relations: field.type === 'attributes' });

  /**
   * A form with a `changes` field also takes the one-change shape `{ field, value }` (one `set` of a
   * scalar attribute, as the first version of update-field took it); its problems keep their old names.
   */
  const singleChange = (form: Record<string, FormFieldDefinition>, submitted: Record<string, unknown>) => {
    const name = Object.keys(form).find((key) => form[key].type === 'changes');
    if (!name || Object.hasOwn(submitted, name) || !(Object.hasOwn(submitted, 'field') || Object.hasOwn(submitted, 'value'))) return null;
    const { field, value, ...rest } = submitted;
    const change: Record<string, unknown> = { op: 'set' };
    if (Object.hasOwn(submitted, 'field')) change.field = field;
    if (Object.hasOwn(submitted, 'value')) change.value = value;
    return { name, submitted: { ...rest, [name]: [change] } };
  };

  /** The action's form on this content type: the fields whose `supports` holds for it. */
  const formOf = (definition: BulkActionDefinition, uid: string): Record<string, FormFieldDefinition> => {
    const form = definition.form ?? {};
    if (!Object.values(form).some((field) => field.supports)) return form;
    return Object.fromEntries(Object.entries(form).filter(([, field]) => !field.supports || field.supports(model(uid) as unknown as ContentTypeModel)));
  };

  return {
    attributeOptions,
    isLocalizedAttribute: (uid: string, attribute: ModelAttribute) => isLocalizedAttribute(model(uid), attribute),

    /** The form as the admin renders it: fields in declaration order, attribute choices resolved for this user. */
    describe(definition: BulkActionDefinition, uid: string, ability: UserAbility): FormField[] {
      return Object.entries(formOf(definition, uid)).map(([name, { supports: _supports, ...field }]) => ({
        ...field,
        name,
        label: field.label ?? name,
        ...(field.type === 'attribute' || field.type === 'attributes' || field.type === 'changes' ? { options: optionsFor(uid, ability, field) } : {}),
        // a mapping offers the fields a file may fill: those the user may read, relations included
        ...(field.type === 'mapping' ? { options: attributeOptions(uid, ability, 'read', { relations: true }) } : {}),
      }));
    },

    /** Validates submitted params against the action's form; throws a 400 naming each bad field. */
    async validate(
      definition: BulkActionDefinition,
      uid: string,
      ability: UserAbility,
      submitted: Record<string, unknown> = {},
      user: { id: number } = { id: 0 }
    ): Promise<Record<string, unknown>> {
      const form = formOf(definition, uid);
      const problems: Array<{ path: string[]; message: string }> = [];
      const params: Record<string, unknown> = {};
      const single = singleChange(form, submitted);
      if (single) submitted = single.submitted;

      for (const key of Object.keys(submitted)) {
        // own keys only: `constructor` or `toString` are members of every object, not fields
        if (Object.hasOwn(form, key)) continue;
        // a field of the action that this content type does not offer (its `supports` says no)
        const declared = Boolean(definition.form && Object.hasOwn(definition.form, key));
        problems.push({ path: ['params', key], message: declared ? `is not offered for ${uid}` : 'is not a field of this action' });
      }

      const entries = Object.entries(form);
      // attribute-value fields depend on their attribute field: validate them last
      entries.sort(([, a], [, b]) => Number(a.type === 'attribute-value') - Number(b.type === 'attribute-value'));

      for (const [name, field] of entries) {
        const path = ['params', name];
        let value = submitted[name] === undefined ? field.default : submitted[name];
        if (field.type === 'attributes' && (value === undefined || value === null)) {
          // nothing chosen: every attribute the user may use (e.g. every readable field for an export)
          value = optionsFor(uid, ability, field).map((option) => option.name);
        }
        if (value === undefined || value === null) {
          if (field.required) problems.push({ path, message: 'is required' });
          else params[name] = value ?? null;
          continue;
        }

        if (field.type === 'changes') {
          const result = await validateChanges(strapi, uid, ability, value, { scalarsOnly: Boolean(single) });
          params[name] = result.changes;
          // the one-change shape: `params.changes[0].field` is reported as `params.field`
          problems.push(...result.problems.map((p) => (single && p.path[2] === '0' && p.path.length > 3 ? { ...p, path: ['params', ...p.path.slice(3)] } : p)));
          continue;
        }

        let schema: z.ZodTypeAny;
        if (field.type === 'attribute' || field.type === 'attributes') {
          const allowed = optionsFor(uid, ability, field).map((option) => option.name);
          // a real attribute the role may not use is a permission problem (403), not a typo (400)
          const everyone = { can: () => true };
          const eligible = attributeOptions(uid, everyone, field.permission ?? 'read', { relations: field.type === 'attributes' });
          const refused = (Array.isArray(value) ? value : [value]).find(
            (v) => typeof v === 'string' && !allowed.includes(v) && eligible.some((option) => option.name === v)
          );
          if (refused) {
            throw forbidden(`You may not ${field.permission ?? 'read'} the field "${refused}" of ${uid}`, {
              errors: [{ path, message: `you may not ${field.permission ?? 'read'} this field`, name: 'ForbiddenError' }],
            });
          }
          const one = z.string({ invalid_type_error: 'must be an attribute name' }).refine((v) => allowed.includes(v), {
            message: `is not an attribute you may ${field.permission ?? 'read'} (allowed: ${allowed.join(', ') || 'none'})`,
          });
          schema =
            field.type === 'attribute'
              ? one
              : z
                  .array(one, { invalid_type_error: 'must be a list of attribute names' })
                  .min(1, 'must name at least one attribute')
                  .refine((list) => new Set(list).size === list.length, 'must not repeat an attribute');
        } else if (field.type === 'upload') {
          schema = z.number({ invalid_type_error: 'must be an upload id' }).int('must be an upload id').positive('must be an upload id').max(2_147_483_647);
        } else if (field.type === 'mapping') {
          schema = z
            .record(z.string().min(1).max(200), z.string({ invalid_type_error: 'must be a field name or null' }).min(1).max(200).nullable(), {
              invalid_type_error: 'must be an object of column → field name or null',
            })
            .refine((mapping) => Object.keys(mapping).length <= 500, 'must map at most 500 columns');
        } else if (field.type === 'attribute-value') {
          const attributeName = params[field.of!];
          const attribute = typeof attributeName === 'string' ? model(uid).attributes[attributeName] : undefined;
          if (!attribute) continue; // the attribute field already reported its problem
          schema = valueSchema(attribute);
        } else {
          schema = valueSchema({ ...field, type: field.type });
        }

        const result = schema.safeParse(value);
        if (result.success) params[name] = result.data;
        else problems.push(...result.error.issues.map((issue) => ({ path: [...path, ...issue.path.map(String)], message: issue.message })));
      }

      // a value that is left empty for a required attribute
      for (const [name, field] of entries) {
        if (field.type !== 'attribute-value' || problems.some((p) => p.path[1] === name)) continue;
        const attribute = model(uid).attributes[params[field.of!] as string];
        if (attribute?.required && (params[name] === null || params[name] === '')) {
          problems.push({ path: ['params', name], message: `is required by the attribute "${params[field.of!]}"` });
        }
      }

      if (problems.length) throw validationError(problems);

      if (definition.validate) {
        await definition.validate(params, {
          uid: uid as UID.ContentType,
          model: contentTypeSchema(strapi, uid),
          canUseField: (fieldName, action) => permissions().canUseField(ability, uid, fieldName, action),
          user,
          strapi,
        });
      }
      return params;
    },

    /** Checks the params once the selection is known (its size): a 400 naming the field, before any change. */
    async checkSelection(definition: BulkActionDefinition, uid: string, params: Record<string, unknown>, count: number) {
      const form = formOf(definition, uid);
      const problems = Object.keys(form)
        .filter((name) => form[name].type === 'changes' && Array.isArray(params[name]))
        .flatMap((name) => selectionProblems(strapi, uid, params[name] as EditChange[], count));
      if (problems.length) throw validationError(problems);
    },

    /** Params for the audit log: fields marked `secret` are replaced. */
    redact(definition: BulkActionDefinition, params: Record<string, unknown>) {
      return Object.fromEntries(
        Object.entries(params).map(([name, value]) => [name, (definition.form && Object.hasOwn(definition.form, name) && definition.form[name].secret) ? '[redacted]' : value])
      );
    },
  };
};

export default createFormsService;
export type FormsService = ReturnType<typeof createFormsService>;
