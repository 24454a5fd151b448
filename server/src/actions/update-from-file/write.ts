import type { Knex } from '../../services/runs/queue';
import { plainColumnValue } from '../edit-fields/plan';

/** Bound parameters per UPDATE: far under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_BINDINGS = 20_000;

/** One column of a chunk: the rows taking each value (values as parseCell answers them). */
export interface ColumnWrite {
  column: string;
  type: string;
  groups: Array<{ value: unknown; rowIds: number[] }>;
}

/**
 * A chunk's column changes as UPDATEs of all its `rowIds` (columns → values or knex expressions):
 * one, unless a very wide file needs more bound parameters than one statement takes. A column all
 * rows take one value of is `col = value`; any other is `CASE WHEN id IN (…) THEN value … ELSE col
 * END`, so a price list with all-different values is one statement, not one per entry. The stamp
 * goes in the first.
 */
export function columnUpdates(trx: Knex, rowIds: number[], writes: ColumnWrite[], stamp: Record<string, unknown>): Array<Record<string, unknown>> {
  const statements: Array<Record<string, unknown>> = [{ ...stamp }];
  let bindings = rowIds.length + Object.keys(stamp).length;
  const all = new Set(rowIds);
  for (const { column, type, groups } of writes) {
    const kept = groups.filter((group) => group.rowIds.length);
    if (!kept.length) continue;
    const whole = kept.length === 1 && kept[0].rowIds.length === all.size && kept[0].rowIds.every((id) => all.has(id));
    const needs = whole ? 1 : kept.reduce((sum, group) => sum + group.rowIds.length + 1, 0);
    if (bindings + needs > MAX_BINDINGS && Object.keys(statements[statements.length - 1]).length) {
      statements.push({});
      bindings = rowIds.length;
    }
    bindings += needs;
    statements[statements.length - 1][column] = whole
      ? plainColumnValue(type, kept[0].value)
      : trx.raw(
          `CASE ${kept.map((group) => `WHEN id IN (${group.rowIds.map(() => '?').join(', ')}) THEN ?`).join(' ')} ELSE ?? END`,
          [...kept.flatMap((group) => [...group.rowIds, plainColumnValue(type, group.value)]), column]
        );
  }
  return statements.filter((data) => Object.keys(data).length);
}
