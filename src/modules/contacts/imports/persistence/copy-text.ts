/**
 * Encoders for COPY … FROM STDIN in PostgreSQL's text format: one line per row, columns separated
 * by tabs, `\N` for NULL, and backslash, tab, newline and carriage return escaped. NUL cannot be
 * stored in text or jsonb at all, so it is dropped.
 */
export const COPY_NULL = '\\N';

const SPECIAL = /[\\\t\n\r\0]/;
const SPECIAL_ALL = /[\\\t\n\r\0]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '' };

/** A text value (null or undefined: NULL). */
export function copyText(value: string | null | undefined): string {
  if (value === null || value === undefined) return COPY_NULL;
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : value;
}

/** A number (null: NULL). */
export function copyNumber(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? COPY_NULL : String(value);
}

/** A jsonb value; `\u0000`, which jsonb refuses, is dropped. */
export function copyJson(value: unknown): string {
  if (value === null || value === undefined) return COPY_NULL;
  const json = JSON.stringify(value);
  return copyText(json.includes('\\u0000') ? json.replace(/\\u0000/g, '') : json);
}

/** A text[] value as an array literal with every element quoted; an empty list is NULL ("not given"). */
export function copyTextArray(values: readonly string[] | null | undefined): string {
  if (!values || !values.length) return COPY_NULL;
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i) out += ',';
    out += `"${values[i].replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  }
  return copyText(`${out}}`);
}

/**
 * The lines of one COPY, written into one growing Buffer as they are made: a batch of rows lives
 * outside the JS heap, and each line's string dies young, so a run leaves little for the garbage
 * collector to promote and memory stays flat. A run reuses two of them (one filled while the other
 * is written), so it does not leave a trail of megabyte buffers for the collector either.
 */
export class CopyBuffer {
  private buf: Buffer;
  private used = 0;
  rows = 0;

  constructor(initialBytes = 1024 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  push(line: string): void {
    const max = Buffer.byteLength(line) + 1;
    if (this.used + max > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + max));
      this.buf.copy(bigger, 0, 0, this.used);
      this.buf = bigger;
    }
    this.used += this.buf.write(line, this.used);
    this.buf[this.used++] = 0x0a;
    this.rows++;
  }

  get bytes(): Buffer {
    return this.buf.subarray(0, this.used);
  }

  /** Empties the buffer for the next batch, keeping the memory it grew to (no view of the old lines may be in use). */
  reset(): this {
    this.used = 0;
    this.rows = 0;
    return this;
  }
}
