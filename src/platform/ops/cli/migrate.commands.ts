import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/config';
import { dataSourceOptions } from '../../database/data-source-options';
import { migrate, migrationStatus, revertLast } from '../../database/migrator';
import { CliIo, EXIT_FAILURE, EXIT_OK } from './cli-io';

/**
 * Migrations need Postgres only: no Nest application, no Redis, so `crm migrate` runs as a
 * one-shot step before the api starts. Two connections: one holds the advisory lock while the
 * other runs the migrations.
 */
export async function withMigrationDataSource<T>(config: AppConfig, migrations: Function[] | undefined, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = new DataSource({
    ...dataSourceOptions(config.database.url as string, 2),
    ...(migrations ? { migrations } : {}),
  } as never);
  await ds.initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}

export async function migrateCommand(ds: DataSource, io: CliIo): Promise<number> {
  const applied = await migrate(ds);
  if (!applied.length) io.out('No pending migrations: the schema is current.\n');
  for (const m of applied) io.out(`applied  ${m.name}\n`);
  return EXIT_OK;
}

export async function migrateStatusCommand(ds: DataSource, io: CliIo): Promise<number> {
  const status = await migrationStatus(ds);
  for (const m of status) io.out(`${m.applied ? '[x]' : '[ ]'} ${m.name}\n`);
  const pending = status.filter((m) => !m.applied).length;
  io.out(`${status.length - pending} applied, ${pending} pending\n`);
  return EXIT_OK;
}

export async function migrateRevertCommand(ds: DataSource, io: CliIo): Promise<number> {
  const exists = await ds.query(`SELECT to_regclass('public.migrations') IS NOT NULL AS ok`);
  const last: { name: string }[] = exists[0]?.ok ? await ds.query('SELECT name FROM public.migrations ORDER BY id DESC LIMIT 1') : [];
  if (!last.length) {
    io.err('No migration is applied: nothing to revert.\n');
    return EXIT_FAILURE;
  }
  await revertLast(ds);
  io.out(`reverted ${last[0].name}\n`);
  return EXIT_OK;
}
