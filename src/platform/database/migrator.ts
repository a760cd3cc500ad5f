import { DataSource, Migration } from 'typeorm';

/** One number for the whole box: replicas running `crm migrate` at once queue on it. */
const MIGRATION_LOCK_KEY = 727_100_001;

async function withMigrationLock<T>(ds: DataSource, fn: () => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await fn();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

export async function migrate(ds: DataSource): Promise<Migration[]> {
  return withMigrationLock(ds, () => ds.runMigrations({ transaction: 'each' }));
}

export async function revertLast(ds: DataSource): Promise<void> {
  await withMigrationLock(ds, () => ds.undoLastMigration({ transaction: 'each' }));
}

export interface MigrationStatus {
  name: string;
  applied: boolean;
}

export async function migrationStatus(ds: DataSource): Promise<MigrationStatus[]> {
  const known = ds.migrations.map((m) => m.name ?? m.constructor.name);
  let applied = new Set<string>();
  const exists = await ds.query(`SELECT to_regclass('public.migrations') IS NOT NULL AS ok`);
  if (exists[0]?.ok) {
    const rows: { name: string }[] = await ds.query('SELECT name FROM public.migrations');
    applied = new Set(rows.map((r) => r.name));
  }
  return known.map((name) => ({ name, applied: applied.has(name) }));
}

export async function hasPendingMigrations(ds: DataSource): Promise<boolean> {
  return (await migrationStatus(ds)).some((m) => !m.applied);
}
