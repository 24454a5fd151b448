import crypto from 'crypto';
import fs from 'fs';
import { Transform } from 'stream';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { errors } from '@strapi/utils';
import type { UploadFormat } from '../../contracts';

/**
 * Reading an uploaded file into rows of text cells, streamed: CSV through papaparse (`,` `;` or tab
 * guessed, UTF-8 with or without BOM), XLSX through exceljs' streaming reader (first worksheet). Cells
 * are kept as the file holds them; typing them per attribute is the action's work (values.ts). Every
 * problem is a 400 naming the row and column where it can, thrown before anything is stored.
 */

export interface ParseLimits {
  maxRows: number;
  maxColumns: number;
}

export interface ParsedFile {
  columns: string[];
  rows: number;
  sha256: string;
}

/** Rows of one stored part: bounded so a part stays a few hundred kB. */
export const ROWS_PER_PART = 1000;

export const badFile = (message: string) => new errors.ValidationError(`file: ${message}`);

/** The format from the file's name; names with path separators or control characters are refused. */
export const uploadFormat = (name: string): UploadFormat => {
  // eslint-disable-next-line no-control-regex
  if (!name || name.length > 255 || /[/\\\u0000-\u001f]/.test(name) || name === '.' || name === '..') {
    throw badFile(`the file name ${JSON.stringify(name.slice(0, 80))} is not a plain file name (no path separators or control characters, at most 255 characters)`);
  }
  const extension = name.toLowerCase().split('.').pop();
  if (extension === 'xlsx') return 'xlsx';
  if (extension === 'csv' || extension === 'tsv' || extension === 'txt') return 'csv';
  throw badFile(`"${name}" is neither a CSV (.csv, .tsv, .txt) nor an XLSX (.xlsx) file`);
};

/** Header cells: named, unique, not too many. */
const checkHeader = (header: string[], limits: ParseLimits) => {
  if (header.length > limits.maxColumns) throw badFile(`the header has ${header.length} columns; at most ${limits.maxColumns} are accepted`);
  const seen = new Map<string, number>();
  header.forEach((name, index) => {
    if (!name.trim()) throw badFile(`column ${index + 1} of the header has no name`);
    const first = seen.get(name);
    if (first !== undefined) throw badFile(`the column "${name}" appears twice in the header (columns ${first + 1} and ${index + 1})`);
    seen.set(name, index);
  });
};

type Sink = (rows: string[][], firstRow: number) => Promise<void>;

/**
 * Buffers rows into parts and hands each full part to `sink`; counts rows against the limit and
 * checks that every row has the header's width.
 */
const rowCollector = (limits: ParseLimits, sink: Sink) => {
  let header: string[] | null = null;
  let buffer: string[][] = [];
  let rows = 0;
  let firstRow = 1;
  return {
    get header() {
      return header;
    },
    get rows() {
      return rows;
    },
    /** one line of the file (1-based line number for messages); true when the buffer is full */
    add(cells: string[], line: number): boolean {
      if (!header) {
        header = cells;
        checkHeader(header, limits);
        return false;
      }
      rows += 1;
      if (rows > limits.maxRows) throw badFile(`the file has more than ${limits.maxRows} rows`);
      if (cells.length !== header.length) {
        throw badFile(`row ${line} has ${cells.length} ${cells.length === 1 ? 'cell' : 'cells'}; the header has ${header.length}`);
      }
      buffer.push(cells);
      return buffer.length >= ROWS_PER_PART;
    },
    async flush() {
      if (!buffer.length) return;
      const part = buffer;
      buffer = [];
      await sink(part, firstRow);
      firstRow += part.length;
    },
  };
};

/**
 * The file's bytes as text for papaparse: the BOM dropped, binary content and invalid UTF-8 refused,
 * the SHA-256 of the bytes computed on the way.
 */
