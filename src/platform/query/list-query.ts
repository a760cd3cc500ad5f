import { badRequest } from '../errors/domain-error';
import {
  buildCondition,
  filterError,
  FilterGroup,
  FilterNode,
  isFilterOp,
  lookupField,
  MAX_FILTER_CONDITIONS,
  MAX_FILTER_DEPTH,
} from './filter';
import { ListSpec, MAX_SORT_KEYS, parseSortExpression, relevanceSort, SortKey } from './list-spec';

/** One list or search request, parsed and checked against the resource's spec. */
export interface ListQuery {
  filter: FilterNode | null;
  sort: readonly SortKey[];
  limit: number;
  cursor: string | null;
  q: string | null;
}

/** A page of a keyset-paginated list, as the API returns it. */
export interface Page<T> {
  data: T[];
  page: { nextCursor: string | null; hasMore: boolean };
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
const MAX_CURSOR_LENGTH = 2048;
const MAX_Q_LENGTH = 200;
const FILTER_KEY = /^filter\[([^[\]]*)\]\[([^[\]]*)\]$/;

function parseLimit(raw: unknown, at: string): number {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_LIMIT;
  const s = typeof raw === 'number' ? String(raw) : raw;
  if (typeof s !== 'string' || !/^\d{1,6}$/.test(s) || +s < 1 || +s > MAX_LIMIT) {
    throw badRequest(`${at} must be an integer from 1 to ${MAX_LIMIT}.`, [{ field: at, message: `must be an integer from 1 to ${MAX_LIMIT}` }], 'INVALID_QUERY');
  }
  return +s;
}

function parseCursor(raw: unknown, at: string): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string' || raw.length > MAX_CURSOR_LENGTH) {
    throw badRequest(`${at} is not a valid cursor.`, [{ field: at, message: 'is not a valid cursor' }], 'INVALID_CURSOR');
  }
  return raw;
}

function parseQ(spec: ListSpec, raw: unknown): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const fail = (message: string) => badRequest(`q ${message}.`, [{ field: 'q', message }], 'INVALID_QUERY');
  if (!spec.search.length && !spec.textSearch) throw fail(`is not supported by ${spec.resource}`);
  if (typeof raw !== 'string') throw fail('must be a string');
  if (raw.length > MAX_Q_LENGTH) throw fail(`must be at most ${MAX_Q_LENGTH} characters`);
  if (raw.includes('\u0000')) throw fail('must not contain NUL characters');
  return raw;
}

/** The sort asked for, null when none was. */
function sortOf(spec: ListSpec, raw: unknown, at: string): readonly SortKey[] | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const fail = (message: string) => badRequest(`Invalid ${at}: ${message}.`, [{ field: at, message }], 'INVALID_SORT');
  let expr: string;
  if (typeof raw === 'string') expr = raw;
  else if (Array.isArray(raw) && raw.length <= MAX_SORT_KEYS && raw.every((s) => typeof s === 'string')) expr = raw.join(',');
  else throw fail(`must be a comma-separated list of at most ${MAX_SORT_KEYS} fields`);
  return parseSortExpression(expr, spec.fields, fail);
}

/** Without a sort asked for: best match first for a search for a name (relevanceSort), else the spec's default. */
function defaultSortOf(spec: ListSpec, q: string | null): readonly SortKey[] {
  return relevanceSort(spec, q) ?? spec.defaultSort;
}

/**
 * Parses Fastify's flat query object (`filter[city][eq]=Riga&sort=-createdAt&limit=20`).
 * Every key must be known: an unknown parameter, field or operator is a 400 naming it.
 */
export function parseListQueryString(spec: ListSpec, query: unknown): ListQuery {
  const raw = (query ?? {}) as Record<string, unknown>;
  const conditions: FilterNode[] = [];
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (key === 'sort' || key === 'limit' || key === 'cursor' || key === 'q') {
      if (typeof value !== 'string') throw badRequest(`${key} is given more than once.`, [{ field: key, message: 'is given more than once' }], 'INVALID_QUERY');
      continue;
    }
    const m = FILTER_KEY.exec(key);
    if (!m) {
      const at = key.slice(0, 100);
      if (at.startsWith('filter')) throw filterError(at, 'filters are written filter[<field>][<op>]=<value>');
      throw badRequest(`Unknown query parameter ${at}.`, [{ field: at, message: 'is not a known query parameter' }], 'INVALID_QUERY');
    }
    const [, name, op] = m;
    const field = lookupField(spec, name, `filter[${name}]`.slice(0, 100));
    if (!isFilterOp(op)) throw filterError(`filter[${name}][${op}]`.slice(0, 120), `${JSON.stringify(op).slice(0, 40)} is not an operator`);
    if (typeof value !== 'string') throw filterError(key, 'is given more than once');
    if (conditions.length >= MAX_FILTER_CONDITIONS) throw filterError('filter', `at most ${MAX_FILTER_CONDITIONS} conditions`);
    conditions.push(buildCondition(field, op, value, key));
  }
  // Checked in this order, so the first problem named is the same whatever the route.
  const sort = sortOf(spec, raw.sort, 'sort');
  const limit = parseLimit(raw.limit, 'limit');
  const cursor = parseCursor(raw.cursor, 'cursor');
  const q = parseQ(spec, raw.q);
  return {
    filter: conditions.length === 0 ? null : conditions.length === 1 ? conditions[0] : { kind: 'and', nodes: conditions },
    sort: sort ?? defaultSortOf(spec, q),
    limit,
    cursor,
    q,
  };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/**
 * Parses the JSON body of `POST /<resource>/search`:
 * `{ filter: {and: [{field, op, value}, {or: [...]}]}, sort: "-createdAt,name" | ["-createdAt"], limit, cursor, q }`.
 * Depth and condition count are bounded before anything recurses, so hostile nesting costs nothing.
 */
