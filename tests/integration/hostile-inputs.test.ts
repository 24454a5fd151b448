/**
 * Hostile inputs, as a table: each request is refused with the status and message a user would see,
 * and a fingerprint of every article row (draft and published, both locales) and of the audit log
 * proves that nothing was resolved, run or changed.
 */
import crypto from 'crypto';
import qs from 'qs';
import { bootPlayground, type TestApp } from '../helpers/strapi';
import { ARTICLE, CATEGORY, actionUrl, draftIdsCreatedBy } from '../helpers/content';

type Who = 'admin' | 'editor' | 'author';
interface Case {
  name: string;
  as: Who;
  method: 'get' | 'post' | 'put';
  url: string | (() => string);
  body?: unknown;
  status: number;
  message: string | RegExp;
}

const preview = actionUrl(ARTICLE, 'update-field', 'preview');
const run = actionUrl(ARTICLE, 'update-field', 'run');
const query = (filters: unknown) => ({ selection: { query: { filters } } });
/** A body with `$and` nested `levels` deep, written as text: JSON.stringify itself overflows on it. */
const nested = (levels: number) =>
  `{"selection":{"query":{"filters":${'{"$and":['.repeat(levels)}{"title":{"$eq":"x"}}${']}'.repeat(levels)}}}}`;
const relationPath = (hops: number) => {
  let filter: Record<string, unknown> = hops % 2 === 1 ? { name: { $eq: 'x' } } : { title: { $eq: 'x' } };
  for (let i = hops - 1; i >= 0; i -= 1) filter = i % 2 === 0 ? { category: filter } : { articles: filter };
  return filter;
};
const many = (n: number, make: (i: number) => unknown) => Array.from({ length: n }, (_, i) => make(i));
const filterError = (path: string, message: string) => `body.selection.query.filters.${path}: ${message}`;

