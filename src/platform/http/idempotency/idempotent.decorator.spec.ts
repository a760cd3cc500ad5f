import { DomainError } from '../../errors/domain-error';
import { canonicalJson, parseIdempotencyKey, requestHash } from './idempotent.decorator';

describe('parseIdempotencyKey', () => {
  it.each(['a', 'k'.repeat(255), '0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11', '!~"#$%&()*+,-./:;<=>?@[]^_`{|}'])('accepts %s', (key) => {
    expect(parseIdempotencyKey(key)).toBe(key);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a space', 'a b'],
    ['a tab', 'a\tb'],
    ['non-ASCII', 'ключ'],
    ['a control character', 'a\u0000b'],
  ])('refuses %s with 400 INVALID_IDEMPOTENCY_KEY', (_what, key) => {
    expect(() => parseIdempotencyKey(key)).toThrow(DomainError);
    try {
      parseIdempotencyKey(key);
    } catch (err) {
      expect((err as DomainError).code).toBe('INVALID_IDEMPOTENCY_KEY');
      expect((err as DomainError).kind).toBe('bad_request');
    }
  });

  it('refuses the header sent twice', () => {
    expect(() => parseIdempotencyKey(['a', 'b'])).toThrow(DomainError);
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('drops undefined members as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined])).toBe('[null]');
    expect(canonicalJson(undefined)).toBe('');
  });

  it('handles null-prototype objects (Fastify query strings)', () => {
    const query = Object.assign(Object.create(null), { limit: '5', cursor: 'x' });
    expect(canonicalJson(query)).toBe('{"cursor":"x","limit":"5"}');
  });
});

describe('requestHash', () => {
  const h = (method: string, path: string, query: unknown, body: unknown) => requestHash(method, path, query, body);
  it('is the same for the same request written differently', () => {
    expect(h('POST', '/a', {}, { x: 1, y: 2 })).toBe(h('POST', '/a', {}, { y: 2, x: 1 }));
  });
  it('differs by method, path, query and body', () => {
    const base = h('POST', '/a', {}, { x: 1 });
    expect(h('PATCH', '/a', {}, { x: 1 })).not.toBe(base);
    expect(h('POST', '/b', {}, { x: 1 })).not.toBe(base);
    expect(h('POST', '/a', { q: '1' }, { x: 1 })).not.toBe(base);
    expect(h('POST', '/a', {}, { x: 2 })).not.toBe(base);
    expect(h('POST', '/a', {}, { x: '1' })).not.toBe(base);
  });
});
