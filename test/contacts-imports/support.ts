import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../../src/app.module';
import { createHttpApp } from '../../src/platform/http/create-app';
import { createRootLogger } from '../../src/platform/logging/logger';
import { TestApp, testConfig } from '../support/app';

type Auth = { Authorization: string };

export const IMPORT_DONE = ['completed', 'failed', 'reverted'];

/** Polls `GET /imports/{id}` until the import reaches one of `until` (a worker must be running). */
export async function importSettled(t: TestApp, auth: Auth, id: string, until: readonly string[] = IMPORT_DONE, pollMs = 50): Promise<Record<string, any>> {
  for (let i = 0; i < 20_000 / pollMs; i++) {
    const res = await t.http().get(`/api/v1/imports/${id}`).set(auth).expect(200);
    if (until.includes(res.body.status)) return res.body;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`import ${id} did not reach ${until.join('|')}`);
}

/** Short locks: a job whose worker is gone is taken over by another worker half a second later. */
export const WORKER_ENV = { JOB_LOCK_MS: '500', JOB_SHUTDOWN_GRACE_MS: '50', JOB_BACKOFF_MS: '50', OUTBOX_POLL_MS: '100' };

/** A worker process of its own on the test's database and Redis prefix (what a second host would run). */
export async function startWorker(t: TestApp): Promise<NestFastifyApplication> {
  const config = testConfig(t.databaseName, { worker: true, env: WORKER_ENV });
  const app = await createHttpApp(AppModule.forRoot(config), { config, rootLogger: createRootLogger(config.logLevel), nestLogger: false });
  await app.init();
  return app;
}

/** The form fields of `POST /imports` (objects such as the mapping are sent as JSON). */
export type ImportFields = Record<string, unknown>;

/** `POST /api/v1/imports` with `csv` as the file part; the request, to `.expect()` on. */
export function uploadImport(t: TestApp, auth: Auth, csv: string | Buffer, fields: ImportFields, filename = 'people.csv') {
  const req = t.http().post('/api/v1/imports').set(auth);
  for (const [k, v] of Object.entries(fields)) req.field(k, typeof v === 'string' ? v : JSON.stringify(v));
  return req.attach('file', Buffer.isBuffer(csv) ? csv : Buffer.from(csv, 'utf8'), { filename, contentType: 'text/csv' });
}
