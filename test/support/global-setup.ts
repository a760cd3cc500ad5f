import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/platform/database/data-source-options';
import { databaseUrl, TEST_ADMIN_DATABASE_URL } from './env';
import { loadMigrationClasses } from './migrations';

/** Migrates one template database per run; every e2e file clones it (CREATE DATABASE … TEMPLATE). */
export default async function globalSetup(): Promise<void> {
  const template = `crm_tpl_${process.pid}_${Date.now().toString(36)}`;
  process.env.CRM_TEST_TEMPLATE = template;
  const admin = new Client({ connectionString: TEST_ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${template}"`);
  await admin.end();
  const ds = new DataSource({ ...dataSourceOptions(databaseUrl(template), 2), migrations: loadMigrationClasses() as never });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
}
