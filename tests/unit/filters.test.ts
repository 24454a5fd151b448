import { DEFAULT_FILTER_LIMITS, FilterError, validateFilters, type FilterSchema } from '../../server/src/utils/filters';

const schemas: Record<string, FilterSchema> = {
  'api::article.article': {
    uid: 'api::article.article',
    attributes: {
      title: { type: 'string' },
      views: { type: 'integer' },
      featured: { type: 'boolean' },
      publishDate: { type: 'date' },
      createdAt: { type: 'datetime' },
      secretNote: { type: 'string', private: true },
      meta: { type: 'json' },
      seo: { type: 'component', component: 'shared.seo' },
      sections: { type: 'dynamiczone' },
      category: { type: 'relation', relation: 'manyToOne', target: 'api::category.category' },
      createdBy: { type: 'relation', relation: 'oneToOne', target: 'admin::user' },
    },
  },
  'api::category.category': {
    uid: 'api::category.category',
    attributes: {
      name: { type: 'string' },
      articles: { type: 'relation', relation: 'oneToMany', target: 'api::article.article' },
    },
  },
  'shared.seo': { uid: 'shared.seo', attributes: { metaTitle: { type: 'string' } } },
  'admin::user': { uid: 'admin::user', attributes: { firstname: { type: 'string' }, password: { type: 'password' } } },
};
const getSchema = (uid: string) => (Object.hasOwn(schemas, uid) ? schemas[uid] : undefined);
const check = (filters: unknown, limits = DEFAULT_FILTER_LIMITS) => validateFilters(filters, 'api::article.article', getSchema, limits);

/** The problem found, as "path: message", or "ok". */
const outcome = (filters: unknown, limits = DEFAULT_FILTER_LIMITS) => {
  try {
    check(filters, limits);
    return 'ok';
  } catch (error) {
    if (!(error instanceof FilterError)) throw error;
    return `${error.path.join('.')}: ${error.message}`;
  }
};

describe('filter validation: what the Content Manager list sends passes', () => {
  it.each([
    [{}],
    [{ title: 'x' }],
    [{ title: { $eq: 'x' } }],
    [{ title: { $eq: null } }],
    [{ title: { $ne: 'x' } }],
    [{ title: { $eqi: 'X' } }],
    [{ title: { $nei: 'X' } }],
    [{ title: { $contains: 'x' } }],
    [{ title: { $notContains: 'x' } }],
    [{ title: { $containsi: 'x' } }],
    [{ title: { $notContainsi: 'x' } }],
    [{ title: { $startsWith: 'x' } }],
    [{ title: { $startsWithi: 'x' } }],
    [{ title: { $endsWith: 'x' } }],
    [{ title: { $endsWithi: 'x' } }],
    [{ title: { $null: 'true' } }],
    [{ title: { $notNull: true } }],
    [{ title: { $in: ['a', 'b'] } }],
    [{ title: { $notIn: ['a'] } }],
    [{ title: { $not: { $eq: 'x' } } }],
    [{ title: { $eq: ['a', 'b'] } }],
    [{ views: { $gt: '5' } }],
    [{ views: { $gte: 5, $lte: 10 } }],
    [{ views: { $between: [1, 10] } }],
    [{ featured: { $eq: 'true' } }],
    [{ featured: false }],
    [{ publishDate: { $lt: '2026-01-31' } }],
    [{ createdAt: { $gte: '2026-01-01T00:00:00.000Z' } }],
    [{ id: { $in: ['1', '2'] } }],
    [{ documentId: { $eq: 'abc' } }],
    [{ $and: [{ title: { $contains: 'a' } }, { views: { $gt: 1 } }] }],
    [{ $or: [{ title: 'a' }, { $not: { views: { $lt: 0 } } }] }],
    [{ category: { name: { $eq: 'Category 1' } } }],
    [{ category: { id: { $eq: '1' } } }],
    [{ category: { $null: true } }],
    [{ category: { $and: [{ name: 'a' }, { name: { $ne: 'b' } }] } }],
    [{ createdBy: { firstname: { $eq: 'Ed' } } }],
    [{ seo: { metaTitle: { $containsi: 'sale' } } }],
  ])('%j', (filters) => {
    expect(outcome(filters)).toBe('ok');
  });
});

