import { ContactMergeEntity } from '../../src/modules/contacts/merge/persistence/contact-merge.entity';
import { TestApp } from '../support/app';
import { Auth, createCompany, createContact, TeamMember } from '../contacts-activities/support';
import { expectNoDrift } from '../support/migrations';
import { twoTeams } from './support';

describe('merging contacts', () => {
  jest.setTimeout(60_000);

  let t: TestApp;
  let admin: Auth;
  let north: TeamMember;
  let south: TeamMember;

  const get = (auth: Auth, id: string) => t.http().get(`/api/v1/contacts/${id}`).set(auth);
  const personalData = async (auth: Auth, id: string) => (await t.http().get(`/api/v1/contacts/${id}/personal-data`).set(auth).expect(200)).body;
  const merge = (auth: Auth, body: object) => t.http().post('/api/v1/contacts/merge').set(auth).send(body);

  beforeAll(async () => ({ t, admin, north, south } = await twoTeams()));
  afterAll(() => t?.close());

  it('moves everything to the primary in one go, and the undo puts it all back', async () => {
    const c1 = await createCompany(t, north.auth, { name: 'Alpha' });
    const c2 = await createCompany(t, north.auth, { name: 'Beta' });
    const primaryId = await createContact(t, north.auth, { firstName: 'Ann', lastName: 'Lee', emails: [{ email: 'ann@alpha.example' }], tags: ['vip'], companies: [{ companyId: c1, role: null }] });
    const dupId = await createContact(t, north.auth, {
      firstName: 'Anne',
      lastName: 'Lee',
      jobTitle: 'CTO',
      emails: [{ email: 'ann@beta.example' }, { email: 'ANN@alpha.example' }],
      phones: [{ number: '+37120000002' }],
      tags: ['lead', 'vip'],
      companies: [{ companyId: c2, role: 'tech' }],
    });
    const activityId = (await t.http().post('/api/v1/activities').set(north.auth).send({ type: 'note', body: 'Called Anne', contactIds: [dupId] }).expect(201)).body.id;
    await t.http().post(`/api/v1/contacts/${dupId}/consents`).set(north.auth).send({ channel: 'sms', status: 'granted', legalBasis: 'consent', source: 'form' }).expect(201);

    const res = await merge(north.auth, { primaryId, duplicateIds: [dupId], fieldChoices: { firstName: dupId } }).expect(200);
    expect(res.body).toMatchObject({ primaryId, duplicateIds: [dupId], movedActivities: 1, movedConsents: 1, undoneAt: null });

    const merged = (await get(north.auth, primaryId).expect(200)).body;
    expect(merged).toMatchObject({ firstName: 'Anne', lastName: 'Lee', jobTitle: 'CTO' });
    expect(merged.emails.map((e: { email: string }) => e.email)).toEqual(['ann@alpha.example', 'ann@beta.example']);
    expect(merged.phones.map((p: { number: string }) => p.number)).toEqual(['+37120000002']);
    expect([...merged.tags].sort()).toEqual(['lead', 'vip']);
    expect(merged.companies.map((l: { companyId: string }) => l.companyId).sort()).toEqual([c1, c2].sort());
    await get(north.auth, dupId).expect(404);
    const bin = await t.http().get('/api/v1/contacts').query({ 'filter[deleted][eq]': 'true' }).set(north.auth).expect(200);
    expect(bin.body.data.map((c: { id: string }) => c.id)).toContain(dupId);
    const pd = await personalData(north.auth, primaryId);
    expect(pd.activities.map((a: { id: string }) => a.id)).toEqual([activityId]);
    expect(pd.consents.current.find((c: { channel: string }) => c.channel === 'sms').status).toBe('granted');
    expect(pd.audit.map((a: { action: string }) => a.action)).toContain('merge');
    const snapshot = await t.dataSource.query(`SELECT snapshots FROM contacts.contact_merges WHERE id = $1`, [res.body.id]);
    expect(snapshot[0].snapshots[dupId]).toMatchObject({ firstName: 'Anne', jobTitle: 'CTO' });

    // Other modules hear of the merge (and later of the undo) through the outbox, ids only.
    const events = async (topic: string) =>
      (await t.dataSource.query(`SELECT payload FROM platform.outbox WHERE topic = $1 AND payload->>'mergeId' = $2`, [topic, res.body.id])).map((r: { payload: unknown }) => r.payload);
    expect(await events('contact.merged')).toEqual([{ mergeId: res.body.id, primaryId, duplicateIds: [dupId] }]);

    const undone = await t.http().post(`/api/v1/contacts/merges/${res.body.id}/undo`).set(north.auth).expect(200);
    expect(undone.body.undoneAt).toEqual(expect.any(String));
    expect(await events('contact.merge-undone')).toEqual([{ mergeId: res.body.id, primaryId, duplicateIds: [dupId] }]);
    const back = (await get(north.auth, primaryId).expect(200)).body;
    expect(back).toMatchObject({ firstName: 'Ann', jobTitle: null, tags: ['vip'], emails: [{ email: 'ann@alpha.example' }], phones: [] });
    expect(back.companies.map((l: { companyId: string }) => l.companyId)).toEqual([c1]);
    expect((await get(north.auth, dupId).expect(200)).body).toMatchObject({ firstName: 'Anne', jobTitle: 'CTO' });
    expect((await personalData(north.auth, dupId)).activities.map((a: { id: string }) => a.id)).toEqual([activityId]);
    expect((await personalData(north.auth, dupId)).consents.entries).toHaveLength(1);
    expect((await personalData(north.auth, primaryId)).activities).toEqual([]);
    expect((await personalData(north.auth, primaryId)).consents.entries).toEqual([]);

    const again = await t.http().post(`/api/v1/contacts/merges/${res.body.id}/undo`).set(north.auth).expect(409);
    expect(again.body.type).toBe('urn:crm:problem:merge-already-undone');
  });

  it('refuses a second merge of a merged contact, and the undo once the primary changed after the merge', async () => {
    const a = await createContact(t, north.auth);
    const b = await createContact(t, north.auth);
    const m = await merge(north.auth, { primaryId: a, duplicateIds: [b] }).expect(200);
    const twice = await merge(north.auth, { primaryId: await createContact(t, north.auth), duplicateIds: [b] }).expect(409);
    expect(twice.body).toMatchObject({ type: 'urn:crm:problem:already-merged', mergeId: m.body.id });
    await merge(south.auth, { primaryId: await createContact(t, south.auth), duplicateIds: [b] }).expect(404);
    await t.http().patch(`/api/v1/contacts/${a}`).set(north.auth).send({ jobTitle: 'Edited later' }).expect(200);
    const res = await t.http().post(`/api/v1/contacts/merges/${m.body.id}/undo`).set(north.auth).expect(409);
    expect(res.body.type).toBe('urn:crm:problem:merge-primary-changed');
    await get(north.auth, b).expect(404);
  });

  it('undoes an earlier merge once a later merge into the same primary is undone, and still refuses after a real change', async () => {
    await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'tier', label: 'Tier', type: 'text' }).expect(201);
    const undo = (id: string) => t.http().post(`/api/v1/contacts/merges/${id}/undo`).set(north.auth);
    const p = await createContact(t, north.auth, { firstName: 'Pia', emails: [{ email: 'pia@p.example' }], tags: ['p'] });
    const d = await createContact(t, north.auth, { jobTitle: 'CFO', emails: [{ email: 'pia@d.example' }], tags: ['d'] });
    const e = await createContact(t, north.auth, { phones: [{ number: '+37120000009' }], tags: ['e'], customFields: { tier: 'gold' } });
    const before = (await get(north.auth, p).expect(200)).body;

    const a = (await merge(north.auth, { primaryId: p, duplicateIds: [d] }).expect(200)).body.id;
    const b = (await merge(north.auth, { primaryId: p, duplicateIds: [e] }).expect(200)).body.id;
    // Undoing the earlier merge first would drop what the later one brought.
    expect((await undo(a).expect(409)).body.type).toBe('urn:crm:problem:merge-primary-changed');
    await undo(b).expect(200);
    const afterA = (await get(north.auth, p).expect(200)).body;
    expect(afterA).toMatchObject({ jobTitle: 'CFO', phones: [], customFields: {} });
    await undo(a).expect(200);
    const back = (await get(north.auth, p).expect(200)).body;
    expect(back).toMatchObject({ firstName: 'Pia', jobTitle: null, emails: [{ email: 'pia@p.example' }], tags: ['p'], phones: [], customFields: {} });
    expect(back.version).toBeGreaterThan(before.version);
    expect((await get(north.auth, d).expect(200)).body).toMatchObject({ jobTitle: 'CFO' });
    expect((await get(north.auth, e).expect(200)).body).toMatchObject({ customFields: { tier: 'gold' } });

    // A change the undo would overwrite still blocks it, even after the later merge is undone.
    const c = await createContact(t, north.auth, { jobTitle: 'CEO' });
    const a2 = (await merge(north.auth, { primaryId: p, duplicateIds: [d] }).expect(200)).body.id;
    const b2 = (await merge(north.auth, { primaryId: p, duplicateIds: [c] }).expect(200)).body.id;
    await undo(b2).expect(200);
    await t.http().patch(`/api/v1/contacts/${p}`).set(north.auth).send({ lastName: 'Edited' }).expect(200);
    expect((await undo(a2).expect(409)).body.type).toBe('urn:crm:problem:merge-primary-changed');
    await get(north.auth, d).expect(404);
  });

  it('refuses an id given twice in duplicateIds (400 naming it), and nothing changes', async () => {
    const p = await createContact(t, north.auth);
    const nc = await createContact(t, north.auth, { companies: [{ companyId: await createCompany(t, north.auth), role: null }] });
    for (const duplicateIds of [[nc, nc], [nc, nc.toUpperCase()]]) {
      const res = await merge(north.auth, { primaryId: p, duplicateIds }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'duplicateIds', message: 'must not name the same id twice' }]);
    }
    const self = await merge(north.auth, { primaryId: p, duplicateIds: [nc, p] }).expect(400);
    expect(self.body.errors).toEqual([expect.objectContaining({ field: 'duplicateIds' })]);
    await get(north.auth, nc).expect(200);
    expect(await t.dataSource.query(`SELECT id FROM contacts.contact_merges WHERE primary_id = $1`, [p])).toEqual([]);
  });

  it('refuses to merge an erased contact, as primary or as duplicate (409)', async () => {
    const erased = await createContact(t, north.auth, { jobTitle: 'Gone' });
    const other = await createContact(t, north.auth, { jobTitle: 'Here' });
    await t.http().post(`/api/v1/contacts/${erased}/erase`).set(north.auth).expect(200);
    for (const body of [
      { primaryId: erased, duplicateIds: [other] },
      { primaryId: other, duplicateIds: [erased] },
    ]) {
      const res = await merge(north.auth, body).expect(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'urn:crm:problem:contact-erased', status: 409, erasedIds: [erased] });
      expect(res.body.detail).toMatch(/erased/);
    }
    // Renaming the erased contact does not make it mergeable.
    await t.http().patch(`/api/v1/contacts/${erased}`).set(north.auth).send({ firstName: 'Someone' }).expect(200);
    await merge(north.auth, { primaryId: other, duplicateIds: [erased] }).expect(409);
    expect((await get(north.auth, other).expect(200)).body).toMatchObject({ jobTitle: 'Here' });
    await get(north.auth, erased).expect(200);
    expect(await t.dataSource.query(`SELECT id FROM contacts.contact_merges WHERE primary_id = ANY($1::uuid[])`, [[erased, other]])).toEqual([]);
  });

  it("keeps company links the caller cannot see: sent back as GET showed them, and through a merge and its undo", async () => {
    const theirs = await createCompany(t, south.auth, { name: 'Southern Supply' });
    const primaryId = await createContact(t, north.auth, { firstName: 'Lina' });
    const dupId = await createContact(t, north.auth, { firstName: 'Lina' });
    // An admin links the North contact to a South company, which North cannot see.
    await t.http().patch(`/api/v1/contacts/${dupId}`).set(admin).send({ companies: [{ companyId: theirs, role: 'buyer' }] }).expect(200);
    const shown = (await get(north.auth, dupId).expect(200)).body;
    expect(shown.companies).toEqual([{ companyId: theirs, role: 'buyer' }]);
    await t.http().patch(`/api/v1/contacts/${dupId}`).set(north.auth).send({ companies: shown.companies, jobTitle: 'Buyer' }).expect(200);
    // Linking it anew is still refused.
    const refused = await t.http().patch(`/api/v1/contacts/${primaryId}`).set(north.auth).send({ companies: [{ companyId: theirs }] }).expect(400);
    expect(refused.body.errors).toEqual([{ field: 'companies[0].companyId', message: 'is not a company you can see' }]);

    const merged = await merge(north.auth, { primaryId, duplicateIds: [dupId] }).expect(200);
    expect((await get(north.auth, primaryId).expect(200)).body.companies).toEqual([{ companyId: theirs, role: 'buyer' }]);
    await t.http().post(`/api/v1/contacts/merges/${merged.body.id}/undo`).set(north.auth).expect(200);
    expect((await get(north.auth, primaryId).expect(200)).body.companies).toEqual([]);
    expect((await get(north.auth, dupId).expect(200)).body.companies).toEqual([{ companyId: theirs, role: 'buyer' }]);
  });

  it('is scoped: out-of-scope contacts are 404 and nothing changes', async () => {
    const mine = await createContact(t, north.auth);
    const theirs = await createContact(t, south.auth);
    await merge(north.auth, { primaryId: mine, duplicateIds: [theirs] }).expect(404);
    await merge(north.auth, { primaryId: theirs, duplicateIds: [mine] }).expect(404);
    await get(south.auth, theirs).expect(200);
    await get(north.auth, mine).expect(200);
    const m = await merge(admin, { primaryId: mine, duplicateIds: [(await createContact(t, north.auth))] }).expect(200);
    await t.http().post(`/api/v1/contacts/merges/${m.body.id}/undo`).set(south.auth).expect(404);
    await t.http().post('/api/v1/contacts/merges/0190a000-0000-7000-8000-000000000000/undo').set(admin).expect(404);
    await t.http().post('/api/v1/contacts/merge').send({ primaryId: mine, duplicateIds: [theirs] }).expect(401);
  });

  it('rejects bad input with a 400', async () => {
    const a = await createContact(t, north.auth);
    const b = await createContact(t, north.auth);
    const other = await createContact(t, north.auth);
    for (const body of [
      { primaryId: a, duplicateIds: [] },
      { primaryId: a, duplicateIds: [a] },
      { primaryId: 'x', duplicateIds: [b] },
      { primaryId: a, duplicateIds: [b], fieldChoices: { firstName: other } },
      { primaryId: a, duplicateIds: [b], fieldChoices: { email: b } },
      { primaryId: a, duplicateIds: [b], extra: true },
    ]) {
      await merge(north.auth, body).expect(400);
    }
    await get(north.auth, b).expect(200);
    await t.http().post('/api/v1/contacts/merges/nope/undo').set(north.auth).expect(400);
  });

  it('matches its migration (no drift)', () => expectNoDrift(t, [ContactMergeEntity]));
});
