/**
 * Structural validation of a list filter before it becomes a where clause.
 *
 * Strapi's query layer drops keys it does not know and throws (a 500) on shapes it cannot turn into
 * SQL, so a filter that is not checked first can widen a selection ("$where" dropped: every entry
 * matches) or take the server down (a 20,000-term `$or`). This walks the filter once, against the
 * content type's own attributes, and refuses anything that is not an attribute, a relation or
 * component path, or an operator the Content Manager's list can produce, within fixed bounds.
 * Field-level permissions are checked afterwards by the Content Manager's own validator.
 */

import { isRealDate, isRealDateTime, isRealTime } from './dates';

/** Bounds of one filter; every default covers what the Content Manager's list produces. */
export interface FilterLimits {
  /** nesting of `$and`/`$or`/`$not`, relations and components */
  maxDepth: number;
  /** terms of one `$and`/`$or` */
  maxTerms: number;
  /** values of one `$in`/`$notIn` (or of one operator given a list) */
  maxValues: number;
  /** relations and components followed along one path (SQLite joins at most 64 tables) */
  maxRelationDepth: number;
  /** relations and components followed in the whole filter */
  maxJoins: number;
  /** keys and list items in the whole filter */
  maxNodes: number;
  /** characters of one value */
  maxValueLength: number;
}

export const DEFAULT_FILTER_LIMITS: FilterLimits = {
  maxDepth: 10,
  maxTerms: 100,
  maxValues: 1000,
  maxRelationDepth: 4,
  maxJoins: 20,
  maxNodes: 2000,
  maxValueLength: 1000,
};

/** The part of a Strapi schema this walk reads. */
export interface FilterSchema {
  uid: string;
  attributes: Record<string, FilterAttribute>;
}
export interface FilterAttribute {
  type: string;
  private?: boolean;
  target?: string;
  component?: string;
  repeatable?: boolean;
  relation?: string;
}
export type GetSchema = (uid: string) => FilterSchema | undefined;

