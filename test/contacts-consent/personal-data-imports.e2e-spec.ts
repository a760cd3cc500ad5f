import { createTestApp, TestApp } from '../support/app';
import { importSettled, uploadImport } from '../contacts-imports/support';
import { asAdmin } from '../support/auth';

type Auth = { Authorization: string };

/** The copies of a person other parts of the contacts module keep: import receipts. */
describe('personal data kept by imports', () => {
  jest.setTimeout(60_000);

  let t: TestApp;
  let admin: Auth;

  const settled = (id: string, until: string[]) => importSettled(t, admin, id, until);

  beforeAll(async () => {
    t = await createTestApp({ worker: true, env: { JOB_BACKOFF_MS: '50', OUTBOX_POLL_MS: '100' } });
    admin = await asAdmin(t);
  });
  afterAll(() => t?.close());

  it('lists the values an import replaced, and an erasure leaves none a revert could bring back', async () => {
    const contact = await t.http().post('/api/v1/contacts').set(admin).send({ firstName: 'Greta', lastName: 'Lindqvist', emails: [{ email: 'greta@example.com' }], jobTitle: 'CFO', address: { city: 'Malmö' } }).expect(201);
    const id = contact.body.id as string;
    const csv = 'email,title\ngreta@example.com,Chief Executive\n';
    const accepted = await uploadImport(t, admin, csv, { entity: 'contact', mode: 'upsert', matchBy: 'email', mapping: { email: 'email', title: 'jobTitle' }, dryRun: 'false' }, 'titles.csv').expect(202);
    expect(await settled(accepted.body.id, ['completed', 'failed'])).toMatchObject({ status: 'completed', updated: 1 });

    const before = (await t.http().get(`/api/v1/contacts/${id}/personal-data`).set(admin).expect(200)).body;
    const imports = before.otherRecords.find((o: { holder: string }) => o.holder === 'contactImports');
    expect(imports.records).toEqual([expect.objectContaining({ importId: accepted.body.id, action: 'updated', before: expect.objectContaining({ job_title: 'CFO' }) })]);

    const erased = await t.http().post(`/api/v1/contacts/${id}/erase`).set(admin).expect(200);
    expect(erased.body.otherRecords).toBe(1);
    const receipts: { before: unknown }[] = await t.dataSource.query('SELECT before FROM contacts.import_changes WHERE record_id = $1', [id]);
    expect(JSON.stringify(receipts)).not.toMatch(/CFO|Greta|Lindqvist|greta@example\.com/);

    // The revert puts back what the receipt holds now: the erased values.
    await t.http().post(`/api/v1/imports/${accepted.body.id}/revert`).set(admin).expect(202);
    await settled(accepted.body.id, ['reverted', 'failed']);
    const after = (await t.http().get(`/api/v1/contacts/${id}`).set(admin).expect(200)).body;
    expect(JSON.stringify(after)).not.toMatch(/CFO|Chief Executive|Lindqvist|greta@example\.com/);
  });
});
