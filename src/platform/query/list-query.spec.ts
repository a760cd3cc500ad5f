import { DomainError } from '../errors/domain-error';
import { MAX_IN_VALUES } from './filter';
import { parseListQueryString, parseSearchBody } from './list-query';
import { defineListSpec, OWNED_RECORD_FIELDS } from './list-spec';
import { compileFilter, SqlParams } from './sql';

const SPEC = defineListSpec({
  resource: 'contacts',
  softDelete: true,
  search: ['name'],
  fields: {
    ...OWNED_RECORD_FIELDS,
    name: { type: 'string', sortable: true },
    city: { type: 'string' },
    score: { type: 'number', sortable: true },
    vip: { type: 'boolean' },
    birthday: { type: 'date' },
    stage: { type: 'enum', values: ['lead', 'customer'] },
    tags: { type: 'tags' },
    notes: { type: 'text' },
    tier: { type: 'string', json: { column: 'custom_fields', path: ['tier'] } },
  },
});

function fails(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a DomainError');
}

function sqlOf(query: Record<string, unknown>) {
  const q = parseListQueryString(SPEC, query);
  const params = new SqlParams();
  return { sql: q.filter ? compileFilter(q.filter, 'r', params) : '', params: params.values, q };
}

describe('list query string', () => {
  it('parses filters, sort, limit, cursor and q', () => {
    const { sql, params, q } = sqlOf({ 'filter[city][eq]': 'Riga', 'filter[score][gte]': '10', sort: '-createdAt,name', limit: '20', q: 'ann' });
    expect(sql).toBe('((("r"."city" = :p0) AND ("r"."score" >= :p1)))'.slice(1, -1));
    expect(params).toEqual({ p0: 'Riga', p1: '10' });
    expect(q.sort.map((k) => [k.field.name, k.desc])).toEqual([
      ['createdAt', true],
      ['name', false],
    ]);
    expect(q.limit).toBe(20);
    expect(q.q).toBe('ann');
  });

  it('defaults limit to 50 and sort to -createdAt', () => {
    const q = parseListQueryString(SPEC, {});
    expect(q.limit).toBe(50);
    expect(q.filter).toBeNull();
    expect(q.sort.map((k) => k.field.name)).toEqual(['createdAt']);
  });

  it.each(['201', '0', '-1', '1.5', 'abc', '1e2', ''.padEnd(20, '9')])('rejects limit=%s naming limit', (limit) => {
    const e = fails(() => parseListQueryString(SPEC, { limit }));
    expect(e.errors[0].field).toBe('limit');
  });

  it('names an unknown field, op, or parameter', () => {
    expect(fails(() => parseListQueryString(SPEC, { 'filter[foo][eq]': 'x' })).errors[0].field).toBe('filter[foo]');
    expect(fails(() => parseListQueryString(SPEC, { 'filter[city][like]': 'x' })).errors[0].field).toBe('filter[city][like]');
    expect(fails(() => parseListQueryString(SPEC, { 'filter[city][gt]': 'x' })).errors[0].field).toBe('filter[city][gt]');
    expect(fails(() => parseListQueryString(SPEC, { 'filter[city]': 'x' })).errors[0].field).toBe('filter[city]');
    expect(fails(() => parseListQueryString(SPEC, { offset: '10' })).errors[0].field).toBe('offset');
  });

  it('treats prototype keys as unknown names, not as lookups', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(fails(() => parseListQueryString(SPEC, { [`filter[${name}][eq]`]: 'x' })).errors[0].field).toBe(`filter[${name}]`);
      expect(fails(() => parseListQueryString(SPEC, { sort: name })).errors[0].field).toBe('sort');
    }
    const polluted = JSON.parse('{"__proto__": {"eq": "x"}, "filter[__proto__][__proto__]": "1"}');
    expect(() => parseListQueryString(SPEC, polluted)).toThrow(DomainError);
    expect(({} as Record<string, unknown>).eq).toBeUndefined();
  });

  it('binds SQL in values and never lets it into the statement', () => {
    const evil = "x'); DROP TABLE contacts; --";
    const { sql, params } = sqlOf({ 'filter[city][eq]': evil, 'filter[name][contains]': evil });
    expect(sql).not.toContain('DROP');
    expect(Object.values(params)).toContain(evil);
  });

  it('refuses SQL in field names', () => {
    const e = fails(() => parseListQueryString(SPEC, { 'filter[city" OR 1=1 --][eq]': 'x' }));
    expect(e.errors[0].field).toContain('filter[');
    expect(() => defineListSpec({ resource: 'x', fields: { id: { type: 'uuid', nullable: false, sortable: true }, a: { type: 'string', column: 'a"; drop' } } })).toThrow(/not an identifier/);
    expect(() => defineListSpec({ resource: 'x', fields: { id: { type: 'uuid', nullable: false, sortable: true }, a: { type: 'string', json: { column: 'cf', path: ["x'--"] } } } })).toThrow(/json path/);
  });

  it('escapes LIKE wildcards', () => {
    const { params } = sqlOf({ 'filter[name][contains]': '50%_off\\', 'filter[city][startsWith]': '_' });
    expect(params).toEqual({ p0: '%50\\%\\_off\\\\%', p1: '\\_%' });
  });

  it('coerces typed values and rejects bad ones', () => {
    expect(fails(() => parseListQueryString(SPEC, { 'filter[ownerId][eq]': 'not-a-uuid' })).errors[0].field).toBe('filter[ownerId][eq]');
    expect(fails(() => parseListQueryString(SPEC, { 'filter[birthday][eq]': '2026-02-30' })).errors[0].message).toMatch(/date/);
    expect(fails(() => parseListQueryString(SPEC, { 'filter[score][gt]': '1; select' })).errors[0].message).toMatch(/number/);
    expect(fails(() => parseListQueryString(SPEC, { 'filter[createdAt][gt]': '2026-01-01T10:00:00' })).errors[0].message).toMatch(/time zone/);
    expect(fails(() => parseListQueryString(SPEC, { 'filter[vip][eq]': 'yes' })).errors[0].message).toMatch(/true or false/);
    expect(fails(() => parseListQueryString(SPEC, { 'filter[stage][eq]': 'vip' })).errors[0].message).toMatch(/lead, customer/);
    expect(fails(() => parseListQueryString(SPEC, { 'filter[city][eq]': 'a\u0000b' })).errors[0].message).toMatch(/NUL/);
    expect(sqlOf({ 'filter[createdAt][gte]': '2026-01-01' }).params).toEqual({ p0: '2026-01-01T00:00:00Z' });
    expect(sqlOf({ 'filter[ownerId][eq]': 'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA' }).params.p0).toBe('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa');
  });

  it('splits in/nin, de-duplicates, bounds their size', () => {
    const { sql, params } = sqlOf({ 'filter[city][in]': 'Riga,Tallinn,Riga' });
    expect(sql).toBe('("r"."city" = ANY(:p0))');
    expect(params.p0).toEqual(['Riga', 'Tallinn']);
    const huge = Array.from({ length: MAX_IN_VALUES + 1 }, (_, i) => `c${i}`).join(',');
    expect(fails(() => parseListQueryString(SPEC, { 'filter[city][in]': huge })).errors[0].message).toMatch(/at most/);
    expect(fails(() => parseListQueryString(SPEC, { 'filter[ownerId][in]': `${'0'.repeat(8)}-0000-0000-0000-000000000000,nope` })).errors[0].field).toBe('filter[ownerId][in]');
  });

  it('keeps unicode values intact', () => {
    const { params } = sqlOf({ 'filter[city][eq]': 'Rīga 🏙️ 東京', 'filter[name][contains]': 'Ž' });
    expect(params).toEqual({ p0: 'Rīga 🏙️ 東京', p1: '%Ž%' });
  });

  it('rejects a parameter given twice', () => {
    expect(fails(() => parseListQueryString(SPEC, { 'filter[city][eq]': ['a', 'b'] })).errors[0].field).toBe('filter[city][eq]');
    expect(fails(() => parseListQueryString(SPEC, { limit: ['1', '2'] })).errors[0].field).toBe('limit');
  });

  it('rejects bad sorts', () => {
    expect(fails(() => parseListQueryString(SPEC, { sort: 'city' })).errors[0].message).toMatch(/not sortable/);
    expect(fails(() => parseListQueryString(SPEC, { sort: 'name,-name' })).errors[0].message).toMatch(/twice/);
    expect(fails(() => parseListQueryString(SPEC, { sort: 'a,b,c,d,e' })).errors[0].message).toMatch(/at most/);
  });

  it('compiles tags, jsonb paths, ne and nin null-inclusively', () => {
    expect(sqlOf({ 'filter[tags][contains]': 'vip' }).sql).toBe('("r"."tags" @> ARRAY[CAST(:p0 AS text)])');
    expect(sqlOf({ 'filter[tier][eq]': 'gold' }).sql).toBe(`(("r"."custom_fields" #>> '{tier}') = :p0)`);
    expect(sqlOf({ 'filter[city][ne]': 'Riga' }).sql).toBe('("r"."city" IS DISTINCT FROM :p0)');
    expect(sqlOf({ 'filter[city][nin]': 'Riga' }).sql).toBe('("r"."city" IS NULL OR NOT ("r"."city" = ANY(:p0)))');
    expect(sqlOf({ 'filter[city][isNull]': 'true' }).sql).toBe('("r"."city" IS NULL)');
    expect(sqlOf({ 'filter[deleted][eq]': 'true' }).sql).toBe('(("r"."deleted_at" IS NOT NULL) = :p0)');
  });

  it('supports q only where the resource has search', () => {
    const noSearch = defineListSpec({ resource: 'x', fields: { id: { type: 'uuid', nullable: false, sortable: true }, createdAt: { type: 'timestamp', sortable: true } } });
    expect(fails(() => parseListQueryString(noSearch, { q: 'a' })).errors[0].field).toBe('q');
  });
});

