import type { Core } from '@strapi/strapi';
import { z } from 'zod';
import { PLUGIN_ID } from '../../contracts';
import { actionMessagesSchema, actionModeSchema, reasonCodeSchema, confirmSchema, formFieldDefinitionSchema } from '../../validation';
import type { BulkActionDefinition } from '../../types';
import { getService } from '../../utils/services';
import { FILE_ASSEMBLIES } from '../../constants';
import { contentTypeSchema, findModel } from '../../utils/models';
import { REVERT_ACTION, revertAction } from '../../actions/revert';

const NAME_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const definitionSchema = z
  .object({
    name: z.string().regex(NAME_PATTERN, 'must be kebab-case (a-z, 0-9 and single dashes)'),
    label: z.string().min(1, 'must not be empty'),
    description: z.string().optional(),
    contentTypes: z.union([z.literal('*'), z.array(z.string().min(1)).min(1, 'must list at least one content type')]),
    permissions: z
      .array(z.string().regex(NAME_PATTERN, 'permission names must be kebab-case'))
      .min(1, 'must name at least one permission'),
    form: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'form field names must be identifiers'), formFieldDefinitionSchema).optional(),
    confirm: confirmSchema.optional(),
    messages: actionMessagesSchema.optional(),
    reasons: z.record(reasonCodeSchema, z.string().min(1, 'must not be empty')).optional(),
    mode: actionModeSchema,
    output: z
      .union([
        z.object({
          contentType: z.string().min(1),
          extension: z.string().regex(/^[a-z0-9]+$/),
          assemble: z.enum(FILE_ASSEMBLIES).optional(),
        }).strict(),
        z.custom((value) => typeof value === 'function', 'must be an output or a function of the params returning one'),
      ])
      .optional(),
    revertible: z.boolean().optional(),
    supports: z.custom((value) => typeof value === 'function', 'must be a function').optional(),
    validate: z.custom((value) => typeof value === 'function', 'must be a function').optional(),
    preview: z.custom((value) => typeof value === 'function', 'must be a function').optional(),
    revert: z.custom((value) => typeof value === 'function', 'must be a function').optional(),
    handler: z.custom<(...args: unknown[]) => unknown>((value) => typeof value === 'function', 'must be a function'),
  })
  .strict();

const describeIssues = (error: z.ZodError) =>
  error.issues
    .map((issue) => {
      const where = issue.path.join('.');
      if (issue.code === 'invalid_enum_value' && issue.path.at(-1) === 'type') {
        return `${where}: unknown field type "${issue.received}" (expected ${issue.options.join(', ')})`;
      }
      return `${where || 'definition'}: ${issue.message}`;
    })
    .join('; ');

/**
 * The action registry: Django's `admin.site.add_action`/`disable_action`, per content type.
 * Built-in actions are registered through the same `register()` as project actions.
 */
const createActionsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const definitions: BulkActionDefinition[] = [];
  /** definition → disabled everywhere (`'*'`) or for these content types; a later registration of the name is unaffected */
  const disabled = new Map<BulkActionDefinition, Set<string>>();

  const contentTypesService = () => getService(strapi, 'content-types');

  const isDisabled = (definition: BulkActionDefinition, uid: string) => {
    const set = disabled.get(definition);
    return Boolean(set && (set.has('*') || set.has(uid)));
  };

  const covers = (definition: BulkActionDefinition, uid: string) => {
    if (definition.contentTypes !== '*' && !(definition.contentTypes as string[]).includes(uid)) return false;
    if (!contentTypesService().isActionable(uid)) return false;
    return definition.supports ? Boolean(definition.supports(contentTypeSchema(strapi, uid))) : true;
  };

  const checkForm = (definition: BulkActionDefinition) => {
    for (const [fieldName, field] of Object.entries(definition.form ?? {})) {
      if (field.type === 'enumeration' && !field.enum) {
        throw new Error(`form.${fieldName}: an enumeration field needs an "enum" list`);
      }
      if (field.type === 'attribute-value' && (!field.of || definition.form?.[field.of]?.type !== 'attribute')) {
        throw new Error(`form.${fieldName}: "of" must name an "attribute" field of the same form`);
      }
    }
  };

  return {
    /** Adds an action. Throws, naming the action and the problem, on any bad definition. */
    register<Params extends Record<string, unknown>>(declared: BulkActionDefinition<Params>) {
      // stored without its params type: the registry validates params against the form before any handler sees them
      const definition = declared as unknown as BulkActionDefinition;
      const label = `bulk-actions: action "${(definition as { name?: unknown })?.name ?? '(unnamed)'}"`;
      const parsed = definitionSchema.safeParse(definition);
      if (!parsed.success) throw new Error(`${label} is invalid: ${describeIssues(parsed.error)}`);
      try {
        checkForm(definition);
      } catch (error) {
        throw new Error(`${label} is invalid: ${(error as Error).message}`);
      }

      if (definition.contentTypes !== '*') {
        for (const uid of definition.contentTypes) {
          if (!findModel(strapi, uid)) {
            throw new Error(`${label} is invalid: unknown content type "${uid}"`);
          }
          if (!contentTypesService().isActionable(uid)) {
            throw new Error(`${label} is invalid: "${uid}" is not a collection type of the app`);
          }
        }
      }

      const clash = definitions.find((existing) => {
        if (existing.name !== definition.name) return false;
        const uids = definition.contentTypes === '*' ? Object.keys(strapi.contentTypes) : definition.contentTypes;
        return uids.some((uid) => covers(existing, uid) && !isDisabled(existing, uid));
      });
      if (clash) {
        throw new Error(
          `${label} is already registered for ${clash.contentTypes === '*' ? 'every content type' : clash.contentTypes.join(', ')}; ` +
            `names are unique per content type (disable the existing one first to replace it)`
        );
      }

      definitions.push(definition);
      getService(strapi, 'permissions').registerCustomPermissions(definition, definitions);
    },

    /** Removes an action everywhere, or only for one content type. */
    disable(name: string, contentType?: string) {
      const named = definitions.filter((definition) => definition.name === name);
      if (!named.length) throw new Error(`bulk-actions: cannot disable "${name}": no action of that name is registered`);
      for (const definition of named) {
        const set = disabled.get(definition) ?? new Set<string>();
        set.add(contentType ?? '*');
        disabled.set(definition, set);
      }
    },

    /** The actions available to a content type (registered, not disabled, supported), in registration order. */
    list(contentType: string): BulkActionDefinition[] {
      return definitions.filter((definition) => covers(definition, contentType) && !isDisabled(definition, contentType));
    },

    get(contentType: string, name: string): BulkActionDefinition | undefined {
      return this.list(contentType).find((definition) => definition.name === name);
    },

    /** The definition a run executes: a registered action, or the plugin's own undo. */
    /** Its runs can be undone: what they change is recorded, or the action undoes them itself. */
    canUndo(definition: BulkActionDefinition): boolean {
      return Boolean(definition.revertible || definition.revert);
    },

    definitionOf(contentType: string, name: string): BulkActionDefinition | undefined {
      return name === REVERT_ACTION ? (revertAction as BulkActionDefinition) : this.get(contentType, name);
    },

    /** Every registered definition (for permission registration). */
    all(): readonly BulkActionDefinition[] {
      return definitions;
    },

  };
};

export default createActionsService;
export type ActionsService = ReturnType<typeof createActionsService>;
