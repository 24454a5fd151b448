import { neutralizeCell } from '../../server/src/actions/export-csv';

describe('neutralizeCell (CSV formula injection)', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['@x', "'@x"],
    ['+1', "'+1"],
    ['-1+1', "'-1+1"],
    ['\tX', "'\tX"],
    ['\rX', "'\rX"],
    ['\0X', "'\0X"],
  ])('prefixes %j with a single quote', (input, expected) => {
    expect(neutralizeCell(input)).toBe(expected);
  });

  it.each([['Ordinary text'], [''], ['a=b'], ['Article 001'], ["it's fine"], ['1+1=']])(
    'leaves %j unchanged',
    (input) => {
      expect(neutralizeCell(input)).toBe(input);
    }
  );

  it('prefixes exactly one quote, only at the start', () => {
    const out = neutralizeCell('=HYPERLINK("http://x","y")');
    expect(out).toBe('\'=HYPERLINK("http://x","y")');
    expect(out.startsWith("''")).toBe(false);
  });
});