describe('hostile inputs are refused and change nothing', () => {
  let app: TestApp;
  let editorIds: string[];
  let oneTitle: string;
  let editorRunId: number;

  const fingerprint = async () => {
    const rows = await app.knex()('articles').orderBy('id').select('*');
    const runs = await app.knex()('bulk_actions_runs').count({ n: '*' });
    return crypto.createHash('sha256').update(JSON.stringify({ rows, runs })).digest('hex');
  };

  beforeAll(async () => {
    app = await bootPlayground({ articles: 16, env: { BULK_ACTIONS_TEST_ACTIONS: 'true' } });
    await app.enableActions(ARTICLE, ['update-field', 'export-csv', 'delete', 'mark-reviewed', 'bump-views']);
    await app.enableActions(CATEGORY, ['delete']);
    editorIds = await draftIdsCreatedBy(app, app.seeded.users.editor.id);
    oneTitle = (await app.knex()('articles').where({ document_id: editorIds[0], locale: 'en' }).first()).title;
    // a run of the editor's, for the run-id cases
    const res = await app.as('editor').post(run).send({
      selection: { documentIds: editorIds.slice(0, 2) },
      params: { field: 'views', value: 7 },
    });
    expect(res.status).toBe(200);
    editorRunId = res.body.data.run.id;
  });
  afterAll(() => app?.close());

  const cases: Case[] = [
    // filters: unknown operators and keys never widen the selection
    { name: '$where operator', as: 'editor', method: 'post', url: preview, body: query({ title: { $where: '1=1' } }), status: 400, message: filterError('title.$where', '"$where" is not a filter operator') },
    { name: '$raw operator', as: 'editor', method: 'post', url: preview, body: query({ title: { $raw: 'true' } }), status: 400, message: filterError('title.$raw', '"$raw" is not a filter operator') },
    { name: '$regex operator', as: 'editor', method: 'post', url: preview, body: query({ title: { $regex: '.*' } }), status: 400, message: filterError('title.$regex', '"$regex" is not a filter operator') },
    { name: 'unknown field', as: 'editor', method: 'post', url: preview, body: query({ nosuchfield: { $eq: 'x' } }), status: 400, message: filterError('nosuchfield', `"nosuchfield" is not a field of ${ARTICLE}`) },
    { name: 'key with quotes', as: 'editor', method: 'post', url: preview, body: query({ 'title" OR 1=1 --': { $eq: 'x' } }), status: 400, message: /is not a field of api::article.article$/ },
    { name: 'a run whose $and hides a $where', as: 'editor', method: 'post', url: run, body: () => ({ ...query({ $and: [{ title: { $eq: oneTitle } }, { views: { $where: 'views < 0' } }] }), params: { field: 'views', value: 55 } }), status: 400, message: filterError('$and.1.views.$where', '"$where" is not a filter operator') },
    { name: 'root-level attribute operator', as: 'editor', method: 'post', url: preview, body: query({ $eq: 'x' }), status: 400, message: filterError('$eq', '"$eq" is not a filter operator here (only $and, $or and $not combine conditions)') },
    { name: 'constructor as a field', as: 'editor', method: 'post', url: preview, body: query({ constructor: { $eq: 'x' } }), status: 400, message: filterError('constructor', `"constructor" is not a field of ${ARTICLE}`) },
    { name: '__proto__ as a field', as: 'editor', method: 'post', url: preview, body: '{"selection":{"query":{"filters":{"__proto__":{"$eq":"x"}}}}}', status: 400, message: 'Object contains forbidden prototype property' },
    { name: 'an admin user\'s password through createdBy', as: 'admin', method: 'post', url: preview, body: query({ createdBy: { password: { $eq: 'x' } } }), status: 400, message: filterError('createdBy.password', '"password" is a private field') },
    { name: 'an admin user\'s private field through createdBy', as: 'admin', method: 'post', url: preview, body: query({ createdBy: { resetPasswordToken: { $notNull: true } } }), status: 400, message: filterError('createdBy.resetPasswordToken', '"resetPasswordToken" is a private field') },
    { name: 'an unknown list status', as: 'editor', method: 'post', url: preview, body: query({ $and: [{ __status: { $eq: 'everything' } }] }), status: 400, message: 'body.selection.query.filters.$and.0.__status.$eq: must be one of draft, published, published-modified, published-unmodified' },
    { name: 'the list status outside $and', as: 'editor', method: 'post', url: preview, body: query({ __status: { $eq: 'draft' } }), status: 400, message: filterError('__status', `"__status" is not a field of ${ARTICLE}`) },
    { name: 'a creator filter from a role that may not read admin users', as: 'author', method: 'post', url: preview, body: query({ $and: [{ createdBy: { id: { $eq: '1' } } }] }), status: 400, message: filterError('$and.0.createdBy', 'filtering by "createdBy" needs the permission to read admin users') },
    { name: 'an admin user\'s roles through updatedBy', as: 'admin', method: 'post', url: preview, body: query({ updatedBy: { roles: { id: { $eq: '1' } } } }), status: 400, message: filterError('updatedBy.roles', '"roles" is a private field') },
    { name: 'unknown field behind a relation', as: 'editor', method: 'post', url: preview, body: query({ category: { nope: { $eq: 'x' } } }), status: 400, message: filterError('category.nope', `"nope" is not a field of ${CATEGORY}`) },
    { name: 'relation mixing an operator and a field', as: 'editor', method: 'post', url: preview, body: query({ category: { $eq: 1, name: 'x' } }), status: 400, message: filterError('category', 'a relation takes one operator on its id, or filters on its fields, not both') },
    // filters: wrong value types
    { name: 'operator given an object', as: 'editor', method: 'post', url: preview, body: query({ title: { $eq: { $ne: null } } }), status: 400, message: filterError('title.$eq', 'must be a single value (text, number or boolean)') },
    { name: 'empty operator object', as: 'editor', method: 'post', url: preview, body: query({ title: {} }), status: 400, message: filterError('title', 'must not be an empty object') },
    { name: 'text for a number', as: 'editor', method: 'post', url: preview, body: query({ views: { $gt: 'lots' } }), status: 400, message: filterError('views.$gt', 'must be a number') },
    { name: 'text operator on a number', as: 'editor', method: 'post', url: preview, body: query({ views: { $containsi: '1' } }), status: 400, message: filterError('views.$containsi', '"$containsi" compares text; this field is integer') },
    { name: 'not a date', as: 'editor', method: 'post', url: preview, body: query({ createdAt: { $gt: 'yesterday-ish' } }), status: 400, message: filterError('createdAt.$gt', 'must be a date and time (ISO 8601)') },
    { name: 'not a boolean', as: 'editor', method: 'post', url: preview, body: query({ featured: { $eq: 'perhaps' } }), status: 400, message: filterError('featured.$eq', 'must be true or false') },
    { name: '$in given one value', as: 'editor', method: 'post', url: preview, body: query({ title: { $in: 'x' } }), status: 400, message: filterError('title.$in', 'must be a list of values') },
    { name: '$between of three', as: 'editor', method: 'post', url: preview, body: query({ views: { $between: [1, 2, 3] } }), status: 400, message: filterError('views.$between', 'must be a list of 2 values') },
    { name: 'an empty condition inside $or', as: 'editor', method: 'post', url: preview, body: query({ $or: [{ title: { $eq: 'no such title' } }, {}] }), status: 400, message: filterError('$or.1', 'must not be an empty condition') },
    { name: '$and given an object', as: 'editor', method: 'post', url: preview, body: query({ $and: { title: 'x' } }), status: 400, message: filterError('$and', '$and must be a list of conditions') },
    { name: 'filters given a list', as: 'editor', method: 'post', url: preview, body: query([{ title: 'x' }]), status: 400, message: 'body.selection.query.filters: Expected object, received array' },
    // filters: size and shape are bounded before any query
    { name: '$in with 33,000 values', as: 'editor', method: 'post', url: preview, body: query({ title: { $in: many(33_000, String) } }), status: 400, message: filterError('title.$in', 'must hold at most 1000 values (limit filters.maxValues)') },
    { name: '$and nested 5,000 deep', as: 'editor', method: 'post', url: preview, body: nested(5000), status: 400, message: /is nested more than 10 levels deep \(limit filters.maxDepth\)$/ },
    { name: 'a relation path 40 deep', as: 'editor', method: 'post', url: preview, body: query(relationPath(40)), status: 400, message: /follows more than 4 relations along one path \(limit filters.maxRelationDepth\)$/ },
    { name: '$or with 5,000 terms', as: 'editor', method: 'post', url: preview, body: query({ $or: many(5000, (i) => ({ title: { $eq: `t${i}` } })) }), status: 400, message: filterError('$or', '$or must hold at most 100 conditions (limit filters.maxTerms)') },
    { name: 'the author\'s 20,000-term $or', as: 'author', method: 'post', url: preview, body: query({ $or: many(20_000, (i) => ({ title: { $containsi: `term ${i}` } })) }), status: 400, message: filterError('$or', '$or must hold at most 100 conditions (limit filters.maxTerms)') },
    { name: 'a 2,000-character value', as: 'editor', method: 'post', url: preview, body: query({ title: { $eq: 'x'.repeat(2000) } }), status: 400, message: filterError('title.$eq', 'must be at most 1000 characters (limit filters.maxValueLength)') },
    { name: '21 relation joins in all', as: 'editor', method: 'post', url: preview, body: query({ $or: many(21, () => ({ category: { name: { $eq: 'x' } } })) }), status: 400, message: filterError('$or.20.category', 'the filter follows more than 20 relations in all (limit filters.maxJoins)') },
    // params: own keys only
    { name: 'constructor in params', as: 'editor', method: 'post', url: run, body: () => ({ selection: { documentIds: editorIds.slice(0, 1) }, params: { field: 'views', value: 55, constructor: { prototype: {} } } }), status: 400, message: 'params.constructor is not a field of this action' },
    { name: 'toString in params', as: 'editor', method: 'post', url: actionUrl(ARTICLE, 'mark-reviewed', 'run'), body: () => ({ selection: { documentIds: editorIds.slice(0, 1) }, params: { toString: 'x' } }), status: 400, message: 'params.toString is not a field of this action' },
    { name: 'hasOwnProperty in a form\'s params', as: 'editor', method: 'post', url: actionUrl(ARTICLE, 'bump-views', 'run'), body: () => ({ selection: { documentIds: editorIds.slice(0, 1) }, params: { hasOwnProperty: 1 } }), status: 400, message: 'params.hasOwnProperty is not a field of this action' },
    { name: '__proto__ in params', as: 'editor', method: 'post', url: run, body: () => `{"selection":{"documentIds":["${editorIds[0]}"]},"params":{"field":"views","value":55,"__proto__":{"x":1}}}`, status: 400, message: 'Object contains forbidden prototype property' },
    { name: 'a field named like an Object member', as: 'editor', method: 'post', url: run, body: () => ({ selection: { documentIds: editorIds.slice(0, 1) }, params: { field: 'constructor', value: 1 } }), status: 400, message: /^params.field is not an attribute you may update/ },
    // body shape and selection
    { name: 'unknown body key', as: 'editor', method: 'post', url: preview, body: { selection: { documentIds: ['a'] }, extra: true }, status: 400, message: "body: Unrecognized key(s) in object: 'extra'" },
    { name: 'ids and a query at once', as: 'editor', method: 'post', url: preview, body: { selection: { documentIds: ['a'], query: {} } }, status: 400, message: /Unrecognized key\(s\) in object/ },
    { name: 'a documentId with SQL in it', as: 'editor', method: 'post', url: preview, body: { selection: { documentIds: ["x' OR '1'='1"] } }, status: 400, message: 'body.selection.documentIds.0: is not a document id (letters, digits, - and _ only)' },
    { name: 'more ids than maxSelection', as: 'editor', method: 'post', url: preview, body: { selection: { documentIds: many(10_001, (i) => `id${i}`) } }, status: 400, message: 'body.selection.documentIds: must not hold more than 10000 ids' },
    { name: 'a search of 501 characters', as: 'editor', method: 'post', url: preview, body: { selection: { query: { _q: 'q'.repeat(501) } } }, status: 400, message: /^body.selection.query._q: String must contain at most 500 character/ },
    { name: 'an unknown locale', as: 'editor', method: 'post', url: preview, body: { selection: { documentIds: ['a'] }, locale: 'xx-not-here' }, status: 400, message: 'locale: unknown locale "xx-not-here"' },
    { name: 'a locale for a type without i18n', as: 'editor', method: 'post', url: actionUrl(CATEGORY, 'delete', 'preview'), body: { selection: { documentIds: ['a'] }, locale: 'en' }, status: 400, message: `locale: ${CATEGORY} is not localized` },
    { name: 'an idempotency key of 129 characters', as: 'editor', method: 'post', url: run, body: { selection: { documentIds: ['a'] }, idempotencyKey: 'k'.repeat(129), params: { field: 'views', value: 1 } }, status: 400, message: /^body.idempotencyKey: String must contain at most 128 character/ },
    // content types and action names
    { name: 'an unknown content type', as: 'editor', method: 'post', url: actionUrl('api::nope.nope', 'update-field', 'preview'), body: { selection: { documentIds: ['a'] } }, status: 404, message: 'Unknown content type "api::nope.nope" (bulk actions act on collection types)' },
    { name: 'constructor as a content type', as: 'admin', method: 'post', url: actionUrl('constructor', 'update-field', 'preview'), body: { selection: { documentIds: ['a'] } }, status: 404, message: 'Unknown content type "constructor" (bulk actions act on collection types)' },
    { name: 'the plugin\'s own run table', as: 'admin', method: 'post', url: actionUrl('plugin::bulk-actions.run', 'delete', 'preview'), body: { selection: { documentIds: ['a'] } }, status: 404, message: 'Unknown content type "plugin::bulk-actions.run" (bulk actions act on collection types)' },
    { name: 'admin users', as: 'admin', method: 'post', url: actionUrl('admin::user', 'delete', 'preview'), body: { selection: { documentIds: ['a'] } }, status: 404, message: 'Unknown content type "admin::user" (bulk actions act on collection types)' },
    { name: 'toString as an action name', as: 'editor', method: 'post', url: actionUrl(ARTICLE, 'toString', 'preview'), body: { selection: { documentIds: ['a'] } }, status: 404, message: `Unknown action "toString" for ${ARTICLE}` },
    { name: 'an action not enabled', as: 'editor', method: 'post', url: actionUrl(ARTICLE, 'publish', 'run'), body: { selection: { documentIds: ['a'] } }, status: 403, message: `The action "publish" is not enabled for ${ARTICLE}` },
    // settings: own keys only
    { name: '__proto__ as a settings content type', as: 'admin', method: 'put', url: '/bulk-actions/settings', body: '{"contentTypes":{"__proto__":{"actions":["delete"]}}}', status: 400, message: 'Object contains forbidden prototype property' },
    { name: 'replaceBuiltIns not a boolean', as: 'admin', method: 'put', url: '/bulk-actions/settings', body: { contentTypes: { [ARTICLE]: { actions: [], replaceBuiltIns: 1 } } }, status: 400, message: `body.contentTypes.${ARTICLE}.replaceBuiltIns: Expected boolean, received number` },
    { name: 'constructor as a settings content type', as: 'admin', method: 'put', url: '/bulk-actions/settings', body: { contentTypes: { constructor: { actions: [] } } }, status: 400, message: 'contentTypes.constructor: not a collection type bulk actions can act on' },
    // run ids of other users
    { name: 'another user\'s run', as: 'author', method: 'get', url: () => `/bulk-actions/runs/${editorRunId}`, status: 404, message: /^No run \d+$/ },
    { name: 'another user\'s failures', as: 'author', method: 'get', url: () => `/bulk-actions/runs/${editorRunId}/failures`, status: 404, message: /^No run \d+$/ },
    { name: 'another user\'s skipped and failed entries', as: 'author', method: 'get', url: () => `/bulk-actions/runs/${editorRunId}/entries`, status: 404, message: /^No run \d+$/ },
    { name: 'another user\'s download', as: 'author', method: 'get', url: () => `/bulk-actions/runs/${editorRunId}/download`, status: 404, message: /^No run \d+$/ },
    { name: 'cancel another user\'s run', as: 'author', method: 'post', url: () => `/bulk-actions/runs/${editorRunId}/cancel`, status: 404, message: /^No run \d+$/ },
    { name: 'retry another user\'s run', as: 'author', method: 'post', url: () => `/bulk-actions/runs/${editorRunId}/retry`, status: 404, message: /^No run \d+$/ },
    { name: 'a run id that is not a number', as: 'editor', method: 'get', url: '/bulk-actions/runs/1%20OR%201=1', status: 400, message: 'query: must be a number' },
    { name: 'a run list page size of 10,000', as: 'admin', method: 'get', url: '/bulk-actions/runs?pageSize=10000', status: 400, message: 'query.pageSize: Number must be less than or equal to 100' },
    { name: 'an unknown run list filter', as: 'admin', method: 'get', url: '/bulk-actions/runs?filters[userId]=1', status: 400, message: /^query: Unrecognized key\(s\) in object: 'filters'/ },
  ];

  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await fingerprint();
    const url = typeof c.url === 'function' ? c.url() : c.url;
    let req = app.as(c.as)[c.method](url);
    const body = typeof c.body === 'function' ? (c.body as () => unknown)() : c.body;
    if (typeof body === 'string') req = req.set('Content-Type', 'application/json').send(body);
    else if (body !== undefined) req = req.send(body as object);
    const res = await req;
    const { message } = c;
    expect({ status: res.status, message: res.body?.error?.message }).toEqual({
      status: c.status,
      message: typeof message === 'string' ? message : expect.stringMatching(message),
    });
    expect(await fingerprint()).toBe(before);
  });
});

