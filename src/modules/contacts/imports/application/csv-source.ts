import { CsvError, parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { badRequest } from '../../../../platform/errors/domain-error';
import { Delimiter, headerKey } from '../domain/import-options';
import { RowError } from '../domain/import-status';
import { restoreFormula } from './csv-formula';
import { TextScan } from './text-scan';

/** Longest field accepted (a CSV without the right quoting otherwise swallows the rest of the file into one cell). */
const MAX_FIELD_BYTES = 1024 * 1024;
const SNIFF_BYTES = 64 * 1024;

/** The header line's most frequent candidate separator outside quotes. */
export function sniffDelimiter(head: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of head.replace(/^\uFEFF/, '')) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** Where a CSV's bytes come from: a file on this machine (the CLI) or an upload kept in the database. */
export interface CsvInput {
  /** Up to `bytes` bytes from the start (the delimiter is sniffed there). */
  head(bytes: number): Promise<Buffer>;
  /** The whole file, from the start, as a stream that reads on demand. */
  open(): Readable;
  size(): Promise<number>;
}

/** A CSV file on local disk. */
export function fileInput(file: string): CsvInput {
  return {
    async head(bytes) {
      const handle = await open(file, 'r');
      try {
        const buf = Buffer.alloc(bytes);
        const { bytesRead } = await handle.read(buf, 0, bytes, 0);
        return buf.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    open: () => createReadStream(file, { highWaterMark: 256 * 1024 }),
    size: async () => (await stat(file)).size,
  };
}

async function delimiterOf(input: CsvInput, wanted: Delimiter): Promise<',' | ';'> {
  if (wanted !== 'auto') return wanted;
  return sniffDelimiter((await input.head(SNIFF_BYTES)).toString('utf8'));
}

/** One data row: its number (1 = the first row after the header) and its cells by header key. */
export interface CsvRow {
  row: number;
  cells: Map<string, string>;
  /**
   * Why the row cannot be imported as read, when it cannot: it has more cells than the header
   * (an unquoted separator inside a value shifts every cell after it).
   */
  problem?: string;
}

/** A row's `problem` as an error of the report (the whole row: no column). */
export const rowProblem = (row: CsvRow): RowError => ({ row: row.row, column: '', message: row.problem ?? '' });

/** What a CSV error of the parser says, in the caller's terms (never the cell's content). */
function csvProblem(err: CsvError): string {
  const line = typeof err.lines === 'number' ? err.lines : null;
  const at = line === null ? '' : ` at line ${line}`;
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `has a quoted value that is never closed (the file ends${at})`;
    case 'CSV_MAX_RECORD_SIZE':
      return `has a row larger than ${MAX_FIELD_BYTES / 1024 / 1024} MB${at} (a quote that is never closed?)`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `has a quoted value followed by other characters${at} (a quote inside a quoted value must be doubled: "")`;
    default:
      return `is not valid CSV${at}`;
  }
}

/** Passes the bytes on once TextScan found them to be UTF-8 text. */
function textChecked(): Transform {
  const scan = new TextScan();
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        scan.push(chunk);
        done(null, chunk);
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done) {
      try {
        scan.end();
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
}

/**
 * The rows of a CSV, streamed: UTF-8 with or without BOM (anything else is refused, naming the
 * line), `,` or `;`, quoted fields with separators, quotes and line breaks, stray quotes inside
 * an unquoted value kept as they are, blank lines skipped, short rows padded; a row with more
 * (non-blank) cells than the header is a row with a `problem`.
 * `onHeader` sees the header keys (trimmed, lower-case) before the first row.
 */
export async function* readCsv(input: CsvInput, delimiter: Delimiter, onHeader: (headers: string[]) => void): AsyncGenerator<CsvRow> {
  const source = input.open();
  const text = textChecked();
  const parser = parse({
    bom: true,
    delimiter: await delimiterOf(input, delimiter),
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    relax_column_count: true,
    // Exports write `Bob "Bobby" Smith` unquoted: the quotes are part of the value.
    relax_quotes: true,
    max_record_size: MAX_FIELD_BYTES,
  });
  source.on('error', (err) => text.destroy(err));
  text.on('error', (err) => parser.destroy(err));
  source.pipe(text).pipe(parser);
  let headers: string[] | null = null;
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!headers) {
        headers = record.map(headerKey);
        onHeader(headers);
        continue;
      }
      row++;
      const cells = new Map<string, string>();
      // A cell the export wrote as text for spreadsheets (csv-formula.ts) comes back as it was.
      headers.forEach((h, i) => cells.set(h, restoreFormula(record[i] ?? '')));
      // Blank cells past the header's end are a trailing separator many exports write: harmless.
      if (record.length > headers.length && record.some((cell, i) => i >= (headers as string[]).length && cell.trim() !== '')) {
        yield { row, cells, problem: `has ${record.length} cells; the header has ${headers.length}` };
      } else yield { row, cells };
    }
  } catch (err) {
    if (err instanceof CsvError) {
      const problem = csvProblem(err);
      throw badRequest(`The file ${problem} (after data row ${row}).`, [{ field: 'file', message: problem }], 'INVALID_CSV');
    }
    throw err;
  } finally {
    source.destroy();
    text.destroy();
  }
  if (!headers) throw badRequest('The file is empty: it needs a header row.', [{ field: 'file', message: 'has no header row' }], 'INVALID_CSV');
}

/** The header keys of a CSV (reads no further than its first data row). */
export async function readHeader(input: CsvInput, delimiter: Delimiter): Promise<string[]> {
  let headers: string[] = [];
  const rows = readCsv(input, delimiter, (h) => (headers = h));
  try {
    await rows.next();
  } finally {
    await rows.return(undefined);
  }
  return headers;
}
