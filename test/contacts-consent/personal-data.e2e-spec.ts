import { createTestApp, TestApp } from '../support/app';
import { asAdmin, loginAs, seedUser } from '../support/auth';
import { Auth, createCompany, createContact, teamMember, TeamMember } from '../contacts-activities/support';

describe('personal data: access and erasure', () => {
  jest.setTimeout(60_000);

  let t: TestApp;
  let admin: Auth;
  let north: TeamMember;
  let south: TeamMember;
  let companyId: string;
  let contactId: string;
  let otherId: string;
  let soleActivityId: string;
  let sharedActivityId: string;

  const personalData = async (auth: Auth, id = contactId) => (await t.http().get(`/api/v1/contacts/${id}/personal-data`).set(auth).expect(200)).body;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await asAdmin(t);
    north = await teamMember(t, 'North');
    south = await teamMember(t, 'South');
    await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'nickname', label: 'Nickname', type: 'text' }).expect(201);
    await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'score', label: 'Score', type: 'number' }).expect(201);
    companyId = await createCompany(t, north.auth, { name: 'Baltic Timber' });
    contactId = await createContact(t, north.auth, {
      firstName: 'Anna',
      lastName: 'Bērziņa',
      emails: [{ email: 'anna.berzina@example.com' }],
      phones: [{ number: '+37120000001' }],
      jobTitle: 'CFO',
      address: { street: 'Brīvības iela 1', city: 'Riga', country: 'LV' },
      tags: ['vip'],
      companies: [{ companyId, role: 'billing' }],
      customFields: { nickname: 'Annija', score: 42 },
      lifecycleStage: 'customer',
    });
    otherId = await createContact(t, north.auth, { firstName: 'Jānis', lastName: 'Ozols', emails: [{ email: 'janis@example.com' }] });
    await t.http().patch(`/api/v1/contacts/${contactId}`).set(north.auth).send({ jobTitle: 'Chief Financial Officer' }).expect(200);
    soleActivityId = (
      await t.http().post('/api/v1/activities').set(north.auth).send({ type: 'email', subject: 'Invoice for Anna', body: 'Dear Anna, …', from: 'me@example.com', to: ['Anna.Berzina@example.com'], contactIds: [contactId] }).expect(201)
    ).body.id;
    sharedActivityId = (
      await t.http().post('/api/v1/activities').set(north.auth).send({ type: 'note', body: 'Lunch with Anna and Jānis', contactIds: [contactId, otherId] }).expect(201)
    ).body.id;
    await t.http().post(`/api/v1/contacts/${contactId}/consents`).set(north.auth).send({ channel: 'email', status: 'granted', legalBasis: 'consent', source: 'newsletter form' }).expect(201);
  });
  afterAll(() => t?.close());

  it('lists everything stored about the person', async () => {
    const d = await personalData(north.auth);
    expect(d.contact).toMatchObject({
      id: contactId,
      firstName: 'Anna',
      lastName: 'Bērziņa',
      emails: [{ email: 'anna.berzina@example.com', primary: true }],
      phones: [{ number: '+37120000001' }],
      jobTitle: 'Chief Financial Officer',
      address: { street: 'Brīvības iela 1', city: 'Riga', country: 'LV' },
      tags: ['vip'],
      companyLinks: [{ companyId, role: 'billing', companyName: 'Baltic Timber' }],
      customFields: { nickname: 'Annija', score: 42 },
    });
    expect(d.consents.current.find((c: { channel: string }) => c.channel === 'email')).toMatchObject({ status: 'granted' });
    expect(d.consents.entries).toHaveLength(1);
    expect(d.activities.map((a: { id: string }) => a.id).sort()).toEqual([soleActivityId, sharedActivityId].sort());
    expect(d.audit.map((a: { action: string }) => a.action)).toEqual(['create', 'update']);
    expect(d.audit[1].changes.jobTitle).toEqual({ from: 'CFO', to: 'Chief Financial Officer' });
  });

  it('is scoped: another team gets 404 for access and erasure; no credentials 401; bad id 400', async () => {
    await t.http().get(`/api/v1/contacts/${contactId}/personal-data`).set(south.auth).expect(404);
    await t.http().post(`/api/v1/contacts/${contactId}/erase`).set(south.auth).expect(404);
    await t.http().get(`/api/v1/contacts/${contactId}/personal-data`).expect(401);
    await t.http().post(`/api/v1/contacts/${contactId}/erase`).expect(401);
    await t.http().get('/api/v1/contacts/nope/personal-data').set(north.auth).expect(400);
    await t.http().post('/api/v1/contacts/0190a000-0000-7000-8000-000000000000/erase').set(admin).expect(404);
    expect((await personalData(north.auth)).contact.firstName).toBe('Anna');
  });

  it('erases the person everywhere, keeps non-personal data, and audits it without values', async () => {
    const res = await t.http().post(`/api/v1/contacts/${contactId}/erase`).set(north.auth).expect(200);
    expect(res.body).toMatchObject({ contactId, activities: 2, timelineEntries: expect.any(Number), auditEntries: expect.any(Number) });
    const activityAudit: { changes: unknown }[] = await t.dataSource.query(`SELECT changes FROM platform.audit_log WHERE resource = 'activities' AND record_id = $1`, [soleActivityId]);
    expect(activityAudit.length).toBeGreaterThan(0);
    expect(JSON.stringify(activityAudit)).not.toMatch(/Invoice for Anna|berzina/i);

    const d = await personalData(admin);
    expect(d.contact).toMatchObject({
      firstName: '[erased]',
      lastName: null,
      emails: [],
      phones: [],
      jobTitle: null,
      address: { street: null, city: null, region: null, postalCode: null, country: null },
      tags: ['vip'],
      lifecycleStage: 'customer',
      companyLinks: [{ companyId, role: 'billing' }],
      customFields: { score: 42 },
    });
    // The consent evidence stays (it holds no personal data).
    expect(d.consents.entries).toHaveLength(1);

    const sole = d.activities.find((a: { id: string }) => a.id === soleActivityId);
    expect(sole).toMatchObject({ subject: '[erased]', body: '[erased]', to: [] });
    // A note about two people keeps its text for the other one, without the erased person in it.
    const shared = d.activities.find((a: { id: string }) => a.id === sharedActivityId);
    expect(shared.body).toBe('Lunch with [erased] and Jānis');

    const everything = JSON.stringify(d);
    for (const value of ['Bērziņa', 'anna.berzina@example.com', '+37120000001', 'Brīvības', 'Annija', 'CFO', 'Chief Financial Officer', 'Riga']) {
      expect(everything).not.toContain(value);
    }
    expect(d.audit.map((a: { action: string }) => a.action)).toEqual(['create', 'update', 'erase']);
    expect(d.audit[1].changes.jobTitle).toEqual({ from: '[erased]', to: '[erased]' });
    expect(d.audit[0].changes.tags).toEqual({ from: null, to: ['vip'] });
    expect(d.audit[2].actorId).toBe(north.user.id);

    // Nothing left to find it by.
    const search = await t.http().get('/api/v1/contacts').query({ q: 'Bērziņa' }).set(admin).expect(200);
    expect(search.body.data.map((c: { id: string }) => c.id)).not.toContain(contactId);
    // Other people are untouched.
    expect((await personalData(north.auth, otherId)).contact).toMatchObject({ firstName: 'Jānis', emails: [{ email: 'janis@example.com' }] });
  });

  it('needs the delete permission', async () => {
    const role = await t.http().post('/api/v1/roles').set(admin).send({ name: 'no-delete', permissions: { contacts: { read: 'all', update: 'all' } } });
    expect(role.status).toBe(201);
    const user = await seedUser(t, { role: 'no-delete' });
    await t.http().post(`/api/v1/contacts/${otherId}/erase`).set(await loginAs(t, user)).expect(403);
  });

  it('lists the snapshots merges keep of the person, and an erasure leaves none an undo could bring back', async () => {
    const primaryId = await createContact(t, north.auth, { firstName: 'Liene', lastName: 'Kalniņa', emails: [{ email: 'liene@example.com' }], jobTitle: 'CEO' });
    const dupId = await createContact(t, north.auth, { firstName: 'Liene', lastName: 'Kalnina', emails: [{ email: 'liene.k@example.com' }] });
    const merge = (await t.http().post('/api/v1/contacts/merge').set(north.auth).send({ primaryId, duplicateIds: [dupId] }).expect(200)).body;

    const before = await personalData(north.auth, primaryId);
    const merges = before.otherRecords.find((o: { holder: string }) => o.holder === 'contactMerges');
    expect(merges.records).toEqual([expect.objectContaining({ mergeId: merge.id, role: 'primary', undoneAt: null, snapshot: expect.objectContaining({ lastName: 'Kalniņa', jobTitle: 'CEO' }) })]);
    expect((await personalData(north.auth, dupId)).otherRecords.find((o: { holder: string }) => o.holder === 'contactMerges').records[0]).toMatchObject({ role: 'duplicate' });

    const erased = await t.http().post(`/api/v1/contacts/${primaryId}/erase`).set(north.auth).expect(200);
    // The duplicate merged into the person is the person: erased with it (its snapshot too).
    expect(erased.body).toMatchObject({ otherRecords: 2, mergedContactIds: [dupId] });
    const rows: { snapshots: Record<string, unknown> }[] = await t.dataSource.query('SELECT snapshots FROM contacts.contact_merges WHERE id = $1', [merge.id]);
    expect(JSON.stringify(rows[0].snapshots)).not.toMatch(/Kalni[nņ]a|liene(\.k)?@example\.com|CEO/);
    // A merge of an erased person can no longer be undone; nothing of the person returns.
    expect((await t.http().post(`/api/v1/contacts/merges/${merge.id}/undo`).set(north.auth).expect(409)).body.type).toBe('urn:crm:problem:merge-erased');
    const primary = (await t.http().get(`/api/v1/contacts/${primaryId}`).set(north.auth).expect(200)).body;
    expect(JSON.stringify(primary)).not.toMatch(/Kalniņa|liene@example\.com|CEO/);
  });
});
