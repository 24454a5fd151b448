import knexFactory from 'knex';
import { columnUpdates } from '../../server/src/actions/update-from-file/write';

describe('update-from-file: a chunk\'s columns as one UPDATE', () => {
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
  afterAll(() => knex.destroy());

  beforeEach(async () => {
    await knex.schema.dropTableIfExists('t');
    await knex.schema.createTable('t', (table) => {
      table.increments('id');
      table.string('title');
      table.integer('views');
      table.bigInteger('big');
      table.integer('updated_by_id');
    });
    await knex('t').insert([1, 2, 3, 4].map((n) => ({ title: `t${n}`, views: n, big: n, updated_by_id: null })));
  });

  const apply = async (updates: Array<Record<string, unknown>>, rowIds: number[]) => {
    for (const data of updates) await knex('t').whereIn('id', rowIds).update(data);
    return knex('t').orderBy('id').select('id', 'title', 'views', 'big', 'updated_by_id');
  };

  it('writes a value per row with a CASE, one value to every row plainly, and leaves rows no group names as they are', async () => {
    const updates = columnUpdates(knex as any, [1, 2, 3], [
      { column: 'title', type: 'string', groups: [{ value: 'a', rowIds: [1] }, { value: null, rowIds: [3] }] },
      { column: 'views', type: 'integer', groups: [{ value: 7, rowIds: [1, 2, 3] }] },
      { column: 'big', type: 'biginteger', groups: [{ value: 10, rowIds: [2] }, { value: 11, rowIds: [3] }] },
    ], { updated_by_id: 9 });
    expect(updates).toHaveLength(1);
    expect(updates[0].views).toBe(7);
    expect(await apply(updates, [1, 2, 3])).toEqual([
      { id: 1, title: 'a', views: 7, big: 1, updated_by_id: 9 },
      { id: 2, title: 't2', views: 7, big: 10, updated_by_id: 9 },
      { id: 3, title: null, views: 7, big: 11, updated_by_id: 9 },
      { id: 4, title: 't4', views: 4, big: 4, updated_by_id: null },
    ]);
  });

  it('splits the columns over several UPDATEs when one would bind too many parameters', async () => {
    const rowIds = Array.from({ length: 3000 }, (_, i) => i + 1);
    await knex.batchInsert('t', rowIds.slice(4).map((n) => ({ title: `t${n}`, views: n, big: n })), 400);
    // every row its own value: about 2 parameters per row and column
    const each = (column: string, type: string, of: (id: number) => unknown) => ({ column, type, groups: rowIds.map((id) => ({ value: of(id), rowIds: [id] })) });
    const updates = columnUpdates(knex as any, rowIds, [each('title', 'string', (id) => `n${id}`), each('views', 'integer', (id) => id * 2), each('big', 'biginteger', (id) => id * 3)], { updated_by_id: 1 });
    expect(updates.length).toBeGreaterThan(1);
    const rows = await apply(updates, rowIds);
    expect(rows.every((row: any) => row.title === `n${row.id}` && row.views === row.id * 2 && Number(row.big) === row.id * 3 && row.updated_by_id === 1)).toBe(true);
  });
});
