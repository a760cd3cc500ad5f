import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CursorCodec, sortSignature } from './cursor';
import { ListQuery, Page } from './list-query';
import { ListSpec, SortKey } from './list-spec';
import { rawRows, readsOneTable } from './raw-rows';
import { compileFilter, compileKeyset, compileSearch, orderByClause, ParamBinder, PositionalParams, sortKeyText, SqlParams } from './sql';

/** The query's sort plus the `id` tiebreaker (in the direction of the last key). */
export function effectiveSort(spec: ListSpec, sort: readonly SortKey[]): SortKey[] {
  if (sort.some((k) => k.field.name === 'id')) {
    // Keys after a unique key never decide anything: cut them so cursors stay small.
    return sort.slice(0, sort.findIndex((k) => k.field.name === 'id') + 1);
  }
  const id = spec.fields.get('id') as SortKey['field'];
  return [...sort, { field: id, desc: sort.length ? sort[sort.length - 1].desc : false }];
}

/** The query's filter and free-text search as conditions to AND (not the keyset). */
function filterConditions(alias: string, spec: ListSpec, query: Pick<ListQuery, 'filter' | 'q'>, params: ParamBinder): string[] {
  const conditions: string[] = [];
  if (query.filter) conditions.push(compileFilter(query.filter, alias, params));
  if (query.q) conditions.push(spec.textSearch ? spec.textSearch.sql(alias, query.q, (v) => params.bind(v)) : compileSearch(spec.search, query.q, alias, params));
  return conditions;
}

/** Adds the query's filter and free-text search (not the keyset) to a query builder. */
export function applyFilter<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, alias: string, spec: ListSpec, query: Pick<ListQuery, 'filter' | 'q'>): SelectQueryBuilder<E> {
  const params = new SqlParams('lq_f');
  for (const condition of filterConditions(alias, spec, query, params)) qb.andWhere(condition);
  return qb.setParameters(params.values);
}

/** What a keyset page adds to the caller's conditions: its filter, `q` and keyset, and its sort. */
interface PagePlan {
  keys: SortKey[];
  signature: string;
  conditions: string[];
}

function planPage(alias: string, spec: ListSpec, query: ListQuery, cursors: CursorCodec, params: ParamBinder): PagePlan {
  const keys = effectiveSort(spec, query.sort).map((k) => boundKey(k, alias, params));
  const signature = sortSignature(spec.resource, keys);
  const conditions = filterConditions(alias, spec, query, params);
  if (query.cursor) conditions.push(compileKeyset(keys, cursors.decode(query.cursor, signature, keys.length), alias, params));
  return { keys, signature, conditions };
}

/** A key computed per request (relevance) with its expression bound once, used as a plain field from here on. */
function boundKey(key: SortKey, alias: string, params: ParamBinder): SortKey {
  if (!key.expression) return key;
  const sql = key.expression(alias, (v) => params.bind(v));
  return { field: { ...key.field, sql: () => sql }, desc: key.desc };
}

/** The page of `limit + 1` rows read: the first `limit`, and the signed cursor of the last one when more follow. */
function toKeysetPage<E extends ObjectLiteral>(plan: PagePlan, raw: Record<string, unknown>[], entities: E[], limit: number, alias: string, cursors: CursorCodec): Page<E> {
  const hasMore = entities.length > limit;
  const data = entities.slice(0, limit);
  let nextCursor: string | null = null;
  if (hasMore) {
    const lastId = (data[data.length - 1] as unknown as { id: string }).id;
    const row = raw.find((r) => r[`${alias}_id`] === lastId);
    if (!row) throw new Error('keyset page: the last row is missing from the raw result');
    nextCursor = cursors.encode(plan.signature, plan.keys.map((_, i) => (row[`lq_sort_${i}`] ?? null) as string | null));
  }
  return { data, page: { nextCursor, hasMore } };
}

/**
 * Runs one keyset page: filter, sort with tiebreaker, `limit + 1` rows to know whether more
 * follow, and the signed cursor of the last row. The sort values are read back from SQL as
 * text so the next page starts exactly after this one (timestamps keep their microseconds).
 * The caller's builder already holds its own conditions (scope, soft delete); only ANDs are added.
 */
export async function fetchPage<E extends ObjectLiteral>(
  qb: SelectQueryBuilder<E>,
  alias: string,
  spec: ListSpec,
  query: ListQuery,
  cursors: CursorCodec,
  hydrate?: (raw: Record<string, unknown>[]) => E[],
): Promise<Page<E>> {
  const params = new SqlParams('lq_');
  const plan = planPage(alias, spec, query, cursors, params);
  for (const condition of plan.conditions) qb.andWhere(condition);
  qb.setParameters(params.values);
  plan.keys.forEach((k, i) => qb.addSelect(sortKeyText(k, alias), `lq_sort_${i}`));
  // One raw ORDER BY: TypeORM's orderBy() would try to resolve expressions as property paths.
  // NULLS LAST only on keys that can be NULL: on NOT NULL keys it changes nothing, and leaving it
  // out lets an ascending index read backwards serve a DESC sort (-createdAt, the default).
  qb.orderBy();
  plan.keys.forEach((k) => qb.addOrderBy(k.field.sql(alias), k.desc ? 'DESC' : 'ASC', k.field.nullable ? 'NULLS LAST' : undefined));
  qb.limit(query.limit + 1);
  // `hydrate`: the caller's own raw-row → entity mapping (single-table entities), cheaper than TypeORM's.
  const { raw, entities } =
    hydrate && readsOneTable(qb)
      ? await rawRows(qb).then((rows: Record<string, unknown>[]) => ({ raw: rows, entities: hydrate(rows) }))
      : await qb.getRawAndEntities();
  return toKeysetPage(plan, raw as Record<string, unknown>[], entities, query.limit, alias, cursors);
}

/**
 * A single table read without a query builder: the SELECT list of the entity's columns (aliased
 * as TypeORM aliases them, `alias_column`), the FROM clause, the caller's own conditions (scope,
 * soft delete) bound into `params`, and how to run a statement (pool or transaction).
 */
export interface DirectSource {
  select: string;
  from: string;
  where: readonly string[];
  params: PositionalParams;
  run(sql: string, values: unknown[]): Promise<Record<string, unknown>[]>;
}

/**
 * fetchPage for a single-table source, with the statement written here: the same conditions,
 * order, limit and cursor, without building it through TypeORM, which costs more CPU per page
 * than hydrating and serializing the page's rows.
 */
export async function fetchPageDirect<E extends ObjectLiteral>(
  source: DirectSource,
  alias: string,
  spec: ListSpec,
  query: ListQuery,
  cursors: CursorCodec,
  hydrate: (raw: Record<string, unknown>[]) => E[],
): Promise<Page<E>> {
  const plan = planPage(alias, spec, query, cursors, source.params);
  const sorts = plan.keys.map((k, i) => `${sortKeyText(k, alias)} AS "lq_sort_${i}"`).join(', ');
  const where = [...source.where, ...plan.conditions].map((c) => `(${c})`).join(' AND ');
  const sql = `SELECT ${source.select}, ${sorts} FROM ${source.from} WHERE ${where} ORDER BY ${orderByClause(plan.keys, alias)} LIMIT ${query.limit + 1}`;
  const raw = await source.run(sql, source.params.values);
  return toKeysetPage(plan, raw, hydrate(raw), query.limit, alias, cursors);
}
