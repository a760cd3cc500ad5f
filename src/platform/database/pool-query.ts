import { DataSource, EntityManager, QueryFailedError } from 'typeorm';

interface Pool {
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Rows of one read statement. Outside a transaction it goes straight to the pool TypeORM's
 * postgres driver holds: TypeORM's query runner (acquire, release, per-query bookkeeping) costs
 * more CPU than a frequent small read's own work. Inside a transaction (a manager with a query
 * runner) it runs there, as manager.query would. Errors are QueryFailedError either way, so they
 * map to the same problems (503 when Postgres is gone, the SQLSTATE mappings).
 */
export async function poolQuery<R>(on: EntityManager | DataSource, sql: string, params: unknown[] = []): Promise<R[]> {
  const manager = on instanceof DataSource ? on.manager : on;
  const pool = manager.queryRunner ? undefined : (manager.connection.driver as unknown as { master?: Pool }).master;
  if (!pool || typeof pool.query !== 'function') return manager.query<R[]>(sql, params);
  try {
    return (await pool.query(sql, params)).rows as R[];
  } catch (err) {
    throw new QueryFailedError(sql, params, err as Error);
  }
}
