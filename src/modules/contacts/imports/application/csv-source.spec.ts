import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DomainError } from '../../../../platform/errors/domain-error';
import { CsvRow, fileInput, readCsv, readHeader, sniffDelimiter } from './csv-source';

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
  const write = (content: string | Buffer) => {
    const file = path.join(dir, `${Math.random()}.csv`);
    writeFileSync(file, content);
    return file;
  };
  const read = async (content: string | Buffer) => {
    const file = write(content);
    const rows: CsvRow[] = [];
    let headers: string[] = [];
    for await (const r of readCsv(fileInput(file), 'auto', (h) => (headers = h))) rows.push(r);
    return { headers, rows: rows.map((r) => ({ row: r.row, cells: Object.fromEntries(r.cells), ...(r.problem ? { problem: r.problem } : {}) })) };
  };
  const failure = async (content: string | Buffer) => {
    try {
      await read(content);
    } catch (err) {
      return { code: (err as DomainError).code, message: (err as DomainError).message, errors: (err as DomainError).errors };
    }
    throw new Error('no error');
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

  it('keeps quotes inside an unquoted value as they are', async () => {
    const { rows } = await read('email,name\nq@x.com,Bob "Bobby" Smith\nr@x.com,"Quoted ""Ann"""\n');
    expect(rows.map((r) => r.cells.name)).toEqual(['Bob "Bobby" Smith', 'Quoted "Ann"']);
  });

  it('marks a row with more cells than the header, naming no cell; trailing blank cells and short rows are fine', async () => {
    const { rows } = await read('email,first\nmm1@x.com,A,extra,cells\nmm2@x.com,B,,\nmm3@x.com\n');
    expect(rows).toEqual([
      { row: 1, cells: { email: 'mm1@x.com', first: 'A' }, problem: 'has 4 cells; the header has 2' },
      { row: 2, cells: { email: 'mm2@x.com', first: 'B' } },
      { row: 3, cells: { email: 'mm3@x.com', first: '' } },
    ]);
  });

  it('refuses every CSV error of the parser as INVALID_CSV naming file and the line', async () => {
    const unclosed = await failure('a,b\n1,2\n"open,1\n');
    expect(unclosed).toMatchObject({ code: 'INVALID_CSV', errors: [{ field: 'file', message: 'has a quoted value that is never closed (the file ends at line 3)' }] });
    expect(unclosed.message).toContain('after data row 1');
    const huge = await failure(`a\n"${'x'.repeat(1024 * 1024 + 10)}"\n`);
    expect(huge).toMatchObject({ code: 'INVALID_CSV', errors: [{ field: 'file', message: expect.stringMatching(/^has a row larger than 1 MB at line 2/) }] });
  });

  it('refuses text that is not UTF-8, and binary, naming file', async () => {
    expect(await failure(Buffer.from('email,name\nm@x.com,M\xfcller\n', 'latin1'))).toMatchObject({ code: 'INVALID_CSV', errors: [{ field: 'file', message: 'is not UTF-8 text (line 2)' }] });
    expect(await failure(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0x0a]))).toMatchObject({ code: 'INVALID_CSV', errors: [{ field: 'file', message: 'is not a text file' }] });
  });

  it('reads the header alone', async () => {
    expect(await readHeader(fileInput(write('\uFEFFEmail;First\na;b\n"never closed\n')), 'auto')).toEqual(['email', 'first']);
    await expect(readHeader(fileInput(write('')), 'auto')).rejects.toMatchObject({ code: 'INVALID_CSV' });
  });
});
