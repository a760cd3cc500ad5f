import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/platform/database/data-source-options';
import { IDENTITY_ENTITIES } from '../../src/platform/identity/persistence/entities';
import { cloneDatabase, dropDatabase } from '../support/app';
import { databaseUrl } from '../support/env';

describe('identity: entities match the migration', () => {
  let name: string;
  let ds: DataSource;
  beforeAll(async () => {
    name = await cloneDatabase();
    ds = new DataSource({ ...dataSourceOptions(databaseUrl(name), 2), entities: IDENTITY_ENTITIES, migrations: [] });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await dropDatabase(name);
  });

  it('has no drift between the identity entities and the migrated schema', async () => {
    const sql = await ds.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('seeds the built-in roles', async () => {
    const rows: { name: string; built_in: boolean }[] = await ds.query(`SELECT name, built_in FROM platform.roles ORDER BY name`);
    expect(rows).toEqual(['admin', 'manager', 'marketing', 'readonly', 'sales', 'support'].map((n) => ({ name: n, built_in: true })));
  });
});
