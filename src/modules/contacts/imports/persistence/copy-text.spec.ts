import { COPY_NULL, CopyBuffer, copyJson, copyNumber, copyText, copyTextArray } from './copy-text';

describe('COPY text encoders', () => {
  it('escapes backslash, tab and line breaks, drops NUL, and writes NULL as \\N', () => {
    expect(copyText('plain')).toBe('plain');
    expect(copyText('a\tb\nc\rd\\e\0f')).toBe('a\\tb\\nc\\rd\\\\ef');
    expect(copyText(null)).toBe(COPY_NULL);
    expect(copyText(undefined)).toBe(COPY_NULL);
    expect(copyText('\\N')).toBe('\\\\N');
  });

  it('writes numbers, and NULL for what is not a finite number', () => {
    expect(copyNumber(1200)).toBe('1200');
    expect(copyNumber(null)).toBe(COPY_NULL);
    expect(copyNumber(Number.NaN)).toBe(COPY_NULL);
  });

  it('writes JSON with its escapes escaped once more, without \\u0000', () => {
    expect(copyJson({ a: 'x\ny' })).toBe('{"a":"x\\\\ny"}');
    expect(copyJson({ a: 'nul\0here' })).toBe('{"a":"nulhere"}');
    expect(copyJson(null)).toBe(COPY_NULL);
  });

  it('writes text arrays with every element quoted; an empty list is NULL', () => {
    expect(copyTextArray(['a', 'b c', 'q"uote', 'back\\slash', 'comma,{brace}'])).toBe('{"a","b c","q\\\\"uote","back\\\\\\\\slash","comma,{brace}"}');
    expect(copyTextArray([])).toBe(COPY_NULL);
    expect(copyTextArray(null)).toBe(COPY_NULL);
  });
});

describe('CopyBuffer', () => {
  it('holds lines, each ended by a newline, growing past its first size', () => {
    const b = new CopyBuffer(4);
    b.push('één');
    b.push('zwei');
    b.push('x'.repeat(100));
    expect(b.rows).toBe(3);
    expect(b.bytes.toString('utf8')).toBe(`één\nzwei\n${'x'.repeat(100)}\n`);
  });
});
