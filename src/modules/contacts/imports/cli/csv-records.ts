/**
 * Counts the records of an RFC 4180 stream as it passes: line breaks outside quoted cells (a
 * quoted cell may hold line breaks, and its quotes are doubled, so toggling on every `"` tracks
 * it). The header is a record too. Works chunk by chunk, wherever the chunks are cut.
 */
export class CsvRecordCounter {
  private quoted = false;
  private count = 0;

  get records(): number {
    return this.count;
  }

  push(chunk: Buffer | string): void {
    // `"` and `\n` are single bytes in UTF-8 and single units in UTF-16: never part of another character.
    const quote = 0x22;
    const newline = 0x0a;
    if (typeof chunk === 'string') {
      for (let i = 0; i < chunk.length; i++) this.step(chunk.charCodeAt(i), quote, newline);
    } else {
      for (let i = 0; i < chunk.length; i++) this.step(chunk[i], quote, newline);
    }
  }

  private step(c: number, quote: number, newline: number): void {
    if (c === quote) this.quoted = !this.quoted;
    else if (c === newline && !this.quoted) this.count++;
  }
}
