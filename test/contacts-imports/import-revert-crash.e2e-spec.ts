import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ImportRevertSettings } from '../../src/modules/contacts/imports/jobs/import-revert.handler';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin } from '../support/auth';
import { IMPORT_DONE, importSettled, startWorker, WORKER_ENV } from './support';

describe('a revert whose worker dies mid-way (e2e)', () => {
  let t: TestApp;
  let fresh: NestFastifyApplication | undefined;

  beforeAll(async () => {
    // The api: takes the requests, runs no jobs.
    t = await createTestApp({ env: WORKER_ENV });
  });
  afterAll(async () => {
    await fresh?.close();
    await t?.close();
  });

  it('is finished by a fresh worker, and its result and progress count what every attempt reverted', async () => {
    const admin = await asAdmin(t);
    const doomed = await startWorker(t);
    const rows = ['Email,First'];
    for (let i = 1; i <= 10; i++) rows.push(`undo${i}@example.com,Person ${i}`);
    const res = await t
      .http()
      .post('/api/v1/imports')
      .set(admin)
      .field('entity', 'contact')
      .field('mapping', JSON.stringify({ Email: 'email', First: 'firstName' }))
      .attach('file', Buffer.from(`${rows.join('\n')}\n`), { filename: 'undo.csv', contentType: 'text/csv' })
      .expect(202);
    expect(await importSettled(t, admin, res.body.id, IMPORT_DONE, 100)).toMatchObject({ status: 'completed', created: 10 });

    const settings = doomed.get(ImportRevertSettings, { strict: false });
    settings.sliceRows = 4;
    let stopped!: (reverted: number) => void;
    const atSlice = new Promise<number>((r) => (stopped = r));
    // After its first committed slice the worker hangs (it never gets further) and is shut down.
    settings.afterSlice = (_id, reverted) => {
      stopped(reverted);
      return new Promise<void>(() => undefined);
    };
    await t.http().post(`/api/v1/imports/${res.body.id}/revert`).set(admin).expect(202);
    expect(await atSlice).toBe(4);
    await doomed.close();
    const [midway] = await t.dataSource.query(`SELECT status, reverted_count FROM contacts.imports WHERE id = $1`, [res.body.id]);
    expect(midway).toEqual({ status: 'reverting', reverted_count: 4 });
    expect(Number((await t.dataSource.query(`SELECT count(*) AS n FROM contacts.import_changes WHERE import_id = $1`, [res.body.id]))[0].n)).toBe(6);

    // (As in import-worker-crash: the fresh worker starts before the api is asked again.)
    fresh = await startWorker(t);
    const done = await importSettled(t, admin, res.body.id, ['reverted', 'failed'], 100);
    expect(done.status).toBe('reverted');
    expect(Number((await t.dataSource.query(`SELECT count(*) AS n FROM contacts.contacts WHERE primary_email LIKE 'undo%'`))[0].n)).toBe(0);
    const job = (await t.http().get(`/api/v1/jobs/${done.revertJobId}`).set(admin).expect(200)).body;
    expect(job).toMatchObject({ status: 'succeeded', progress: { done: 10, total: 10 } });
    expect(job.result).toEqual({ importId: res.body.id, reverted: 10, conflicts: 0, createdKept: 0 });
  });
});
