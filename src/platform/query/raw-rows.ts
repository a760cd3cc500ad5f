import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { poolQuery } from '../database/pool-query';

/**
 * The raw rows of a plain read (no lock, no query cache), through poolQuery: outside a
 * transaction straight from the pool, inside one on the transaction's runner.
 */
export async function rawRows<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>): Promise<Record<string, unknown>[]> {
  // The runner of the transaction the builder was made in (TypeORM keeps it protected).
  const runner = (qb as unknown as { queryRunner?: unknown }).queryRunner;
  if (runner || qb.expressionMap.lockMode || qb.expressionMap.cache) return qb.getRawMany();
  const [sql, params] = qb.getQueryAndParameters();
  return poolQuery<Record<string, unknown>>(qb.connection, sql, params);
}

/** Whether the builder reads one table: no joins, no relation ids mapped onto the entities. */
export function readsOneTable<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>): boolean {
  return qb.expressionMap.joinAttributes.length === 0 && qb.expressionMap.relationIdAttributes.length === 0;
}