export function parseSearchBody(spec: ListSpec, body: unknown): ListQuery {
  if (body === undefined || body === null) body = {};
  if (!isPlainObject(body)) throw badRequest('The body must be a JSON object.', [{ field: 'body', message: 'must be an object' }], 'INVALID_QUERY');
  for (const key of Object.keys(body)) {
    if (!['filter', 'sort', 'limit', 'cursor', 'q'].includes(key)) {
      const at = key.slice(0, 100);
      throw badRequest(`Unknown search member ${at}.`, [{ field: at, message: 'is not a known field' }], 'INVALID_QUERY');
    }
  }
  let count = 0;
  const node = (v: unknown, at: string, depth: number): FilterNode => {
    if (depth > MAX_FILTER_DEPTH) throw filterError(at, `nesting deeper than ${MAX_FILTER_DEPTH} levels`);
    if (!isPlainObject(v)) throw filterError(at, 'must be an object');
    const keys = Object.keys(v);
    if (keys.length === 1 && (keys[0] === 'and' || keys[0] === 'or')) {
      const list = v[keys[0]];
      if (!Array.isArray(list) || list.length === 0) throw filterError(`${at}.${keys[0]}`, 'must be a non-empty array');
      if (list.length > MAX_FILTER_CONDITIONS) throw filterError(`${at}.${keys[0]}`, `at most ${MAX_FILTER_CONDITIONS} conditions`);
      const group: FilterGroup = { kind: keys[0], nodes: [] };
      list.forEach((child, i) => group.nodes.push(node(child, `${at}.${keys[0]}[${i}]`, depth + 1)));
      return group;
    }
    for (const k of keys) {
      if (k !== 'field' && k !== 'op' && k !== 'value') throw filterError(`${at}.${k.slice(0, 60)}`, 'is not a known member (field, op, value, and, or)');
    }
    if (++count > MAX_FILTER_CONDITIONS) throw filterError('filter', `at most ${MAX_FILTER_CONDITIONS} conditions`);
    const field = lookupField(spec, v.field as string, `${at}.field`);
    if (!isFilterOp(v.op)) throw filterError(`${at}.op`, `${JSON.stringify(String(v.op)).slice(0, 40)} is not an operator`);
    if (!('value' in v)) throw filterError(`${at}.value`, 'is required');
    // JSON has types, unlike a query string: `isNull` takes a boolean, `in`/`nin` an array.
    if (v.op === 'isNull' && typeof v.value !== 'boolean') throw filterError(`${at}.value`, 'must be a boolean');
    if ((v.op === 'in' || v.op === 'nin') && !Array.isArray(v.value)) throw filterError(`${at}.value`, 'must be an array');
    return buildCondition(field, v.op, v.value, `${at}.value`);
  };
  const filter = body.filter === undefined || body.filter === null ? null : node(body.filter, 'filter', 1);
  const sort = sortOf(spec, body.sort, 'sort');
  if (body.limit !== undefined && body.limit !== null && typeof body.limit !== 'number') {
    throw badRequest('limit must be an integer.', [{ field: 'limit', message: 'must be an integer' }], 'INVALID_QUERY');
  }
  const limit = parseLimit(body.limit, 'limit');
  const cursor = parseCursor(body.cursor, 'cursor');
  const q = parseQ(spec, body.q);
  return { filter, sort: sort ?? defaultSortOf(spec, q), limit, cursor, q };
}

/** Maps a page of entities to response DTOs (the allow-list mapper of the resource). */
export function toPage<E, D>(page: Page<E>, map: (e: E) => D): Page<D> {
  return { data: page.data.map(map), page: page.page };
}
