import { PassThrough } from 'stream';
import ExcelJS from 'exceljs';
import { createAssembler, type Assembly } from '../../server/src/services/runs/files';
import { jsonValue, sheetCell, sheetColumnType } from '../../server/src/utils/typed-values';

/** Feeds a header and parts through an assembler, as a download does from the stored parts. */
const assemble = async (assembly: Assembly, header: string | null, parts: string[], date?: Date) => {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => out.on('end', resolve));
  const file = createAssembler(assembly, out, { date });
  if (header !== null) await file.header(header);
  for (const part of parts) await file.part(part);
  await file.end();
  await ended;
  return Buffer.concat(chunks);
};

describe('json-array assembly', () => {
  it('joins the parts into one array whatever parts are empty, first or in between', async () => {
    const text = (await assemble('json-array', null, ['', '{"a":1}\n{"a":2}\n', '', '{"a":3}\n'])).toString('utf8');
    expect(JSON.parse(text)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(text).toBe('[\n{"a":1},\n{"a":2},\n{"a":3}\n]\n');
  });

  it('is an empty array without entries', async () => {
    expect((await assemble('json-array', '', ['', ''])).toString('utf8')).toBe('[]\n');
  });
});

describe('xlsx assembly', () => {
  const header = JSON.stringify({
    columns: [
      { name: 'title', type: 'string' },
      { name: 'views', type: 'number' },
      { name: 'featured', type: 'boolean' },
      { name: 'day', type: 'date' },
      { name: 'at', type: 'datetime' },
    ],
  });
  const parts = ['["=1+1",3,true,"2026-05-06","2026-05-06T07:08:09.000Z"]\n', '', '["x",null,false,null,null]\n'];

  it('writes typed cells: strings (also a leading =) as strings, numbers, booleans, dates as dates', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await assemble('xlsx', header, parts)) as any);
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(1).values).toEqual([undefined, 'title', 'views', 'featured', 'day', 'at']);
    const row = sheet.getRow(2);
    expect(row.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(row.getCell(1).value).toBe('=1+1');
    expect(row.getCell(1).formula).toBeUndefined();
    expect(row.getCell(2).value).toBe(3);
    expect(row.getCell(3).value).toBe(true);
    expect(row.getCell(4).value).toEqual(new Date('2026-05-06T00:00:00.000Z'));
    expect(row.getCell(4).numFmt).toBe('yyyy-mm-dd');
    expect(row.getCell(5).value).toEqual(new Date('2026-05-06T07:08:09.000Z'));
    expect(sheet.getRow(3).getCell(2).type).toBe(ExcelJS.ValueType.Null);
    expect(sheet.rowCount).toBe(3);
  });

  it('gives the same bytes for the same parts and date, whenever it is assembled', async () => {
    const date = new Date('2026-01-02T03:04:05Z');
    const first = await assemble('xlsx', header, parts, date);
    await new Promise((resolve) => setTimeout(resolve, 2100)); // past the zip format's 2-second resolution
    expect(Buffer.compare(await assemble('xlsx', header, parts, date), first)).toBe(0);
  });

  it('refuses rows before the header', async () => {
    await expect(assemble('xlsx', null, parts)).rejects.toThrow(/header/);
  });
});

describe('typed values', () => {
  it('keeps numbers, booleans and strings typed, dates as ISO 8601', () => {
    expect(jsonValue('integer', 3)).toBe(3);
    expect(jsonValue('decimal', '2.5')).toBe(2.5);
    expect(jsonValue('boolean', 1)).toBe(true);
    expect(jsonValue('string', '=1+1')).toBe('=1+1');
    expect(jsonValue('date', '2026-02-03')).toBe('2026-02-03');
    expect(jsonValue('datetime', '2026-02-03T04:05:06.000Z')).toBe('2026-02-03T04:05:06.000Z');
    expect(jsonValue('time', '10:20:30.000')).toBe('10:20:30.000');
    expect(jsonValue('integer', null)).toBeNull();
  });

  it('writes a biginteger as text in JSON, as a number in a sheet only when it is exact', () => {
    expect(jsonValue('biginteger', '9007199254740993')).toBe('9007199254740993');
    expect(sheetCell('biginteger', '42')).toBe(42);
    expect(sheetCell('biginteger', '9007199254740993')).toBe('9007199254740993');
    expect(sheetColumnType('biginteger')).toBe('number');
    expect(sheetColumnType('enumeration')).toBe('string');
    expect(sheetColumnType('datetime')).toBe('datetime');
  });
});