describe('search body', () => {
  it('parses nested and/or groups', () => {
    const q = parseSearchBody(SPEC, {
      filter: { and: [{ field: 'city', op: 'eq', value: 'Riga' }, { or: [{ field: 'score', op: 'gt', value: 5 }, { field: 'tags', op: 'in', value: ['a', 'b'] }] }] },
      sort: ['-score'],
      limit: 10,
    });
    const params = new SqlParams();
    expect(compileFilter(q.filter!, 'r', params)).toBe('(("r"."city" = :p0) AND (("r"."score" > :p1) OR ("r"."tags" && CAST(:p2 AS text[]))))');
    expect(params.values).toEqual({ p0: 'Riga', p1: '5', p2: ['a', 'b'] });
    expect(q.limit).toBe(10);
  });

  it('takes JSON types: limit a number, isNull a boolean, in/nin an array', () => {
    expect(fails(() => parseSearchBody(SPEC, { limit: '5' })).errors[0]).toEqual({ field: 'limit', message: 'must be an integer' });
    expect(fails(() => parseSearchBody(SPEC, { filter: { field: 'city', op: 'isNull', value: 'true' } })).errors[0]).toEqual({ field: 'filter.value', message: 'must be a boolean' });
    expect(fails(() => parseSearchBody(SPEC, { filter: { field: 'city', op: 'in', value: 'Riga,Berlin' } })).errors[0]).toEqual({ field: 'filter.value', message: 'must be an array' });
    expect(parseSearchBody(SPEC, { filter: { field: 'city', op: 'isNull', value: false }, limit: 5 }).limit).toBe(5);
  });

  it('bounds depth before recursing (10,000 levels deep is a 400, not a stack overflow)', () => {
    let filter: unknown = { field: 'city', op: 'eq', value: 'x' };
    for (let i = 0; i < 10_000; i++) filter = { and: [filter] };
    const e = fails(() => parseSearchBody(SPEC, { filter }));
    expect(e.errors[0].message).toMatch(/deeper than 5/);
  });

  it('bounds the number of conditions', () => {
    const many = Array.from({ length: 60 }, () => ({ field: 'city', op: 'eq', value: 'x' }));
    expect(fails(() => parseSearchBody(SPEC, { filter: { or: [{ and: many }, { and: many }] } })).errors[0].message).toMatch(/at most 100/);
    expect(fails(() => parseSearchBody(SPEC, { filter: { or: Array.from({ length: 101 }, () => ({ field: 'city', op: 'eq', value: 'x' })) } })).errors[0].message).toMatch(
      /at most 100/,
    );
  });

  it('names the path of a bad condition', () => {
    const e = fails(() => parseSearchBody(SPEC, { filter: { and: [{ field: 'city', op: 'eq', value: 'x' }, { or: [{ field: 'nope', op: 'eq', value: 1 }] }] } }));
    expect(e.errors[0].field).toBe('filter.and[1].or[0].field');
    expect(fails(() => parseSearchBody(SPEC, { filter: { field: 'city', op: 'eq', value: 'x', extra: 1 } })).errors[0].field).toBe('filter.extra');
    expect(fails(() => parseSearchBody(SPEC, { filter: { field: 'city', op: 'eq' } })).errors[0].field).toBe('filter.value');
    expect(fails(() => parseSearchBody(SPEC, { filter: { and: [] } })).errors[0].field).toBe('filter.and');
    expect(fails(() => parseSearchBody(SPEC, { filter: { field: 'city', op: 'eq', value: { $ne: 1 } } })).errors[0].field).toBe('filter.value');
    expect(fails(() => parseSearchBody(SPEC, { where: {} })).errors[0].field).toBe('where');
    expect(fails(() => parseSearchBody(SPEC, { limit: 500 })).errors[0].field).toBe('limit');
  });

  it('ignores nothing from a __proto__ member', () => {
    const body = JSON.parse('{"filter": {"__proto__": {"field": "city"}, "field": "city", "op": "eq", "value": "x"}}');
    expect(fails(() => parseSearchBody(SPEC, body)).errors[0].field).toBe('filter.__proto__');
  });
});

