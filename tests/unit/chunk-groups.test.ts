import { nextGroupSize } from '../../server/src/services/runs/chunks';

describe('query mode: how many chunks the next call of a handler takes', () => {
  const cases: Array<[string, { size: number; max: number }, number, number, number]> = [
    // name, group before, chunks of the last call, its ms, expected
    ['quick calls double', { size: 1, max: 8 }, 1, 5, 2],
    ['never more than twice the last call', { size: 2, max: 8 }, 2, 1, 4],
    ['never more than the handler allows', { size: 4, max: 4 }, 4, 2, 4],
    ['as many as fit in 40 ms at the pace measured', { size: 8, max: 8 }, 8, 80, 4],
    ['a slow call brings it back to one chunk', { size: 4, max: 8 }, 4, 400, 1],
    ['one chunk at least, however slow', { size: 1, max: 8 }, 1, 5_000, 1],
    ['a handler without maxEntries stays at one', { size: 1, max: 1 }, 1, 0, 1],
  ];
  it.each(cases)('%s', (_name, group, chunks, ms, expected) => {
    expect(nextGroupSize(group, chunks, ms)).toBe(expected);
  });
});
