import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { badRequest } from '../../../../platform/errors/domain-error';
import { Delimiter, headerKey } from '../domain/import-options';
import { restoreFormula } from './csv-formula';

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
}

/**
 * The rows of a CSV, streamed: UTF-8 with or without BOM, `,` or `;`, quoted
 * fields with separators, quotes and line breaks, blank lines skipped, short rows padded.
 * `onHeader` sees the header keys (trimmed, lower-case) before the first row.
 */
export async function* readCsv(input: CsvInput, delimiter: Delimiter, onHeader: (headers: string[]) => void): AsyncGenerator<CsvRow> {
  const source = input.open();
  const parser = parse({ bom: true, delimiter: await delimiterOf(input, delimiter), skip_empty_lines: true, skip_records_with_empty_values: true, relax_column_count: true, max_record_size: MAX_FIELD_BYTES });
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
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
      yield { row, cells };
    }
  } catch (err) {
    const e = err as { code?: string; message: string };
    if (e.code?.startsWith('CSV_')) throw badRequest(`The file is not valid CSV after row ${row}: ${e.message}`, [{ field: 'file', message: e.message.slice(0, 200) }], 'INVALID_CSV');
    throw err;
  } finally {
    source.destroy();
  }
  if (!headers) throw badRequest('The file is empty: it needs a header row.', [{ field: 'file', message: 'has no header row' }], 'INVALID_CSV');
}
