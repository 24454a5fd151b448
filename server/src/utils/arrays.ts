import type { RowRange } from '../types';

/** The smallest and the largest of some row ids. */
export const rangeOf = (ids: number[]): RowRange => ({ first: Math.min(...ids), last: Math.max(...ids) });

/** Splits a list into consecutive slices of at most `size` items. */
export const chunk = <T>(items: T[], size: number): T[][] => {
  const slices: T[][] = [];
  for (let i = 0; i < items.length; i += size) slices.push(items.slice(i, i + size));
  return slices;
};