describe('every filter the Content Manager list produces keeps working', () => {
  let app: TestApp;
  let categoryId: number;
  let editorId: number;

  beforeAll(async () => {
    app = await bootPlayground({ articles: 24 });
    await app.enableActions(ARTICLE, ['update-field']);
    categoryId = (await app.knex()('categories').orderBy('id').first()).id;
    editorId = app.seeded.users.editor.id;
  });
  afterAll(() => app?.close());

  /** What the Content Manager's own list counts for these filters (English, drafts as it shows them). */
  const listTotal = async (filters: Record<string, unknown>) => {
    const search = qs.stringify({ page: 1, pageSize: 1, locale: 'en', filters }, { encodeValuesOnly: true });
    const res = await app.as('admin').get(`/content-manager/collection-types/${ARTICLE}?${search}`);
    expect(res.status).toBe(200);
    return res.body.pagination.total as number;
  };

  const filters: Array<[string, () => Record<string, unknown>]> = [
    ['$eq on text', () => ({ $and: [{ title: { $eq: 'Article 003' } }] })],
    ['$eqi', () => ({ $and: [{ title: { $eqi: 'article 003' } }] })],
    ['$ne', () => ({ $and: [{ title: { $ne: 'Article 003' } }] })],
    ['$nei', () => ({ $and: [{ title: { $nei: 'ARTICLE 003' } }] })],
    ['$contains', () => ({ $and: [{ title: { $contains: '01' } }] })],
    ['$containsi', () => ({ $and: [{ title: { $containsi: 'ARTICLE 01' } }] })],
    ['$notContains', () => ({ $and: [{ title: { $notContains: '01' } }] })],
    ['$notContainsi', () => ({ $and: [{ title: { $notContainsi: 'article 01' } }] })],
    ['$startsWith', () => ({ $and: [{ title: { $startsWith: 'Article 00' } }] })],
    ['$startsWithi', () => ({ $and: [{ title: { $startsWithi: 'article 00' } }] })],
    ['$endsWith', () => ({ $and: [{ title: { $endsWith: '1' } }] })],
    ['$endsWithi', () => ({ $and: [{ title: { $endsWithi: '1' } }] })],
    ['$null', () => ({ $and: [{ body: { $null: 'true' } }] })],
    ['$notNull', () => ({ $and: [{ body: { $notNull: 'true' } }] })],
    ['$gt on a number (as the URL sends it, text)', () => ({ $and: [{ views: { $gt: '100' } }] })],
    ['$gte / $lte', () => ({ $and: [{ views: { $gte: '10' } }, { views: { $lte: '500' } }] })],
    ['$lt', () => ({ $and: [{ views: { $lt: '50' } }] })],
    ['a boolean', () => ({ $and: [{ featured: { $eq: 'true' } }] })],
    ['an enumeration', () => ({ $and: [{ stage: { $eq: 'review' } }] })],
    ['a datetime', () => ({ $and: [{ createdAt: { $lte: '2100-01-01T00:00:00.000Z' } }] })],
    ['id and documentId', () => ({ $and: [{ id: { $gt: '3' } }, { documentId: { $notNull: 'true' } }] })],
    ['a relation by its main field', () => ({ $and: [{ category: { name: { $eq: 'Category 1' } } }] })],
    ['a relation by id', () => ({ $and: [{ category: { id: { $eq: String(categoryId) } } }] })],
    ['the creator', () => ({ $and: [{ createdBy: { id: { $eq: String(editorId) } } }] })],
    ['$or of terms', () => ({ $or: [{ stage: { $eq: 'draft' } }, { stage: { $eq: 'trash' } }] })],
    ['$not', () => ({ $not: { stage: { $eq: 'draft' } } })],
    ['$in', () => ({ stage: { $in: ['draft', 'review'] } })],
    ['Status: never published', () => ({ $and: [{ __status: { $eq: 'draft' } }] })],
    ['Status: published', () => ({ $and: [{ __status: { $eq: 'published' } }] })],
    ['Status: published and modified', () => ({ $and: [{ __status: { $eq: 'published-modified' } }] })],
    ['Status: published, unmodified, with another filter', () => ({ $and: [{ __status: { $eq: 'published-unmodified' } }, { views: { $gte: '0' } }] })],
  ];

  it.each(filters)('%s', async (_name, make) => {
    const expected = await listTotal(make());
    const res = await app.as('admin').post(preview).send(query(make()));
    expect({ status: res.status, error: res.body.error?.message }).toEqual({ status: 200, error: undefined });
    expect(res.body.data.total).toBe(expected);
  });

  it('matches something for most of them (the table is not vacuous)', async () => {
    const totals = await Promise.all(filters.map(([, make]) => listTotal(make())));
    expect(totals.filter((total) => total > 0).length).toBeGreaterThan(filters.length / 2);
  });
});
