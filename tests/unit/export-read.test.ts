import { fromDb } from '../../server/src/actions/export-read';

describe('export: column values as the Query Engine returns them', () => {
  it('turns what SQLite and PostgreSQL answer into the same values', () => {
    // PostgreSQL answers decimals as text; SQLite keeps booleans as 0/1 and date-times as epoch ms
    expect(fromDb('decimal', '4.50')).toBe(4.5);
    expect(fromDb('integer', 12)).toBe(12);
    expect(fromDb('boolean', 1)).toBe(true);
    expect(fromDb('boolean', 0)).toBe(false);
    expect(fromDb('boolean', false)).toBe(false);
    expect(fromDb('datetime', Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('2026-01-02T03:04:05.000Z');
    expect(fromDb('datetime', new Date(Date.UTC(2026, 0, 2)))).toBe('2026-01-02T00:00:00.000Z');
    expect(fromDb('datetime', 'not a date')).toBeNull();
    expect(fromDb('date', '2026-01-02')).toBe('2026-01-02');
    expect(fromDb('time', '10:30:00.000')).toBe('10:30:00.000');
    expect(fromDb('biginteger', '9007199254740993')).toBe('9007199254740993');
    expect(fromDb('biginteger', 42)).toBe('42');
    expect(fromDb('string', 7)).toBe('7');
    expect(fromDb('enumeration', 'review')).toBe('review');
  });

  it('keeps null as null whatever the type', () => {
    for (const type of ['string', 'integer', 'decimal', 'boolean', 'datetime', 'date', 'biginteger']) expect(fromDb(type, null)).toBeNull();
  });
});