describe('filter validation: anything else is refused with its path', () => {
  const deep = (levels: number) => {
    let filter: Record<string, unknown> = { title: 'x' };
    for (let i = 0; i < levels; i += 1) filter = { $and: [filter] };
    return filter;
  };
  /** article → category → article → … `hops` relations deep, ending on a field of the last model. */
  const relationPath = (hops: number) => {
    let filter: Record<string, unknown> = hops % 2 === 1 ? { name: 'x' } : { title: 'x' };
    for (let i = hops - 1; i >= 0; i -= 1) filter = i % 2 === 0 ? { category: filter } : { articles: filter };
    return filter;
  };

  it.each([
    [{ title: { $where: '1=1' } }, 'title.$where: "$where" is not a filter operator'],
    [{ title: { $raw: 'x' } }, 'title.$raw: "$raw" is not a filter operator'],
    [{ title: { $regex: '.*' } }, 'title.$regex: "$regex" is not a filter operator'],
    [{ title: { $jsonSupersetOf: {} } }, 'title.$jsonSupersetOf: "$jsonSupersetOf" is not a filter operator'],
    [{ nosuchfield: { $eq: 'x' } }, 'nosuchfield: "nosuchfield" is not a field of api::article.article'],
    [{ 'title"; --': 'x' }, 'title"; --: "title"; --" is not a field of api::article.article'],
    [{ constructor: { $eq: 'x' } }, 'constructor: "constructor" is not a field of api::article.article'],
    [JSON.parse('{"__proto__":{"$eq":"x"}}'), '__proto__: "__proto__" is not a field of api::article.article'],
    [{ toString: 'x' }, 'toString: "toString" is not a field of api::article.article'],
    [{ $eq: 'x' }, '$eq: "$eq" is not a filter operator here (only $and, $or and $not combine conditions)'],
    [{ secretNote: 'x' }, 'secretNote: "secretNote" is a private field'],
    [{ meta: { $eq: 'x' } }, 'meta: "meta" is a JSON field and cannot be filtered on'],
    [{ sections: { $null: true } }, 'sections: "sections" is a dynamic zone and cannot be filtered on'],
    [{ createdBy: { password: { $eq: 'x' } } }, 'createdBy.password: "password" of an admin user cannot be filtered on'],
    [{ title: { $eq: { $ne: null } } }, 'title.$eq: must be a single value (text, number or boolean)'],
    [{ title: {} }, 'title: must not be an empty object'],
    [{ views: { $gt: 'abc' } }, 'views.$gt: must be a number'],
    [{ views: { $contains: '1' } }, 'views.$contains: "$contains" compares text; this field is integer'],
    [{ createdAt: { $gt: 'garbage' } }, 'createdAt.$gt: must be a date and time (ISO 8601)'],
    [{ publishDate: { $eq: '2026-13-45' } }, 'publishDate.$eq: must be a date (YYYY-MM-DD)'],
    [{ publishDate: { $eq: '2026-02-30' } }, 'publishDate.$eq: must be a date (YYYY-MM-DD)'],
    [{ featured: { $eq: 'maybe' } }, 'featured.$eq: must be true or false'],
    [{ title: { $null: { x: 1 } } }, 'title.$null: must be a single value (text, number or boolean)'],
    [{ title: { $in: 'a' } }, 'title.$in: must be a list of values'],
    [{ title: { $in: [] } }, 'title.$in: must not be empty'],
    [{ views: { $between: [1, 2, 3] } }, 'views.$between: must be a list of 2 values'],
    [{ title: { $in: [{ $ne: null }] } }, 'title.$in.0: must be a single value (text, number or boolean)'],
    [{ $and: { title: 'x' } }, '$and: $and must be a list of conditions'],
    [{ $or: [{ title: 'x' }, {}] }, '$or.1: must not be an empty condition'],
    [{ $and: [] }, '$and: $and must not be an empty list'],
    [{ $not: {} }, '$not: must not be an empty condition'],
    [{ category: {} }, 'category: must not be an empty condition'],
    [{ seo: {} }, 'seo: must not be an empty condition'],
    [{ $or: ['x'] }, '$or.0: must be an object of fields and operators'],
    [{ $not: 'x' }, '$not: must be an object of fields and operators'],
    [{ category: { $eq: 1, name: 'x' } }, 'category: a relation takes one operator on its id, or filters on its fields, not both'],
    [{ category: { nope: 'x' } }, 'category.nope: "nope" is not a field of api::category.category'],
    [{ title: 'x'.repeat(1001) }, 'title: must be at most 1000 characters (limit filters.maxValueLength)'],
    [{ title: { $in: Array.from({ length: 33_000 }, (_, i) => String(i)) } }, 'title.$in: must hold at most 1000 values (limit filters.maxValues)'],
    [{ $or: Array.from({ length: 5000 }, (_, i) => ({ title: String(i) })) }, '$or: $or must hold at most 100 conditions (limit filters.maxTerms)'],
  ])('%j', (filters, message) => {
    expect(outcome(filters)).toBe(message);
  });

  it('refuses nesting past maxDepth without walking the rest', () => {
    expect(outcome(deep(5000))).toMatch(/is nested more than 10 levels deep \(limit filters.maxDepth\)$/);
    expect(outcome(deep(9))).toBe('ok');
  });

  it('refuses relation paths past maxRelationDepth', () => {
    expect(outcome(relationPath(3))).toBe('ok');
    expect(outcome(relationPath(39))).toMatch(/follows more than 4 relations along one path \(limit filters.maxRelationDepth\)$/);
  });

  it('refuses too many joins and too many nodes in all', () => {
    const joins = { $or: Array.from({ length: 21 }, () => ({ category: { name: 'x' } })) };
    expect(outcome(joins)).toBe('$or.20.category: the filter follows more than 20 relations in all (limit filters.maxJoins)');
    const wide = { $and: Array.from({ length: 100 }, () => ({ $or: Array.from({ length: 30 }, () => ({ title: 'x' })) })) };
    expect(outcome(wide)).toMatch(/has more than 2000 keys and values \(limit filters.maxNodes\)$/);
  });

  it('refuses creator filters to those who may not read admin users', () => {
    const creator = { createdBy: { id: { $eq: '1' } } };
    expect(outcome(creator)).toBe('ok');
    expect(() => validateFilters(creator, 'api::article.article', getSchema, DEFAULT_FILTER_LIMITS, { creatorFields: false })).toThrow(
      'filtering by "createdBy" needs the permission to read admin users'
    );
  });

  it('takes its bounds from the limits given', () => {
    expect(outcome({ title: { $in: ['a', 'b', 'c'] } }, { ...DEFAULT_FILTER_LIMITS, maxValues: 2 })).toBe(
      'title.$in: must hold at most 2 values (limit filters.maxValues)'
    );
  });
});
