import { DomainError } from '../errors/domain-error';
import { assertSafeJson, MAX_JSON_DEPTH, parseJsonBody } from './json-body';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof DomainError ? err.code : `not a DomainError: ${String(err)}`;
  }
};

describe('parseJsonBody', () => {
  it('parses JSON documents', () => {
    expect(parseJsonBody('{"a":[1,{"b":null}],"c":"x"}')).toEqual({ a: [1, { b: null }], c: 'x' });
    expect(parseJsonBody('[]')).toEqual([]);
  });

  it('answers an empty body and malformed JSON with MALFORMED_BODY, giving a position but not echoing input', () => {
    expect(codeOf(() => parseJsonBody(''))).toBe('MALFORMED_BODY');
    expect(codeOf(() => parseJsonBody('{"secret": tru'))).toBe('MALFORMED_BODY');
    try {
      parseJsonBody('{"secret": "x", oops}');
    } catch (err) {
      expect((err as Error).message).toMatch(/position \d+/);
      expect((err as Error).message).not.toContain('oops');
    }
  });

  it('refuses __proto__ anywhere', () => {
    expect(codeOf(() => parseJsonBody('{"__proto__":{"x":1}}'))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => parseJsonBody('{"a":[{"b":{"__proto__":1}}]}'))).toBe('FORBIDDEN_KEY');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('refuses constructor.prototype, but not a constructor value without one', () => {
    expect(codeOf(() => parseJsonBody('{"constructor":{"prototype":{"x":1}}}'))).toBe('FORBIDDEN_KEY');
    expect(codeOf(() => parseJsonBody('{"constructor":{"name":"x"}}'))).toBeUndefined();
  });

  it('names the reserved key with its path', () => {
    try {
      parseJsonBody('{"a":{"list":[{"__proto__":{}}]}}');
      throw new Error('should have failed');
    } catch (err) {
      expect((err as DomainError).errors).toEqual([{ field: 'a.list[0].__proto__', message: 'is a reserved key' }]);
    }
  });

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more`, () => {
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    expect(codeOf(() => parseJsonBody(nested(MAX_JSON_DEPTH)))).toBeUndefined();
    expect(codeOf(() => parseJsonBody(nested(MAX_JSON_DEPTH + 1)))).toBe('BODY_TOO_DEEP');
  });

  it('survives 100,000 levels of nesting without a stack overflow', () => {
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    expect(codeOf(() => parseJsonBody(deep))).toBe('BODY_TOO_DEEP');
    const deepValue: unknown[] = [];
    let cursor = deepValue;
    for (let i = 0; i < 100_000; i++) {
      const next: unknown[] = [];
      cursor.push(next);
      cursor = next;
    }
    expect(codeOf(() => assertSafeJson(deepValue))).toBe('BODY_TOO_DEEP');
  });
});
