import Redis from 'ioredis';
import { Client } from 'pg';
import { TEST_ADMIN_DATABASE_URL, TEST_REDIS_URL } from './env';

/** Drops the run's template and every database cloned from it, and the Redis keys of the run's apps. */
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
  await dropRedisKeys(`crmtest:${template}*`);
}

/** Every key under the run's prefixes (each test app's REDIS_PREFIX starts with `crmtest:<its database>`). */
async function dropRedisKeys(pattern: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
