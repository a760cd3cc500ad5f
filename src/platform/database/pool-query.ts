import { createHash } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';

interface Pool {
  query(config: string | { name?: string; text: string; values: unknown[] }, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface PoolQueryOptions {
  /**
   * Run it as a named, server-side prepared statement: each pool connection parses and
   * analyses the text once and, for a statement whose plan does not depend on its values, keeps
   * the plan. For fixed statements run on every request (the caller's actor, the live custom
   * field definitions, a users page's roles and teams) this saves more of Postgres's CPU than
   * the statement's own execution costs. Leave it off for statements whose best plan depends on
   * the values (list pages filtered on skewed columns, text search), where a generic plan may be
   * far worse than a custom one.
   */
  prepare?: boolean;
}

/**
 * At most this many distinct texts get a prepared statement per process (each pool connection
 * keeps its own copy, in Postgres's memory); texts beyond it run unnamed, so a caller that
 * prepares statements built from a request cannot grow that memory without bound.
 */
const MAX_PREPARED = 500;
const statementNames = new Map<string, string>();
let preparedStatements = true;
/** Part of every name: bumped when a schema change made the prepared statements' result types stale. */
let generation = 0;

/** DATABASE_PREPARED_STATEMENTS: off behind a pooler that cannot keep a session's prepared statements. */
export function usePreparedStatements(enabled: boolean): void {
  preparedStatements = enabled;
}

/** The prepared statement name of a text: stable across processes (a hash of the text). */
export function preparedStatementName(sql: string): string | undefined {
  if (!preparedStatements) return undefined;
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_PREPARED) {
    name = `crm_${createHash('sha256').update(`${generation}\n${sql}`).digest('hex').slice(0, 32)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/**
 * Rows of one read statement. Outside a transaction it goes straight to the pool TypeORM's
 * postgres driver holds: TypeORM's query runner (acquire, release, per-query bookkeeping) costs
 * more CPU than a frequent small read's own work. Inside a transaction (a manager with a query
 * runner) it runs there, as manager.query would. Errors are QueryFailedError either way, so they
 * map to the same problems (503 when Postgres is gone, the SQLSTATE mappings).
 */
export function poolQuery<R>(on: EntityManager | DataSource, sql: string, params: unknown[] = [], options: PoolQueryOptions = {}): Promise<R[]> {
  return run<R>(on, sql, params, options, false);
}

async function run<R>(on: EntityManager | DataSource, sql: string, params: unknown[], options: PoolQueryOptions, retried: boolean): Promise<R[]> {
  const manager = on instanceof DataSource ? on.manager : on;
  const pool = manager.queryRunner ? undefined : (manager.connection.driver as unknown as { master?: Pool }).master;
  if (!pool || typeof pool.query !== 'function') return manager.query<R[]>(sql, params);
  const name = options.prepare ? preparedStatementName(sql) : undefined;
  try {
    return (await (name ? pool.query({ name, text: sql, values: params }) : pool.query(sql, params))).rows as R[];
  } catch (err) {
    if (name && !retried && isStalePreparedStatement(err)) {
      // A migration changed what a statement returns (a column's type, `*` over an altered
      // table) under a running process: Postgres refuses that prepared statement from now on, on
      // every connection that holds it. Every text gets a new name (prepared afresh when next
      // used) and this query runs again.
      generation++;
      statementNames.clear();
      return run<R>(on, sql, params, options, true);
    }
    throw new QueryFailedError(sql, params, err as Error);
  }
}

/** SQLSTATE 0A000 "cached plan must not change result type". */
function isStalePreparedStatement(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '0A000' && /cached plan must not change result type/.test(e.message ?? '');
}
