/**
 * How a run's file is made from what its handler wrote: the header once, then one part per chunk,
 * in position order. The parts are what the database keeps (see outputs and queue): each commits in
 * its chunk's transaction, so every assembly below keeps the exactly-once and any-instance guarantees
 * of plain text, and the same parts give every instance the same file.
 *
 * - `text`: the file is the header and the parts as written (CSV).
 * - `json-array`: each part holds JSON values, one per line; the file is the array of them all. The
 *   separators are written here, while reading, because a part cannot know whether the parts before
 *   it (written by other workers, or empty) hold values.
 * - `xlsx`: the header is `{"columns":[{"name","type"}]}`, each part holds rows as JSON arrays, one
 *   per line; the file is a workbook streamed through exceljs' WorkbookWriter. A zip cannot be
 *   concatenated from independently written pieces, so the parts keep the typed rows and the workbook
 *   is produced from them whenever the file is served.
 */
import { once } from 'events';
import type { Writable } from 'stream';
import ExcelJS from 'exceljs';
import type { ActionOutput, BulkActionDefinition } from '../../types';
import { FILE_ASSEMBLIES } from '../../constants';

export type Assembly = (typeof FILE_ASSEMBLIES)[number];

/** Cell types of an `xlsx` header: what each column's JSON values become in the sheet. */
export type SheetColumnType = 'string' | 'number' | 'boolean' | 'date' | 'datetime';
export interface SheetColumn {
  name: string;
  type: SheetColumnType;
}

/** The output of a run of this action with these params (an action may pick its file from its form). */
export const outputOf = (definition: BulkActionDefinition, params: Record<string, unknown> | null): ActionOutput | null => {
  if (!definition.output) return null;
  return typeof definition.output === 'function' ? definition.output(params ?? {}) : definition.output;
};

export const assemblyOf = (value: unknown): Assembly => (FILE_ASSEMBLIES.includes(value as Assembly) ? (value as Assembly) : 'text');

/** Writes with backpressure; a destination closed by its reader (a download cut short) stops the writer. */
export const writeTo = async (out: Writable, chunk: string | Buffer) => {
  if (!chunk.length) return;
  if (out.destroyed) throw new Error('The download was interrupted');
  if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
};

/** Waits until what was written so far has left the destination's buffer (or the reader went away). */
const drained = async (out: Writable) => {
  if (out.destroyed) throw new Error('The download was interrupted');
  if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
};

export interface FileAssembler {
  header(text: string): Promise<void>;
  part(text: string): Promise<void>;
  /** ends `out` with the file's closing bytes */
  end(): Promise<void>;
}

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

const textAssembler = (out: Writable): FileAssembler => ({
  header: (text) => writeTo(out, text),
  part: (text) => writeTo(out, text),
  async end() {
    out.end();
  },
});

const jsonArrayAssembler = (out: Writable): FileAssembler => {
  let values = 0;
  let opened = false;
  const open = async () => {
    if (opened) return;
    opened = true;
    await writeTo(out, '[');
  };
  return {
    // the array's brackets are the header and footer; a handler's header has nothing to add
    header: () => open(),
    async part(text) {
      await open();
      const entries = lines(text);
      if (!entries.length) return;
      const first = values === 0;
      values += entries.length;
      await writeTo(out, `${first ? '' : ','}\n${entries.join(',\n')}`);
    },
    async end() {
      await open();
      out.end(values ? '\n]\n' : ']\n');
    },
  };
};

/** 1 Jan 2000: the timestamp of a workbook whose run gives none (never "now": the same parts give the same bytes). */
const FIXED_DATE = new Date(Date.UTC(2000, 0, 1));

/**
 * exceljs' streaming writer, with every zip entry dated `date` instead of the moment it is written:
 * the zip container would otherwise differ from one download to the next. The base constructor
 * assigns `this.zip` and appends the first entries at once, so the archive is caught by a setter.
 */
const archives = new WeakMap<object, any>();

class DatedWorkbookWriter extends ExcelJS.stream.xlsx.WorkbookWriter {
  /** read by the setter while the base constructor runs, before this class could set anything on `this` */
  private static pending: Date = FIXED_DATE;

  constructor(options: Partial<ExcelJS.stream.xlsx.WorkbookStreamWriterOptions> & { created: Date; modified: Date }) {
    DatedWorkbookWriter.pending = options.created;
    super(options);
  }

  set zip(archive: any) {
    const date = DatedWorkbookWriter.pending;
    const append = archive.append.bind(archive);
    archive.append = (source: unknown, data: Record<string, unknown>) => append(source, { ...data, date });
    archives.set(this, archive);
  }

  get zip() {
    return archives.get(this);
  }
}

/** Bytes of sheet XML the zip has not compressed yet above which a part waits (about two parts' rows). */
const ZIP_BACKLOG = 256 * 1024;

