import { DomainError } from '../../../../platform/errors/domain-error';
import { TEXT_HEAD_BYTES, TextScan } from './text-scan';

const scanOf = (...chunks: Buffer[]) => {
  const scan = new TextScan();
  for (const c of chunks) scan.push(c);
  scan.end();
  return scan;
};
const problem = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return { code: (err as DomainError).code, errors: (err as DomainError).errors };
  }
  throw new Error('no error');
};

describe('TextScan', () => {
  it('takes UTF-8 with a BOM and counts lines, with or without a last line break', () => {
    expect(scanOf(Buffer.from('\uFEFFname\nMüller\n', 'utf8')).lines).toBe(2);
    expect(scanOf(Buffer.from('name\r\nMüller', 'utf8')).lines).toBe(2);
    expect(scanOf().lines).toBe(0);
  });

  it('takes a character cut in two by a chunk boundary', () => {
    const bytes = Buffer.from('a\n😀ü€\n', 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) expect(scanOf(bytes.subarray(0, cut), bytes.subarray(cut)).lines).toBe(2);
    const oneByOne = [...bytes].map((b) => Buffer.from([b]));
    expect(scanOf(...oneByOne).lines).toBe(2);
  });

  it('refuses Latin-1 naming the line, in the first chunk or a later one', () => {
    const latin1 = Buffer.from('email,name\nm@x.com,M\xfcller\n', 'latin1');
    expect(problem(() => scanOf(latin1))).toEqual({ code: 'INVALID_CSV', errors: [{ field: 'file', message: 'is not UTF-8 text (line 2)' }] });
    expect(problem(() => scanOf(Buffer.from('a\nb\n'), Buffer.from('c\nd\xe9\n', 'latin1'))).errors[0].message).toBe('is not UTF-8 text (line 4)');
  });

  it('refuses a sequence cut short by the end of the file', () => {
    expect(problem(() => scanOf(Buffer.from('a\nb'), Buffer.from([0xe2, 0x82]))).errors[0].message).toBe('is not UTF-8 text (line 2)');
  });

  it('refuses NUL bytes in the head as not text, and leaves them alone further on', () => {
    expect(problem(() => scanOf(Buffer.from('\x7fELF\x02\x01\x01\x00', 'latin1')))).toEqual({ code: 'INVALID_CSV', errors: [{ field: 'file', message: 'is not a text file' }] });
    expect(problem(() => scanOf(Buffer.alloc(100, 'a'), Buffer.from([0])))).toMatchObject({ errors: [{ message: 'is not a text file' }] });
    expect(scanOf(Buffer.alloc(TEXT_HEAD_BYTES, 'a'), Buffer.from([0, 0x0a])).lines).toBe(1);
  });
});
