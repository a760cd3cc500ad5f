import * as path from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './naming.strategy';

/** Where compiled (dist/migrations/*.js) or source (migrations/*.ts under jest) migrations live. */
export const MIGRATIONS_GLOB = path.resolve(__dirname, '../../../migrations/*.{js,ts}').replace(/\\/g, '/');
const DIST_MIGRATIONS_GLOB = path.resolve(__dirname, '../../migrations/*.js').replace(/\\/g, '/');

export function migrationsGlob(): string {
  // A compiled build (dist/, or wherever the build was copied) holds its migrations beside it, in
  // <build>/migrations; from src/ (tests, ts sources) they are ./migrations.
  return __filename.endsWith('.js') ? DIST_MIGRATIONS_GLOB : MIGRATIONS_GLOB;
}

export function dataSourceOptions(url: string, poolSize = 10, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    migrations: [migrationsGlob()],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    // JIT compilation off: the box's statements are short, and Postgres compiles whatever its
    // estimate calls expensive (an import batch's statements, a duplicate lookup over a million
    // contacts) for 100-300 ms each time, which measured 5x the statement itself.
    extra: { max: poolSize, application_name: 'crm', options: '-c jit=off' },
    ...extra,
  } as DataSourceOptions;
}
