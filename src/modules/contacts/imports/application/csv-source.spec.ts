import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CsvRow, fileInput, readCsv, sniffDelimiter } from './csv-source';

describe('sniffDelimiter', () => {
  it('counts separators of the header line outside quotes, after a BOM', () => {
    expect(sniffDelimiter('\uFEFFa;b;c\n1,5;2;3')).toBe(';');
    expect(sniffDelimiter('"x;y;z",b\n')).toBe(',');
    expect(sniffDelimiter('single\n')).toBe(',');
  });
});

describe('readCsv', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'csv-source-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const read = async (content: string) => {
    const file = path.join(dir, `${Math.random()}.csv`);
    writeFileSync(file, content);
    const rows: CsvRow[] = [];
    let headers: string[] = [];
    for await (const r of readCsv(fileInput(file), 'auto', (h) => (headers = h))) rows.push(r);
    return { headers, rows: rows.map((r) => ({ row: r.row, cells: Object.fromEntries(r.cells) })) };
  };

  it('handles BOM, CRLF, quoted separators and line breaks, blank lines and short rows', async () => {
    const { headers, rows } = await read('\uFEFF Name ;Note\r\n\r\nAda;"a;b\r\nc"\r\n;\r\nBob\r\n');
    expect(headers).toEqual(['name', 'note']);
    expect(rows).toEqual([
      { row: 1, cells: { name: 'Ada', note: 'a;b\r\nc' } },
      { row: 2, cells: { name: 'Bob', note: '' } },
    ]);
  });

  it("takes off the apostrophe the export puts before a formula, and only that one", async () => {
    const { rows } = await read(`name,note\n'=HYPERLINK(1),'+cmd|calc\n'O'Brien,+33612345678\n`);
    expect(rows.map((r) => r.cells)).toEqual([
      { name: '=HYPERLINK(1)', note: '+cmd|calc' },
      { name: "'O'Brien", note: '+33612345678' },
    ]);
  });

  it('refuses an empty file and broken quoting with a 400 problem', async () => {
    await expect(read('')).rejects.toMatchObject({ code: 'INVALID_CSV' });
    await expect(read('a,b\n"open,1\n')).rejects.toMatchObject({ code: 'INVALID_CSV' });
  });
});
