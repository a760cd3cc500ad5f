import { createTestApp, TestApp } from '../support/app';
import { asAdmin } from '../support/auth';
import { importSettled, uploadImport } from './support';

type Auth = { Authorization: string };
type Fields = Record<string, unknown>;

describe('POST /api/v1/imports/{id}/revert (e2e)', () => {
  let t: TestApp;
  let admin: Auth;

  const upload = (csv: string, fields: Fields) => {
    return uploadImport(t, admin, csv, fields);
  };
  const run = async (csv: string, fields: Fields) => importSettled(t, admin, (await upload(csv, fields).expect(202)).body.id);
  const revert = async (id: string) => {
    await t.http().post(`/api/v1/imports/${id}/revert`).set(admin).expect(202);
    const done = await importSettled(t, admin, id, ['reverted', 'failed']);
    expect(done.status).toBe('reverted');
    return (await t.http().get(`/api/v1/jobs/${done.revertJobId}`).set(admin).expect(200)).body;
  };
  const contact = async (id: string) => (await t.http().get(`/api/v1/contacts/${id}`).set(admin).expect(200)).body;
  const create = async (body: Fields) => (await t.http().post('/api/v1/contacts').set(admin).send(body).expect(201)).body;
  const patch = async (id: string, body: Fields) => t.http().patch(`/api/v1/contacts/${id}`).set(admin).send(body).expect(200);
  const count = async (sql: string, params: unknown[] = []) => Number((await t.dataSource.query(sql, params))[0].n);

  beforeAll(async () => {
    t = await createTestApp({ worker: true, env: { JOB_BACKOFF_MS: '50', OUTBOX_POLL_MS: '100' } });
    admin = await asAdmin(t);
    for (const [key, type] of [
      ['tier', 'text'],
      ['nickname', 'text'],
      ['score', 'number'],
    ]) {
      await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key, label: key, type }).expect(201);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('puts back only what the import changed and is still as it wrote it; later edits stay, conflicts are counted', async () => {
    const bob = await create({ firstName: 'Bob', emails: [{ email: 'bob@example.com' }], tags: ['a'], customFields: { tier: 'silver', score: 3.5 } });
    const carol = await create({ firstName: 'Carol', emails: [{ email: 'carol@example.com' }], customFields: { tier: 'silver' } });
    const csv = 'Email,Tier,Nick,Tags,Other\nbob@example.com,gold,Bobby,"vip; new",bob@work.example\ncarol@example.com,gold,,,carol@work.example\nnobody@example.com,gold,,,\n';
    const imported = await run(csv, {
      entity: 'contact',
      mode: 'update',
      matchBy: 'email',
      mapping: { Email: 'email', Tier: 'cf_tier', Nick: 'cf_nickname', Tags: 'tags', Other: 'emails' },
    });
    expect(imported).toMatchObject({ status: 'completed', updated: 2, skipped: 1 });
    expect(await contact(bob.id)).toMatchObject({ tags: ['a', 'vip', 'new'], customFields: { tier: 'gold', nickname: 'Bobby', score: 3.5 } });

    // Since the import: Bob gets a job title and a new score (fields the import never touched);
    // Carol's tier is changed again and her imported email is made her primary one.
    await patch(bob.id, { jobTitle: 'CTO', customFields: { score: 7 } });
    await patch(carol.id, {
      customFields: { tier: 'platinum' },
      emails: [
        { email: 'carol@example.com', primary: false },
        { email: 'carol@work.example', primary: true },
      ],
    });

    const job = await revert(imported.id);
    // Two records went through the revert; Carol kept changes made since (one record in conflict). No data in the result.
    expect(job).toMatchObject({ status: 'succeeded', progress: { done: 2, total: 2 } });
    expect(job.result).toEqual({ importId: imported.id, reverted: 2, conflicts: 1, createdKept: 0 });

    const bobAfter = await contact(bob.id);
    expect(bobAfter).toMatchObject({ jobTitle: 'CTO', tags: ['a'], primaryEmail: 'bob@example.com' });
    expect(bobAfter.customFields).toEqual({ tier: 'silver', score: 7 });
    expect(bobAfter.emails.map((e: { email: string }) => e.email)).toEqual(['bob@example.com']);
    // Findable by what it has, not by the email the import added.
    expect((await t.http().get('/api/v1/contacts?q=bob@work').set(admin).expect(200)).body.data).toEqual([]);

    const carolAfter = await contact(carol.id);
    expect(carolAfter.customFields).toEqual({ tier: 'platinum' });
    expect(carolAfter.emails.map((e: { email: string; primary: boolean }) => [e.email, e.primary])).toEqual([
      ['carol@example.com', false],
      ['carol@work.example', true],
    ]);
    expect(carolAfter.primaryEmail).toBe('carol@work.example');

    // Audited like any change: Bob's entry lists what went back, not the fields edited since.
    const audit = await t.dataSource.query(`SELECT record_id, changes FROM platform.audit_log WHERE request_id = $1 AND action = 'update'`, [`import:${imported.id}:revert`]);
    const bobAudit = audit.find((a: { record_id: string }) => a.record_id === bob.id);
    expect(bobAudit.changes).toMatchObject({ tags: { from: ['a', 'vip', 'new'], to: ['a'] }, customFields: { from: { tier: 'gold', nickname: 'Bobby', score: 7 }, to: { tier: 'silver', score: 7 } } });
    expect(bobAudit.changes.jobTitle).toBeUndefined();
    // Carol kept everything the import changed (tier and email changed since): nothing to write, no version, no audit entry.
    expect(audit.map((a: { record_id: string }) => a.record_id)).toEqual([bob.id]);
  });

  it('deletes the records it created unless they were changed since: those are kept and reported', async () => {
    const imported = await run('Email,First\nkept.created@example.com,Kept\ngone.created@example.com,Gone\n', {
      entity: 'contact',
      mode: 'upsert',
      matchBy: 'email',
      mapping: { Email: 'email', First: 'firstName' },
    });
    expect(imported).toMatchObject({ status: 'completed', created: 2 });
    const ids: { id: string; primary_email: string }[] = await t.dataSource.query(
      `SELECT id, primary_email FROM contacts.contacts WHERE primary_email IN ('kept.created@example.com', 'gone.created@example.com')`,
    );
    const kept = ids.find((r) => r.primary_email === 'kept.created@example.com')!.id;
    const gone = ids.find((r) => r.primary_email === 'gone.created@example.com')!.id;
    await patch(kept, { jobTitle: 'Worked on since' });

    const job = await revert(imported.id);
    expect(job.result).toEqual({ importId: imported.id, reverted: 2, conflicts: 1, createdKept: 1 });
    expect(await contact(kept)).toMatchObject({ firstName: 'Kept', jobTitle: 'Worked on since' });
    expect(await count(`SELECT count(*) AS n FROM contacts.contacts WHERE id = $1`, [gone])).toBe(0);
  });

  it('deletes what it created when a later import that changed it was reverted first (the record is as the import left it)', async () => {
    const fields = { entity: 'contact', mode: 'upsert', matchBy: 'email', mapping: { Email: 'email', First: 'firstName', Tags: 'tags' } };
    const first = await run('Email,First,Tags\nchain@example.com,Chain,a\n', fields);
    const later = await run('Email,First,Tags\nchain@example.com,Changed,b\n', fields);
    expect(later).toMatchObject({ status: 'completed', updated: 1 });
    expect((await revert(later.id)).result).toEqual({ importId: later.id, reverted: 1, conflicts: 0, createdKept: 0 });
    expect((await revert(first.id)).result).toEqual({ importId: first.id, reverted: 1, conflicts: 0, createdKept: 0 });
    expect(await count(`SELECT count(*) AS n FROM contacts.contacts WHERE 'chain@example.com' = ANY(email_keys)`)).toBe(0);
  });

  it('reverts receipts from before the values written were kept: whole where nothing changed since the import, not at all where something did', async () => {
    const lea = await create({ firstName: 'Lea', emails: [{ email: 'lea@example.com' }], customFields: { tier: 'silver' } });
    const max = await create({ firstName: 'Max', emails: [{ email: 'max@example.com' }], customFields: { tier: 'silver' } });
    const imported = await run('Email,Tier\nlea@example.com,gold\nmax@example.com,gold\n', { entity: 'contact', mode: 'update', matchBy: 'email', mapping: { Email: 'email', Tier: 'cf_tier' } });
    expect(imported).toMatchObject({ status: 'completed', updated: 2 });
    // As an import recorded before the migration left its receipt: the before-image only.
    await t.dataSource.query(`UPDATE contacts.import_changes SET after = NULL WHERE import_id = $1`, [imported.id]);
    await patch(max.id, { jobTitle: 'Boss' });

    const job = await revert(imported.id);
    expect(job.result).toEqual({ importId: imported.id, reverted: 2, conflicts: 1, createdKept: 0 });
    expect((await contact(lea.id)).customFields).toEqual({ tier: 'silver' });
    expect(await contact(max.id)).toMatchObject({ jobTitle: 'Boss', customFields: { tier: 'gold' } });
  });

  it('reverts companies the same way: the domains it added go, a revenue changed since keeps amount and currency together', async () => {
    const initech = (await t.http().post('/api/v1/companies').set(admin).send({ name: 'Initech', externalId: 'co-1', domains: ['initech.example'] }).expect(201)).body;
    const imported = await run('Id,Name,Web,Revenue,Cur\nco-1,Initech Global,initech.example; initech-global.example,1000.50,EUR\n', {
      entity: 'company',
      mode: 'update',
      matchBy: 'externalId',
      mapping: { Id: 'externalId', Name: 'name', Web: 'domains', Revenue: 'annualRevenue', Cur: 'annualRevenueCurrency' },
    });
    expect(imported).toMatchObject({ status: 'completed', updated: 1, errors: [] });
    await t.http().patch(`/api/v1/companies/${initech.id}`).set(admin).send({ annualRevenue: { amount: '2000.00', currency: 'EUR' } }).expect(200);

    const job = await revert(imported.id);
    expect(job.result).toEqual({ importId: imported.id, reverted: 1, conflicts: 1, createdKept: 0 });
    const after = (await t.http().get(`/api/v1/companies/${initech.id}`).set(admin).expect(200)).body;
    expect(after).toMatchObject({ name: 'Initech', domains: ['initech.example'], annualRevenue: { amount: '2000.00', currency: 'EUR' } });
  });

  it('answers a revert it cannot do with a 409 whose status is the HTTP status, and the import\'s state in importStatus', async () => {
    const imported = await run('Email\nonce.only@example.com\n', { entity: 'contact', mapping: { Email: 'email' } });
    await revert(imported.id);
    const again = await t.http().post(`/api/v1/imports/${imported.id}/revert`).set(admin).expect(409);
    expect(again.headers['content-type']).toMatch(/problem\+json/);
    expect(again.body).toMatchObject({ status: 409, code: 'IMPORT_NOT_REVERTIBLE', importStatus: 'reverted' });
  });
});