const textOf = (hash: crypto.Hash) => {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      let bytes = chunk;
      if (first) {
        first = false;
        if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
        if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
          return done(badFile('is a ZIP archive (an XLSX workbook?), not CSV text: give it the .xlsx extension'));
        }
      }
      const nul = bytes.indexOf(0);
      if (nul !== -1) return done(badFile(`is a binary file, not CSV text (a NUL byte at byte ${offset + nul + 1})`));
      let text: string;
      try {
        text = decoder.decode(bytes, { stream: true });
      } catch {
        return done(badFile(`is not valid UTF-8 text (near byte ${offset + 1}): save it as CSV UTF-8`));
      }
      offset += chunk.length;
      done(null, text);
    },
    flush(done) {
      try {
        done(null, decoder.decode());
      } catch {
        done(badFile('is not valid UTF-8 text (it ends inside a character): save it as CSV UTF-8'));
      }
    },
  });
};

export async function parseCsv(filePath: string, limits: ParseLimits, sink: Sink): Promise<ParsedFile> {
  const hash = crypto.createHash('sha256');
  const collector = rowCollector(limits, sink);
  const text = fs.createReadStream(filePath, { highWaterMark: 256 * 1024 }).pipe(textOf(hash));
  text.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    let line = 0;
    const fail = (error: unknown, parser?: Papa.Parser) => {
      if (failed) return;
      failed = true;
      parser?.abort();
      text.destroy();
      reject(error);
    };
    text.on('error', (error) => fail(error));
    Papa.parse<string[]>(text as unknown as File, {
      delimitersToGuess: [',', ';', '\t'],
      skipEmptyLines: true,
      step(result, parser) {
        if (failed) return;
        line += 1;
        try {
          const problem = result.errors.find((error) => error.type === 'Quotes');
          if (problem) throw badFile(`row ${line} has a quote that is never closed`);
          if (collector.add(result.data, line)) {
            parser.pause();
            collector.flush().then(() => parser.resume(), (error) => fail(error, parser));
          }
        } catch (error) {
          fail(error, parser);
        }
      },
      complete() {
        if (!failed) resolve();
      },
      error(error) {
        fail(badFile(`could not be read as CSV: ${error.message}`));
      },
    });
  });
  await collector.flush();
  return finish(collector, hash);
}

const finish = (collector: ReturnType<typeof rowCollector>, hash: crypto.Hash): ParsedFile => {
  if (!collector.header) throw badFile('is empty');
  if (!collector.rows) throw badFile('has a header but no rows');
  return { columns: collector.header, rows: collector.rows, sha256: hash.digest('hex') };
};

/** An XLSX cell as text, as the CSV export would have written the value (numbers, booleans, ISO dates). */
export const sheetText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const cell = value as { result?: unknown; richText?: Array<{ text: string }>; text?: unknown; error?: string };
    if (Array.isArray(cell.richText)) return cell.richText.map((run) => run.text).join('');
    if ('result' in cell) return sheetText(cell.result);
    if (typeof cell.text === 'string') return cell.text;
    if (typeof cell.error === 'string') return cell.error;
    return JSON.stringify(value);
  }
  return String(value);
};

export async function parseXlsx(filePath: string, limits: ParseLimits, sink: Sink): Promise<ParsedFile> {
  const hash = crypto.createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    fs.createReadStream(filePath).on('data', (chunk) => hash.update(chunk)).on('end', resolve).on('error', reject);
  });
  const collector = rowCollector(limits, sink);
  let width = 0;
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(filePath, {
      worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'emit',
    });
    for await (const sheet of reader) {
      // a workbook leaves empty rows out: they are no data
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = (row.values as unknown[]).slice(1);
        if (!collector.header) {
          const header = values.map(sheetText);
          while (header.length && !header[header.length - 1]) header.pop();
          width = header.length;
          collector.add(header, row.number);
          continue;
        }
        const cells = values.map(sheetText);
        // trailing empty cells are not written by spreadsheets: pad to the header's width
        while (cells.length < width) cells.push('');
        while (cells.length > width && !cells[cells.length - 1]) cells.pop();
        if (cells.every((cell) => cell === '')) continue;
        if (collector.add(cells, row.number)) await collector.flush();
      }
      break; // the first worksheet only
    }
  } catch (error) {
    if (error instanceof errors.ValidationError) throw error;
    throw badFile(`is not a readable XLSX workbook (${(error as Error).message})`);
  }
  await collector.flush();
  return finish(collector, hash);
}