/**
 * Waits until the zip has compressed most of what was written. The worksheet writer's stream (an
 * exceljs StreamBuf) writes into the zip entry's stream without heeding its backpressure, so without
 * this the whole sheet's XML piles up there (about 20 MB per 100,000 rows) while the deflate catches
 * up. That stream (readable-stream 2, no `writableLength`) buffers it in `_writableState`; when
 * exceljs changes its internals, this stops waiting and the export still completes.
 */
const compressed = async (sheet: ExcelJS.Worksheet) => {
  const entry = (sheet as any).stream?.pipes?.[0];
  const backlog = () => Number(entry?._writableState?.length ?? 0);
  // bounded: a stalled zip is the download's problem (drained() below), not a reason to spin forever
  for (let waits = 0; backlog() > ZIP_BACKLOG && !entry.destroyed && waits < 5000; waits += 1) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
};

/** Rows of a workbook built per turn of the event loop while a file is assembled. */
const XLSX_ROWS_PER_TURN = 100;

const DATE_FORMATS: Partial<Record<SheetColumnType, string>> = { date: 'yyyy-mm-dd', datetime: 'yyyy-mm-dd hh:mm:ss' };

/** A JSON cell of an `xlsx` part as the sheet's value: dates become Date (UTC), everything else is already typed. */
export const sheetValue = (type: SheetColumnType, value: unknown): ExcelJS.CellValue => {
  if (value === null || value === undefined || value === '') return null;
  if (type === 'date' || type === 'datetime') {
    const date = new Date(type === 'date' ? `${String(value).slice(0, 10)}T00:00:00.000Z` : String(value));
    return Number.isNaN(date.getTime()) ? String(value) : date;
  }
  // a string stays a string cell whatever it starts with: exceljs makes a formula only of { formula }
  if (typeof value === 'object') return JSON.stringify(value);
  return value as string | number | boolean;
};

const xlsxAssembler = (out: Writable, date: Date): FileAssembler => {
  let columns: SheetColumn[] | null = null;
  let workbook: DatedWorkbookWriter | null = null;
  let sheet: ExcelJS.Worksheet | null = null;

  const start = (text: string) => {
    const parsed = JSON.parse(text) as { columns?: SheetColumn[]; sheet?: string };
    if (!Array.isArray(parsed.columns)) throw new Error('An xlsx file needs a header of {"columns": [...]}');
    columns = parsed.columns;
    // useSharedStrings: false keeps no table of every string in memory; styles carry the date formats
    workbook = new DatedWorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false, created: date, modified: date });
    workbook.creator = 'strapi-plugin-bulk-actions';
    workbook.lastModifiedBy = 'strapi-plugin-bulk-actions';
    sheet = workbook.addWorksheet(parsed.sheet?.slice(0, 31) || 'Export', { views: [{ state: 'frozen', ySplit: 1 }] });
    const head = sheet.addRow(columns.map((column) => column.name));
    head.font = { bold: true };
    head.commit();
  };

  return {
    async header(text) {
      if (workbook) return;
      start(text);
      await drained(out);
    },
    async part(text) {
      if (!sheet || !columns) throw new Error('An xlsx file needs its header before its rows');
      const cols = columns;
      const rows = lines(text);
      for (let index = 0; index < rows.length; index += 1) {
        // a part's rows are a chunk's (500): building them in one go held the event loop for tens of ms
        if (index > 0 && index % XLSX_ROWS_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const cells = JSON.parse(rows[index]) as unknown[];
        const row = sheet.addRow(cols.map((column, cell) => sheetValue(column.type, cells[cell])));
        cols.forEach((column, cell) => {
          const format = DATE_FORMATS[column.type];
          if (format && cells[cell] !== null && cells[cell] !== undefined) row.getCell(cell + 1).numFmt = format;
        });
        row.commit();
      }
      // exceljs hands the sheet's XML to the zip without waiting for it to be compressed, and the
      // zip waits for no reader: wait here, once per part, for both, so memory holds about one part
      await compressed(sheet);
      await drained(out);
    },
    async end() {
      if (!workbook) start(JSON.stringify({ columns: [] }));
      sheet!.commit();
      const closed = once(out, 'close').then(() => {
        if (!out.writableFinished) throw new Error('The download was interrupted');
      });
      await Promise.race([workbook!.commit(), closed]);
    },
  };
};

/** The assembler writing a file of this kind into `out`; `date` stamps a workbook (the run's start). */
export function createAssembler(assembly: Assembly, out: Writable, { date = FIXED_DATE }: { date?: Date } = {}): FileAssembler {
  switch (assembly) {
    case 'json-array':
      return jsonArrayAssembler(out);
    case 'xlsx':
      return xlsxAssembler(out, date);
    default:
      return textAssembler(out);
  }
}
