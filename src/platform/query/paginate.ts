import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CursorCodec, sortSignature } from './cursor';
import { ListQuery, Page } from './list-query';
import { ListSpec, SortKey } from './list-spec';
import { rawRows, readsOneTable } from './raw-rows';
import { compileFilter, compileKeyset, compileSearch, sortKeyText, SqlParams } from './sql';

/** The query's sort plus the `id` tiebreaker (in the direction of the last key). */
export function effectiveSort(spec: ListSpec, sort: readonly SortKey[]): SortKey[] {
  if (sort.some((k) => k.field.name === 'id')) {
    // Keys after a unique key never decide anything: cut them so cursors stay small.
    return sort.slice(0, sort.findIndex((k) => k.field.name === 'id') + 1);
  }
  const id = spec.fields.get('id') as SortKey['field'];
  return [...sort, { field: id, desc: sort.length ? sort[sort.length - 1].desc : false }];
}

/** Adds the query's filter and free-text search (not the keyset) to a query builder. */
export function applyFilter<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>, alias: string, spec: ListSpec, query: Pick<ListQuery, 'filter' | 'q'>): SelectQueryBuilder<E> {
  const params = new SqlParams('lq_f');
  if (query.filter) qb.andWhere(compileFilter(query.filter, alias, params));
  if (query.q) {
    qb.andWhere(spec.textSearch ? spec.textSearch.sql(alias, query.q, (v) => params.bind(v)) : compileSearch(spec.search, query.q, alias, params));
  }
  return qb.setParameters(params.values);
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
  const keys = effectiveSort(spec, query.sort);
  const signature = sortSignature(spec.resource, keys);
  applyFilter(qb, alias, spec, query);
  if (query.cursor) {
    const values = cursors.decode(query.cursor, signature, keys.length);
    const params = new SqlParams('lq_k');
    qb.andWhere(compileKeyset(keys, values, alias, params)).setParameters(params.values);
  }
  keys.forEach((k, i) => qb.addSelect(sortKeyText(k, alias), `lq_sort_${i}`));
  // One raw ORDER BY: TypeORM's orderBy() would try to resolve expressions as property paths.
  // NULLS LAST only on keys that can be NULL: on NOT NULL keys it changes nothing, and leaving it
  // out lets an ascending index read backwards serve a DESC sort (-createdAt, the default).
  qb.orderBy();
  keys.forEach((k) => qb.addOrderBy(k.field.sql(alias), k.desc ? 'DESC' : 'ASC', k.field.nullable ? 'NULLS LAST' : undefined));
  qb.limit(query.limit + 1);
  // `hydrate`: the caller's own raw-row → entity mapping (single-table entities), cheaper than TypeORM's.
  const { raw, entities } =
    hydrate && readsOneTable(qb)
      ? await rawRows(qb).then((rows: Record<string, unknown>[]) => ({ raw: rows, entities: hydrate(rows) }))
      : await qb.getRawAndEntities();
  const hasMore = entities.length > query.limit;
  const data = entities.slice(0, query.limit);
  let nextCursor: string | null = null;
  if (hasMore) {
    const lastId = (data[data.length - 1] as unknown as { id: string }).id;
    const row = (raw as Record<string, unknown>[]).find((r) => r[`${alias}_id`] === lastId);
    if (!row) throw new Error('keyset page: the last row is missing from the raw result');
    nextCursor = cursors.encode(signature, keys.map((_, i) => (row[`lq_sort_${i}`] ?? null) as string | null));
  }
  return { data, page: { nextCursor, hasMore } };
}