export class FilterError extends Error {
  constructor(public path: string[], message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

const GROUP = new Set(['$and', '$or']);
/** Comparisons that hold for any scalar type. */
const COMPARISONS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte']);
/** Text comparisons: on a number column PostgreSQL refuses LIKE and lower(). */
const TEXT_OPERATORS = new Set([
  '$eqi', '$nei', '$startsWith', '$endsWith', '$startsWithi', '$endsWithi',
  '$contains', '$notContains', '$containsi', '$notContainsi',
]);
const LIST_OPERATORS = new Set(['$in', '$notIn']);
const NULL_OPERATORS = new Set(['$null', '$notNull']);
const ATTRIBUTE_OPERATORS = new Set([...COMPARISONS, ...TEXT_OPERATORS, ...LIST_OPERATORS, ...NULL_OPERATORS, '$between', '$not']);

const TEXT_TYPES = new Set(['string', 'text', 'richtext', 'email', 'uid', 'enumeration']);
const NUMBER_TYPES = new Set(['integer', 'biginteger', 'float', 'decimal']);
const DATE_TYPES = new Set(['date', 'datetime', 'time', 'timestamp']);
/** Types a filter may never name: secrets, or values the list cannot compare. */
const UNFILTERABLE = new Map([
  ['password', 'is a password'],
  ['json', 'is a JSON field'],
  ['blocks', 'is a rich-text blocks field'],
  ['media', 'is a media field'],
  ['dynamiczone', 'is a dynamic zone'],
]);
/**
 * Private to the Content API but offered by the list's filters (to those who may read admin users);
 * which of the user's fields may be compared is then up to the Content Manager's own validator.
 */
export const CREATOR_FIELDS = new Set(['createdBy', 'updatedBy']);
/** The admin user's fields a creator filter may compare (the admin's own list of safe fields). */
const ADMIN_USER_FILTER_FIELDS = new Set(['id', 'firstname', 'lastname', 'username', 'email', 'isActive']);
/** Present on every row although schemas do not always list them. */
const ROW_ATTRIBUTES: Record<string, FilterAttribute> = {
  id: { type: 'integer' },
  documentId: { type: 'string' },
};

const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
const BOOLEAN_STRINGS = new Set(['true', 'false', '1', '0', 't', 'f']);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

/** What a value must be to be compared with an attribute of this type, or null when it is. */
const valueProblem = (type: string, value: unknown): string | null => {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'must be a finite number';
    if (NUMBER_TYPES.has(type)) {
      return typeof value === 'number' || (typeof value === 'string' && NUMBER.test(value)) ? null : 'must be a number';
    }
    if (type === 'boolean') {
      return typeof value === 'boolean' || value === 0 || value === 1 || BOOLEAN_STRINGS.has(String(value).toLowerCase())
        ? null
        : 'must be true or false';
    }
    if (type === 'date') return typeof value === 'string' && isRealDate(value) ? null : 'must be a date (YYYY-MM-DD)';
    if (type === 'time') return typeof value === 'string' && isRealTime(value) ? null : 'must be a time (HH:mm:ss)';
    if (type === 'datetime' || type === 'timestamp') {
      return typeof value === 'string' && isRealDateTime(value) ? null : 'must be a date and time (ISO 8601)';
    }
    return null;
  }
  return 'must be a single value (text, number or boolean)';
};

/**
 * Throws a FilterError naming the first problem (its path from the filter root); returns when the
 * whole filter is made of known attributes and operators with values of the right type.
 */
export function validateFilters(
  filters: unknown,
  uid: string,
  getSchema: GetSchema,
  limits: FilterLimits = DEFAULT_FILTER_LIMITS,
  { creatorFields = true }: { creatorFields?: boolean } = {}
) {
  let nodes = 0;
  let joins = 0;

  const fail = (path: string[], message: string): never => {
    throw new FilterError(path, message);
  };
  const count = (path: string[], n = 1) => {
    nodes += n;
    if (nodes > limits.maxNodes) fail(path, `the filter has more than ${limits.maxNodes} keys and values (limit filters.maxNodes)`);
  };
  const deeper = (path: string[], depth: number) => {
    if (depth > limits.maxDepth) fail(path, `the filter is nested more than ${limits.maxDepth} levels deep (limit filters.maxDepth)`);
  };

  const checkValue = (path: string[], type: string, value: unknown, { nullable = false } = {}) => {
    if (value === null && nullable) return;
    if (typeof value === 'string' && value.length > limits.maxValueLength) {
      fail(path, `must be at most ${limits.maxValueLength} characters (limit filters.maxValueLength)`);
    }
    const problem = valueProblem(type, value);
    if (problem) fail(path, problem);
  };

  const checkList = (path: string[], type: string, value: unknown, { exactly }: { exactly?: number } = {}) => {
    if (!Array.isArray(value)) fail(path, exactly ? `must be a list of ${exactly} values` : 'must be a list of values');
    const list = value as unknown[];
    if (exactly !== undefined && list.length !== exactly) fail(path, `must be a list of ${exactly} values`);
    if (list.length === 0) fail(path, 'must not be empty');
    if (list.length > limits.maxValues) fail(path, `must hold at most ${limits.maxValues} values (limit filters.maxValues)`);
    count(path, list.length);
    list.forEach((item, i) => checkValue([...path, String(i)], type, item));
  };

  /** `{ $eq: 'x' }`, `{ $not: { $in: [...] } }` or a plain value (an implicit `$eq`). */
  const attributeCondition = (path: string[], type: string, condition: unknown, depth: number) => {
    deeper(path, depth);
    if (!isPlainObject(condition)) {
      if (Array.isArray(condition)) return checkList(path, type, condition);
      return checkValue(path, type, condition, { nullable: true });
    }
    const keys = Object.keys(condition);
    if (keys.length === 0) fail(path, 'must not be an empty object');
    count(path, keys.length);
    for (const operator of keys) {
      const at = [...path, operator];
      const value = condition[operator];
      if (!ATTRIBUTE_OPERATORS.has(operator)) fail(at, `"${operator}" is not a filter operator`);
      if (TEXT_OPERATORS.has(operator) && !TEXT_TYPES.has(type)) fail(at, `"${operator}" compares text; this field is ${type}`);
      if (operator === '$not') attributeCondition(at, type, value, depth + 1);
      else if (NULL_OPERATORS.has(operator)) checkValue(at, 'boolean', value);
      else if (LIST_OPERATORS.has(operator)) checkList(at, type, value);
      else if (operator === '$between') checkList(at, type, value, { exactly: 2 });
      else if (Array.isArray(value)) checkList(at, type, value); // any of these values
      else checkValue(at, type, value, { nullable: operator === '$eq' || operator === '$ne' });
    }
  };

  /** The clause of a relation: an id, one id operator, or a filter on the target's attributes. */
  const relationCondition = (path: string[], target: string, condition: unknown, depth: number, hops: number) => {
    if (!isPlainObject(condition)) return attributeCondition(path, 'integer', condition, depth);
    const keys = Object.keys(condition);
    const operators = keys.filter((key) => key.startsWith('$') && !GROUP.has(key) && key !== '$not');
    if (operators.length > 0) {
      // the query layer compares the related id with a lone operator and refuses a mix
      if (keys.length > 1) fail(path, 'a relation takes one operator on its id, or filters on its fields, not both');
      return attributeCondition(path, 'integer', condition, depth);
    }
    whereClause(path, target, condition, depth, hops);
  };

  const whereClause = (path: string[], modelUid: string, where: unknown, depth: number, hops: number) => {
    deeper(path, depth);
    if (!isPlainObject(where)) fail(path, 'must be an object of fields and operators');
    const clause = where as Record<string, unknown>;
    const keys = Object.keys(clause);
    // an empty condition says nothing (`$not: {}` matches every row); the Content Manager refuses it too
    if (keys.length === 0 && path.length > 0) fail(path, 'must not be an empty condition');
    count(path, keys.length);
    const schema = getSchema(modelUid);
    if (!schema) fail(path, 'refers to a model that does not exist');

    for (const key of keys) {
      const at = [...path, key];
      const value = clause[key];
      if (GROUP.has(key)) {
        if (!Array.isArray(value)) fail(at, `${key} must be a list of conditions`);
        const terms = value as unknown[];
        if (terms.length === 0) fail(at, `${key} must not be an empty list`);
        if (terms.length > limits.maxTerms) fail(at, `${key} must hold at most ${limits.maxTerms} conditions (limit filters.maxTerms)`);
        count(at, terms.length);
        terms.forEach((term, i) => whereClause([...at, String(i)], modelUid, term, depth + 1, hops));
        continue;
      }
      if (key === '$not') {
        whereClause(at, modelUid, value, depth + 1, hops);
        continue;
      }
      if (key.startsWith('$')) fail(at, `"${key}" is not a filter operator here (only $and, $or and $not combine conditions)`);

      const attribute = Object.hasOwn(schema!.attributes, key)
        ? schema!.attributes[key]
        : Object.hasOwn(ROW_ATTRIBUTES, key)
          ? ROW_ATTRIBUTES[key]
          : undefined;
      if (!attribute) fail(at, `"${key}" is not a field of ${schema!.uid}`);
      const isCreator = CREATOR_FIELDS.has(key) && attribute!.target === 'admin::user';
      if (attribute!.private && !isCreator) fail(at, `"${key}" is a private field`);
      if (isCreator && !creatorFields) fail(at, `filtering by "${key}" needs the permission to read admin users`);
      if (modelUid === 'admin::user' && !ADMIN_USER_FILTER_FIELDS.has(key)) fail(at, `"${key}" of an admin user cannot be filtered on`);
      const unfilterable = UNFILTERABLE.get(attribute!.type);
      if (unfilterable) fail(at, `"${key}" ${unfilterable} and cannot be filtered on`);

      if (attribute!.type === 'relation' || attribute!.type === 'component') {
        const target = attribute!.type === 'relation' ? attribute!.target : attribute!.component;
        if (!target || String(attribute!.relation ?? '').startsWith('morph')) fail(at, `"${key}" is a polymorphic relation and cannot be filtered on`);
        if (hops + 1 > limits.maxRelationDepth) {
          fail(at, `the filter follows more than ${limits.maxRelationDepth} relations along one path (limit filters.maxRelationDepth)`);
        }
        joins += 1;
        if (joins > limits.maxJoins) fail(at, `the filter follows more than ${limits.maxJoins} relations in all (limit filters.maxJoins)`);
        if (attribute!.type === 'component') whereClause(at, target!, value, depth + 1, hops + 1);
        else relationCondition(at, target!, value, depth + 1, hops + 1);
        continue;
      }
      attributeCondition(at, attribute!.type, value, depth + 1);
    }
  };

  whereClause([], uid, filters, 0, 0);
}
