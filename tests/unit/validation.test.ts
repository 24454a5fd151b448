import { errors } from '@strapi/utils';
import { valueSchema } from '../../server/src/services/registry/forms';
import { parseOrThrow } from '../../server/src/utils/validate';
import { listRunsQuerySchema, previewRequestSchema, runIdParamSchema, runRequestSchema, settingsSchema } from '../../server/src/validation';

/** The 400's message for an input, or 'ok'. */
const refusal = (schema: Parameters<typeof parseOrThrow>[0], input: unknown, where: 'body' | 'query' = 'body') => {
  try {
    parseOrThrow(schema, input, where);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(errors.ValidationError);
    return (error as Error).message;
  }
};

describe('request schemas', () => {
  it.each([
    [{ selection: { documentIds: ['abc'] } }, 'ok'],
    [{ selection: { query: { filters: { title: { $eq: 'x' } }, _q: 'x', status: 'published' } }, locale: 'fr' }, 'ok'],
    [{ selection: { documentIds: [] } }, 'body.selection.documentIds: must not be empty'],
    [{ selection: { documentIds: ['a', 'b', 'c', 'd'] } }, 'body.selection.documentIds: must not hold more than 3 ids'],
    [{ selection: { documentIds: [1] } }, 'body.selection.documentIds.0: must be a string'],
    [{ selection: { query: { status: 'modified' } } }, /^body.selection.query.status: Invalid enum value/],
    [{ selection: { documentIds: ['a'] }, locale: '' }, 'body.locale: String must contain at least 1 character(s)'],
    [{ selection: { documentIds: ['a'] }, params: {} }, 'ok'],
    [{ selection: { documentIds: ['a'] }, params: [] }, /^body.params: Expected object, received array/],
    [{ selection: { documentIds: ['a'] }, idempotencyKey: 'k' }, "body: Unrecognized key(s) in object: 'idempotencyKey'"],
  ])('preview %j', (input, expected) => {
    const message = refusal(previewRequestSchema(3), input);
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it('takes params and an idempotency key on a run, not on a preview', () => {
    expect(refusal(runRequestSchema(3), { selection: { documentIds: ['a'] }, params: { x: 1 }, idempotencyKey: 'k' })).toBe('ok');
    expect(refusal(runRequestSchema(3), { selection: { documentIds: ['a'] }, idempotencyKey: 'k'.repeat(129) })).toMatch(
      /^body.idempotencyKey: String must contain at most 128/
    );
  });

  it('parses the run list query from strings, with bounds', () => {
    expect(parseOrThrow(listRunsQuerySchema, { page: '2', status: 'failed', user: '3' }, 'query')).toEqual({
      page: 2, pageSize: 20, status: 'failed', user: 3,
    });
    expect(refusal(listRunsQuerySchema, { pageSize: '101' }, 'query')).toBe('query.pageSize: Number must be less than or equal to 100');
    expect(refusal(listRunsQuerySchema, { sort: 'id' }, 'query')).toBe("query: Unrecognized key(s) in object: 'sort'");
    expect(refusal(runIdParamSchema, 'x', 'query')).toBe('query: must be a number');
  });

  it('bounds the settings body', () => {
    expect(refusal(settingsSchema, { contentTypes: { 'api::a.a': { actions: ['*'] } } })).toBe('ok');
    expect(refusal(settingsSchema, { contentTypes: { 'api::a.a': { actions: Array(201).fill('x') } } })).toMatch(
      /^body.contentTypes.api::a.a.actions: Array must contain at most 200/
    );
  });
});

describe('value schemas of attributes and form fields', () => {
  const check = (spec: Parameters<typeof valueSchema>[0], value: unknown) => {
    const result = valueSchema(spec).safeParse(value);
    return result.success ? 'ok' : result.error.issues.map((issue) => issue.message).join('; ');
  };

  it.each([
    [{ type: 'string', maxLength: 3 }, 'abcd', 'must be at most 3 characters'],
    [{ type: 'string', required: true }, '', 'is required'],
    [{ type: 'string' }, null, 'ok'],
    [{ type: 'string', required: true }, null, 'must be a string'],
    [{ type: 'email' }, 'not-mail', 'must be an email address'],
    [{ type: 'integer', min: 0 }, -1, 'must be at least 0'],
    [{ type: 'integer' }, 1.5, 'must be a whole number'],
    [{ type: 'decimal' }, '1.5', 'must be a number'],
    [{ type: 'decimal', max: 2 }, 1.5, 'ok'],
    [{ type: 'boolean' }, 'true', 'must be true or false'],
    [{ type: 'enumeration', enum: ['a', 'b'] }, 'c', 'must be one of a, b'],
    [{ type: 'date' }, '2026-02-28', 'ok'],
    [{ type: 'date' }, '2026-02-30', 'must be a real date'],
    [{ type: 'date' }, '2026-13-01', 'must be a real date'],
    [{ type: 'date' }, '01/02/2026', 'must be a date (YYYY-MM-DD)'],
    [{ type: 'datetime' }, '2026-12-01T10:00:00Z', 'ok'],
    [{ type: 'datetime' }, 'soon', 'must be a date and time (ISO 8601)'],
    [{ type: 'datetime' }, '2026-02-30T10:00:00Z', 'must be a date and time (ISO 8601)'],
    [{ type: 'time' }, '23:59:59.999', 'ok'],
    [{ type: 'time' }, '25:61', 'must be a time (HH:mm or HH:mm:ss)'],
    [{ type: 'time' }, '9am', 'must be a time (HH:mm or HH:mm:ss)'],
  ])('%j with %j', (spec, value, expected) => {
    expect(check(spec, value)).toBe(expected);
  });

  it('refuses a type it does not know instead of accepting anything', () => {
    expect(() => valueSchema({ type: 'json' })).toThrow('unsupported value type json');
  });
});
