import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { dataSourceOptions } from '../../src/platform/database/data-source-options';
import { migrate, migrationStatus, revertLast } from '../../src/platform/database/migrator';
import { dropDatabase, testConfig } from '../support/app';
import { databaseUrl, TEST_ADMIN_DATABASE_URL } from '../support/env';
import { loadMigrationClasses } from '../support/migrations';

/** An empty database of this file's own (named after the run's template so the teardown drops it). */
async function emptyDatabase(): Promise<string> {
  const name = `${process.env.CRM_TEST_TEMPLATE}_m${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return name;
}

function migrationDataSource(name: string): DataSource {
  // Two connections: one holds the advisory lock, the other runs the migrations.
  return new DataSource({ ...dataSourceOptions(databaseUrl(name), 2), migrations: loadMigrationClasses() as never });
}

/** Everything a migration could leave behind: tables, views, schemas, types, functions (TypeORM's own migrations table and extensions aside). */
async function leftovers(ds: DataSource): Promise<string[]> {
  const rows: { what: string }[] = await ds.query(`
    SELECT 'table ' || table_schema || '.' || table_name AS what FROM information_schema.tables
     WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND NOT (table_schema = 'public' AND table_name = 'migrations')
    UNION ALL
    SELECT 'schema ' || nspname FROM pg_namespace
     WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public')
    UNION ALL
    SELECT 'type ' || n.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE t.typtype IN ('e', 'd') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
    UNION ALL
    SELECT 'function ' || n.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
       -- Extensions (pg_trgm, unaccent) are the database's, not a module's: a down may keep them.
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    ORDER BY 1`);
  return rows.map((r) => r.what);
}

describe('migrations', () => {
  const count = loadMigrationClasses().length;

  describe('from an empty database, up and all the way down', () => {
    let name: string;
    let ds: DataSource;
    beforeAll(async () => {
      name = await emptyDatabase();
      ds = migrationDataSource(name);
      await ds.initialize();
    });
    afterAll(async () => {
      await ds.destroy();
      await dropDatabase(name);
    });

    it('applies every migration in order', async () => {
      const applied = await migrate(ds);
      expect(applied.map((m) => m.name)).toEqual(ds.migrations.map((m) => m.name));
      expect(applied).toHaveLength(count);
      expect((await migrationStatus(ds)).every((m) => m.applied)).toBe(true);
    });

    it('leaves no drift between the entities of the whole app and the migrated schema', async () => {
      let app: INestApplicationContext | undefined;
      try {
        app = await NestFactory.createApplicationContext(AppModule.forRoot(testConfig(name)), { logger: false });
        const appDs = app.get(DataSource);
        expect(appDs.entityMetadatas.length).toBeGreaterThan(0);
        const sql = await appDs.driver.createSchemaBuilder().log();
        expect(sql.upQueries.map((q) => q.query)).toEqual([]);
      } finally {
        await app?.close();
      }
    });

    it('reverts every migration, leaving nothing of the platform or the modules behind', async () => {
      for (let i = 0; i < count; i++) await revertLast(ds);
      expect((await migrationStatus(ds)).some((m) => m.applied)).toBe(false);
      expect(await leftovers(ds)).toEqual([]);
    });

    it('migrates up again after a full revert (every down is a true inverse)', async () => {
      expect(await migrate(ds)).toHaveLength(count);
    });
  });

  it('runs safely from two processes at once: one applies, the other waits on the lock and finds nothing to do', async () => {
    const name = await emptyDatabase();
    const a = migrationDataSource(name);
    const b = migrationDataSource(name);
    await Promise.all([a.initialize(), b.initialize()]);
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      expect([ra.length, rb.length].sort()).toEqual([0, count]);
      const rows: { name: string; n: string }[] = await a.query('SELECT name, count(*) AS n FROM public.migrations GROUP BY name');
      expect(rows).toHaveLength(count);
      expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
      await dropDatabase(name);
    }
  });
});