describe('relevance: the default order of a search for a name', () => {
  const RANKED = defineListSpec({
    resource: 'people',
    softDelete: true,
    fields: { ...OWNED_RECORD_FIELDS, name: { type: 'string', sortable: true } },
    textSearch: { description: 'names', sql: (a, q, bind) => `${a}.name ILIKE ${bind(q)}`, rank: (a, q, bind) => `similarity(${a}.name, ${bind(q)})` },
  });
  const sortOf = (query: Record<string, string>) => parseListQueryString(RANKED, query).sort.map((k) => (k.desc ? '-' : '') + k.field.name);

  it('ranks a name of letters with a word of four or more, in any script', () => {
    expect(sortOf({ q: 'Jean Dupnt' })).toEqual(['-relevance']);
    expect(sortOf({ q: "O'Connor" })).toEqual(['-relevance']);
    expect(sortOf({ q: 'Wiśniewska' })).toEqual(['-relevance']);
    expect(parseSearchBody(RANKED, { q: 'Müller' }).sort[0].field.name).toBe('relevance');
  });

  it('keeps the default order for short prefixes, emails, phones, and when a sort is asked for', () => {
    for (const q of ['mar', 'Jo Li', 'ada@example', '+33 6 12', 'acme.com 2']) expect(sortOf({ q })).toEqual(['-createdAt']);
    expect(sortOf({})).toEqual(['-createdAt']);
    expect(sortOf({ q: 'Dupont', sort: 'name' })).toEqual(['name']);
  });

  it('binds q once in the key expression; the field itself has no SQL of its own', () => {
    const [key] = parseListQueryString(RANKED, { q: 'Dupont' }).sort;
    const params = new SqlParams('k');
    expect(key.expression?.('r', (v) => params.bind(v))).toBe('CAST(similarity(r.name, :k0) AS numeric)');
    expect(params.values).toEqual({ k0: 'Dupont' });
    expect(() => key.field.sql('r')).toThrow();
  });

  it('is not offered by a spec without a rank', () => {
    expect(parseListQueryString(SPEC, { q: 'Dupont' }).sort.map((k) => k.field.name)).toEqual(['createdAt']);
  });
});
