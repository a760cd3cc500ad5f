import { DataSource, QueryFailedError } from 'typeorm';
import { dataSourceOptions } from '../../src/platform/database/data-source-options';
import { poolQuery, preparedStatementName, usePreparedStatements } from '../../src/platform/database/pool-query';
import { cloneDatabase, dropDatabase } from '../support/app';
import { databaseUrl } from '../support/env';

describe('poolQuery: frequent reads straight from the pool, optionally prepared', () => {
  let name: string;
  let ds: DataSource;

  beforeAll(async () => {
    name = await cloneDatabase();
    // One connection: what one statement prepared, the next one sees in pg_prepared_statements.
    ds = await new DataSource(dataSourceOptions(databaseUrl(name), 1)).initialize();
  });
  afterAll(async () => {
    usePreparedStatements(true);
    await ds?.destroy();
    if (name) await dropDatabase(name);
  });

  const prepared = async () =>
    (await poolQuery<{ name: string; statement: string }>(ds, 'SELECT name, statement FROM pg_prepared_statements ORDER BY name')).map((r) => r.name);

  it("connects with Postgres's JIT compilation off (it cost an import batch more than its statements)", async () => {
    expect(await ds.query('SHOW jit')).toEqual([{ jit: 'off' }]);
  });

  it('names a text after its hash: the same text, the same name; another text, another name', () => {
    const a = preparedStatementName('SELECT 1 AS a');
    expect(a).toMatch(/^crm_[0-9a-f]{32}$/);
    expect(preparedStatementName('SELECT 1 AS a')).toBe(a);
    expect(preparedStatementName('SELECT 1 AS b')).not.toBe(a);
  });

  it('runs a statement prepared once per connection, with its parameters, and gives its rows', async () => {
    const sql = 'SELECT $1::int + 1 AS n';
    for (const v of [1, 2, 3]) expect(await poolQuery<{ n: number }>(ds, sql, [v], { prepare: true })).toEqual([{ n: v + 1 }]);
    expect(await prepared()).toContain(preparedStatementName(sql));
    // Without `prepare`, nothing more is kept on the server.
    const before = (await prepared()).length;
    await poolQuery(ds, 'SELECT $1::int * 2 AS n', [4]);
    expect((await prepared()).length).toBe(before);
  });

  it('answers a prepared statement from the data of the moment, not from its first run', async () => {
    const sql = `SELECT status FROM platform.users WHERE email = $1`;
    await ds.query(`INSERT INTO platform.users (id, email, password_hash, display_name, role_id, status)
                    SELECT gen_random_uuid(), 'pq@example.com', 'x', 'PQ', id, 'active' FROM platform.roles WHERE name = 'admin'`);
    // Past the five custom plans after which Postgres may switch to a generic one.
    for (let i = 0; i < 7; i++) expect(await poolQuery(ds, sql, ['pq@example.com'], { prepare: true })).toEqual([{ status: 'active' }]);
    await ds.query(`UPDATE platform.users SET status = 'disabled' WHERE email = 'pq@example.com'`);
    expect(await poolQuery(ds, sql, ['pq@example.com'], { prepare: true })).toEqual([{ status: 'disabled' }]);
  });

  it('fails a prepared statement as a QueryFailedError naming the SQLSTATE, and the connection goes on', async () => {
    const err = await poolQuery(ds, 'SELECT $1::int / 0 AS n', [1], { prepare: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryFailedError);
    expect((err as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('22012');
    expect(await poolQuery(ds, 'SELECT 2 AS n', [], { prepare: true })).toEqual([{ n: 2 }]);
  });

  it('runs inside an open transaction on its runner (it sees what the transaction wrote), unprepared', async () => {
    await ds.transaction(async (manager) => {
      await manager.query(`CREATE TEMP TABLE pq_seen (v int) ON COMMIT DROP`);
      await manager.query(`INSERT INTO pq_seen VALUES (42)`);
      expect(await poolQuery(manager, 'SELECT v FROM pq_seen', [], { prepare: true })).toEqual([{ v: 42 }]);
    });
  });

  it('prepares afresh when a schema change altered what a prepared statement returns (a migration under a running process)', async () => {
    await ds.query(`CREATE TABLE public.pq_altered (id int PRIMARY KEY, n int)`);
    await ds.query(`INSERT INTO public.pq_altered VALUES (1, 7)`);
    const sql = 'SELECT * FROM public.pq_altered WHERE id = $1';
    expect(await poolQuery(ds, sql, [1], { prepare: true })).toEqual([{ id: 1, n: 7 }]);
    const before = preparedStatementName(sql);
    await ds.query(`ALTER TABLE public.pq_altered ALTER COLUMN n TYPE text`);
    expect(await poolQuery(ds, sql, [1], { prepare: true })).toEqual([{ id: 1, n: '7' }]);
    expect(preparedStatementName(sql)).not.toBe(before);
    expect(await poolQuery(ds, sql, [1], { prepare: true })).toEqual([{ id: 1, n: '7' }]);
  });

  it('prepares nothing when DATABASE_PREPARED_STATEMENTS is off (a pooler in transaction mode)', async () => {
    usePreparedStatements(false);
    const sql = 'SELECT $1::text AS off';
    expect(preparedStatementName(sql)).toBeUndefined();
    expect(await poolQuery(ds, sql, ['x'], { prepare: true })).toEqual([{ off: 'x' }]);
    usePreparedStatements(true);
    expect(await prepared()).not.toContain(preparedStatementName(sql));
  });

  it('stops naming new texts at 500 per process: the rest run unnamed', () => {
    const names = Array.from({ length: 600 }, (_, i) => preparedStatementName(`SELECT ${i} AS cap`));
    expect(names.filter((n) => n === undefined).length).toBeGreaterThan(0);
    // Texts named before the cap keep their names.
    expect(names[0]).toMatch(/^crm_/);
    expect(preparedStatementName('SELECT 0 AS cap')).toBe(names[0]);
  });
});
