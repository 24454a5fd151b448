import type { AttributeOption, EditChange, FormField } from '../../../server/src/contracts';
import type { FormValues } from '../components/ActionForm';

type Translate = (id: string, defaultMessage: string, values?: Record<string, string | number>) => string;

/** The English of each operation as a phrase ("set stage to “review”"); the ids are in en.json and fr.json. */
const PHRASES: Record<string, string> = {
  set: 'set {field} to “{value}”',
  clear: 'clear {field}',
  append: 'append “{value}” to {field}',
  prepend: 'prepend “{value}” to {field}',
  replace: 'replace “{find}” with “{replacement}” in {field}',
  trim: 'trim the spaces of {field}',
  lowercase: 'lowercase {field}',
  uppercase: 'uppercase {field}',
  increment: 'increase {field} by {value}',
  decrement: 'decrease {field} by {value}',
  multiply: 'multiply {field} by {value}',
  percent: 'change {field} by {value} %',
  toggle: 'toggle {field}',
  shift: 'shift {field} by {days, plural, one {# day} other {# days}} and {hours, plural, one {# hour} other {# hours}}',
  add: 'add {items, plural, one {# item} other {# items}} to {field}',
  remove: 'remove {items, plural, one {# item} other {# items}} from {field}',
};

const text = (value: unknown, t: Translate): string => {
  if (value === null || value === undefined || value === '') return t('changes.empty', 'empty');
  if (Array.isArray(value)) return value.map((item) => text(item, t)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

/** One change in words: "set stage to “review”". Relations and media name how many items, not their ids. */
export const describeChange = (change: EditChange, t: Translate, option?: AttributeOption): string => {
  const phrase = PHRASES[change.op];
  if (!phrase) return `${change.op} ${change.field}`;
  const value = change.value as Record<string, unknown> | unknown;
  const object = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
  const isLinked = Boolean(option && (option.type.startsWith('relation') || option.type.startsWith('media')));
  const shown =
    change.op === 'set' && isLinked
      ? t('confirm.change.items', '{items, plural, one {# item} other {# items}}', { items: Array.isArray(value) ? value.length : value ? 1 : 0 })
      : text(value, t);
  return t(`confirm.change.${change.op}`, phrase, {
    field: change.field,
    value: shown,
    find: text(object.find, t),
    replacement: text(object.replace, t),
    days: Number(object.days ?? 0),
    hours: Number(object.hours ?? 0),
    items: Array.isArray(value) ? value.length : value === undefined || value === null ? 0 : 1,
  });
};

const capitalize = (phrase: string) => phrase.charAt(0).toLocaleUpperCase() + phrase.slice(1);

/**
 * The confirmation of an action with a `changes` field, naming what it does: one change → "Set stage
 * to “review” on 3 entries?"; several → "Change 3 entries: set stage to “review”, increase views by 2?".
 * Null when the form holds no complete change yet (the action's own message is shown then).
 */
export const describeChanges = (form: FormField[], values: FormValues, count: number, t: Translate): string | null => {
  const field = form.find((candidate) => candidate.type === 'changes');
  if (!field) return null;
  const changes = (Array.isArray(values[field.name]) ? values[field.name] : []) as Array<Partial<EditChange>>;
  const complete = changes.filter((change): change is EditChange => Boolean(change.field && change.op));
  if (complete.length === 0) return null;
  const optionOf = (name: string) => field.options?.find((option) => option.name === name);
  const phrases = complete.map((change) => describeChange(change, t, optionOf(change.field)));
  const question =
    phrases.length === 1
      ? t('confirm.changes.one', '{change} on {count, plural, one {# entry} other {# entries}}?', { change: capitalize(phrases[0]), count })
      : t('confirm.changes.several', 'Change {count, plural, one {# entry} other {# entries}}: {changes}?', {
          count,
          changes: phrases.join(t('confirm.changes.separator', ', ')),
        });
  // the update action's option to write the published versions too: the editor reads that the live site changes
  const live = values.published === true && form.some((candidate) => candidate.name === 'published' && candidate.type === 'boolean');
  return live ? t('confirm.changes.published', '{question} Published entries change on the live site too.', { question }) : question;
};

/** The confirm button: the action and the count ("Delete 2 entries"); built-ins have their verb. */
export const confirmButtonLabel = (action: { name: string; label: string }, count: number, t: Translate): string => {
  const verbs: Record<string, string> = {
    delete: 'Delete {count, plural, one {# entry} other {# entries}}',
    publish: 'Publish {count, plural, one {# entry} other {# entries}}',
    unpublish: 'Unpublish {count, plural, one {# entry} other {# entries}}',
    'update-field': 'Update {count, plural, one {# entry} other {# entries}}',
    'export-csv': 'Export {count, plural, one {# entry} other {# entries}}',
  };
  if (Object.hasOwn(verbs, action.name)) return t(`confirm.button.${action.name}`, verbs[action.name], { count });
  return t('confirm.button', '{label}: {count, plural, one {# entry} other {# entries}}', { label: action.label, count });
};
