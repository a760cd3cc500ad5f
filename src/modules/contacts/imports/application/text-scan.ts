import { isUtf8 } from 'node:buffer';
import { badRequest } from '../../../../platform/errors/domain-error';

/** How far into a file a NUL byte means "binary" (a spreadsheet, a PDF, an executable), not text. */
export const TEXT_HEAD_BYTES = 64 * 1024;
const NL = 0x0a;

/** The start of the last UTF-8 sequence of `buf` when the buffer ends inside it, else `buf.length`. */
function completeUpTo(buf: Buffer): number {
  for (let i = buf.length - 1; i >= 0 && i >= buf.length - 4; i--) {
    const b = buf[i];
    if (b < 0x80) return buf.length;
    if (b >= 0xc0) return buf.length - i < (b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2) ? i : buf.length;
    // A continuation byte: its lead byte is further back.
  }
  return buf.length;
}

/**
 * Checks a file's bytes as they stream by, chunk by chunk, and counts its lines: refuses binary
 * (a NUL byte in the head) and text that is not UTF-8 (which the CSV reader would otherwise
 * decode to U+FFFD and store), naming the line. Costs one native UTF-8 check and a newline scan
 * per chunk; only a chunk that fails is looked at line by line.
 */
export class TextScan {
  /** Line breaks seen so far. */
  private breaks = 0;
  private bytes = 0;
  private lastByte = -1;
  /** The bytes of a UTF-8 sequence cut by the chunk boundary, completed by the next chunk. */
  private carry: Buffer | null = null;

  /** Lines in what was scanned: line breaks, plus a last line without one. */
  get lines(): number {
    return this.breaks + (this.bytes > 0 && this.lastByte !== NL ? 1 : 0);
  }

  push(chunk: Buffer): void {
    if (!chunk.length) return;
    if (this.bytes < TEXT_HEAD_BYTES && chunk.subarray(0, TEXT_HEAD_BYTES - this.bytes).includes(0)) throw notText();
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const end = completeUpTo(buf);
    const whole = end === buf.length ? buf : buf.subarray(0, end);
    if (!isUtf8(whole)) throw notUtf8(this.breaks + 1 + linesBefore(whole));
    this.carry = end === buf.length ? null : Buffer.from(buf.subarray(end));
    for (let at = chunk.indexOf(NL); at !== -1; at = chunk.indexOf(NL, at + 1)) this.breaks++;
    this.bytes += chunk.length;
    this.lastByte = chunk[chunk.length - 1];
  }

  /** At the end of the file: a UTF-8 sequence cut short by the end is not UTF-8 either. */
  end(): void {
    if (this.carry) throw notUtf8(this.lines);
  }
}

/** Line breaks before the first line of `buf` that is not UTF-8 (a line break never sits inside a UTF-8 sequence). */
function linesBefore(buf: Buffer): number {
  let lines = 0;
  let start = 0;
  for (let at = buf.indexOf(NL); at !== -1; at = buf.indexOf(NL, start)) {
    if (!isUtf8(buf.subarray(start, at))) return lines;
    lines++;
    start = at + 1;
  }
  return lines;
}

const notText = () => badRequest('The file is not a text file (it holds NUL bytes): upload a CSV file.', [{ field: 'file', message: 'is not a text file' }], 'INVALID_CSV');

const notUtf8 = (line: number) =>
  badRequest(
    `The file is not UTF-8 text (first at line ${line}): save it as UTF-8 (in Excel: "CSV UTF-8") and upload it again.`,
    [{ field: 'file', message: `is not UTF-8 text (line ${line})` }],
    'INVALID_CSV',
  );
