import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ImportRunSettings } from '../../src/modules/contacts/imports/application/import-runner';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin } from '../support/auth';
import { IMPORT_DONE, importSettled, startWorker, WORKER_ENV } from './support';

describe('an import whose worker dies mid-run (e2e)', () => {
  let t: TestApp;
  let fresh: NestFastifyApplication | undefined;

  beforeAll(async () => {
    // The api: takes the upload, runs no jobs.
    t = await createTestApp({ env: WORKER_ENV });
  });
  afterAll(async () => {
    await fresh?.close();
    await t?.close();
  });

  it('is finished by a fresh worker after the committed rows: exact counts, no duplicates', async () => {
    const admin = await asAdmin(t);
    const doomed = await startWorker(t);
    const settings = doomed.get(ImportRunSettings, { strict: false });
    settings.batchRows = 3;
    let stopped!: (committed: number) => void;
    const atBatch = new Promise<number>((r) => (stopped = r));
    // After its first committed batch the worker hangs (it never gets further) and is shut down.
    settings.afterBatch = (_id, committed) => {
      stopped(committed);
      return new Promise<void>(() => undefined);
    };

    const rows = ['Email,First'];
    for (let i = 1; i <= 10; i++) rows.push(`crash${i}@example.com,Person ${i}`);
    // Row 11 repeats row 2 (in a later batch than the one that created it): an update, not a second contact.
    rows.push('CRASH2@example.com,Person 2 again');
    const res = await t
      .http()
      .post('/api/v1/imports')
      .set(admin)
      .field('entity', 'contact')
      .field('mapping', JSON.stringify({ Email: 'email', First: 'firstName' }))
      .field('mode', 'upsert')
      .field('matchBy', 'email')
      .attach('file', Buffer.from(`${rows.join('\n')}\n`), { filename: 'crash.csv', contentType: 'text/csv' })
      .expect(202);

    expect(await atBatch).toBe(3);
    await doomed.close();
    const [midway] = await t.dataSource.query(`SELECT status, rows_committed, created FROM contacts.imports WHERE id = $1`, [res.body.id]);
    expect(midway).toEqual({ status: 'running', rows_committed: 3, created: 3 });

    // (Transactional services find their data source through a process-wide registry: the api's
    // requests go through the newest app's, so the fresh worker starts before the api is asked again.)
    fresh = await startWorker(t);
    const done = await importSettled(t, admin, res.body.id, IMPORT_DONE, 100);
    expect(done).toMatchObject({ status: 'completed', rows: 11, created: 10, updated: 1, skipped: 0, failed: 0, rowsCommitted: 11 });
    const stored = await t.dataSource.query(`SELECT primary_email, first_name FROM contacts.contacts WHERE primary_email LIKE 'crash%' ORDER BY primary_email`);
    expect(stored).toHaveLength(10);
    expect(stored.find((c: { primary_email: string }) => c.primary_email === 'crash2@example.com').first_name).toBe('Person 2 again');
    expect(Number((await t.dataSource.query(`SELECT count(*) AS n FROM contacts.import_changes WHERE import_id = $1`, [res.body.id]))[0].n)).toBe(10);
    const job = (await t.http().get(`/api/v1/jobs/${res.body.jobId}`).set(admin).expect(200)).body;
    expect(job).toMatchObject({ status: 'succeeded', progress: { done: 11, total: 11 } });
  });
});
