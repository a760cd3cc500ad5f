import { Client } from 'pg';
import { TEST_ADMIN_DATABASE_URL } from './env';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.CRM_TEST_TEMPLATE;
  if (!template) return;
  const admin = new Client({ connectionString: TEST_ADMIN_DATABASE_URL });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
    [template, `${template}_%`],
  );
  for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await admin.end();
}
