import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/platform/database/data-source-options';
import type { TestApp } from './app';
import { databaseUrl } from './env';

/** The migration classes, loaded through jest's transform (TypeORM's own loader would bypass it). */
export function loadMigrationClasses(): Function[] {
  const dir = path.resolve(__dirname, '../../migrations');
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+-.*\.ts$/.test(f))
    .sort()
    .map((f) => {
      const mod = require(path.join(dir, f)) as Record<string, Function>;
      return Object.values(mod)[0];
    });
}

/** The schema TypeORM would build for these entities is the one the migrations built in this app's database. */
export async function expectNoDrift(t: TestApp, entities: Function[]): Promise<void> {
  const ds = new DataSource({ ...dataSourceOptions(databaseUrl(t.databaseName), 1), entities, migrations: [] });
  await ds.initialize();
  try {
    const sql = await ds.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  } finally {
    await ds.destroy();
  }
}
