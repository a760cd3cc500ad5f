import { randomUUID } from 'node:crypto';
import { CompanyMergeEntity } from '../../src/modules/contacts/merge/persistence/company-merge.entity';
import { TestApp } from '../support/app';
import { Auth, createCompany, createContact, TeamMember } from '../contacts-activities/support';
import { expectNoDrift } from '../support/migrations';
import { twoTeams } from './support';

type Link = { companyId: string; role: string | null };

describe('merging companies', () => {
  jest.setTimeout(60_000);

  let t: TestApp;
  let admin: Auth;
  let north: TeamMember;
  let south: TeamMember;

  const get = (auth: Auth, id: string) => t.http().get(`/api/v1/companies/${id}`).set(auth);
  const company = async (auth: Auth, id: string) => (await get(auth, id).expect(200)).body;
  const contactLinks = async (auth: Auth, id: string): Promise<Link[]> =>
    (await t.http().get(`/api/v1/contacts/${id}`).set(auth).expect(200)).body.companies.map((l: Link) => ({ companyId: l.companyId, role: l.role }));
  const merge = (auth: Auth, body: object) => t.http().post('/api/v1/companies/merge').set(auth).send(body);
  const undo = (auth: Auth, id: string) => t.http().post(`/api/v1/companies/merges/${id}/undo`).set(auth);
  const activityIdsOf = async (auth: Auth, id: string): Promise<string[]> =>
    (await t.http().get(`/api/v1/companies/${id}/timeline`).set(auth).expect(200)).body.data
      .filter((i: { kind: string }) => i.kind === 'activity')
      .map((i: { activity: { id: string } }) => i.activity.id);
  const timelineEntry = async (companyId: string): Promise<string> => {
    const id = randomUUID();
    await t.dataSource.query(
      `INSERT INTO contacts.timeline_entries (id, subject_type, subject_id, occurred_at, event, source_event_id, summary) VALUES ($1, 'company', $2, now(), 'deal.won', $3, 'Deal won')`,
      [id, companyId, randomUUID()],
    );
    return id;
  };
  const subjectOf = async (entryId: string): Promise<string> => (await t.dataSource.query(`SELECT subject_id FROM contacts.timeline_entries WHERE id = $1`, [entryId]))[0].subject_id;

  beforeAll(async () => ({ t, admin, north, south } = await twoTeams()));
  afterAll(() => t?.close());

  it('moves links, subsidiaries, activities and timeline entries to the primary, and the undo puts them back', async () => {
    const field = (key: string) => t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'company', key, label: key, type: 'text' }).expect(201);
    await field('tier');
    const legacy = (await field('legacyCode')).body.id;
    const other = await createCompany(t, north.auth, { name: 'Other' });
    const primaryId = await createCompany(t, north.auth, { name: 'Northwind Trading', domains: ['northwind.example'], tags: ['vip'], industry: 'Retail' });
    const dupId = await createCompany(t, north.auth, {
      name: 'Southbridge Trading',
      domains: ['southbridge.example', 'northwind.example'],
      tags: ['lead'],
      industry: 'Wholesale',
      employees: 50,
      annualRevenue: { amount: '1000.00', currency: 'EUR' },
      address: { city: 'Riga', country: 'LV' },
      customFields: { tier: 'gold', legacyCode: 'S-1' },
    });
    // A definition removed since: its value stays on the duplicate, the merge does not carry it.
    await t.http().delete(`/api/v1/custom-fields/${legacy}`).set(admin).expect(204);
    const subsidiary = await createCompany(t, north.auth, { name: 'Southbridge Baltics', parentCompanyId: dupId });
    const onlyDup = await createContact(t, north.auth, { companies: [{ companyId: other, role: null }, { companyId: dupId, role: 'billing' }] });
    const both = await createContact(t, north.auth, { companies: [{ companyId: primaryId, role: null }, { companyId: dupId, role: 'tech' }] });
    // A contact of another team, linked by an administrator: its link moves too, though North cannot see it.
    const southern = await createContact(t, admin, { teamId: south.user.teamIds[0], ownerId: south.user.id, companies: [{ companyId: dupId, role: 'buyer' }] });
    const activityId = (await t.http().post('/api/v1/activities').set(north.auth).send({ type: 'note', body: 'Met Southbridge', companyIds: [dupId] }).expect(201)).body.id;
    const entryId = await timelineEntry(dupId);
    const before = await company(north.auth, primaryId);

    const res = await merge(north.auth, { primaryId, duplicateIds: [dupId], fieldChoices: { industry: dupId, address: dupId } }).expect(200);
    expect(res.body).toMatchObject({ primaryId, duplicateIds: [dupId], movedActivities: 1, movedTimelineEntries: 1, movedContactLinks: 3, movedSubsidiaries: 1, undoneAt: null });

    const merged = await company(north.auth, primaryId);
    expect(merged).toMatchObject({
      name: 'Northwind Trading',
      industry: 'Wholesale',
      employees: 50,
      annualRevenue: { amount: '1000.00', currency: 'EUR' },
      address: { city: 'Riga', country: 'LV' },
      domains: ['northwind.example', 'southbridge.example'],
      customFields: { tier: 'gold' },
    });
    expect([...merged.tags].sort()).toEqual(['lead', 'vip']);
    await get(north.auth, dupId).expect(404);
    const bin = await t.http().get('/api/v1/companies').query({ 'filter[deleted][eq]': 'true' }).set(north.auth).expect(200);
    expect(bin.body.data.map((c: { id: string }) => c.id)).toContain(dupId);
    expect((await company(north.auth, subsidiary)).parentCompanyId).toBe(primaryId);
    expect(await contactLinks(north.auth, onlyDup)).toEqual([{ companyId: other, role: null }, { companyId: primaryId, role: 'billing' }]);
    expect(await contactLinks(north.auth, both)).toEqual([{ companyId: primaryId, role: 'tech' }]);
    expect(await contactLinks(south.auth, southern)).toEqual([{ companyId: primaryId, role: 'buyer' }]);
    // The people of the duplicate are found under the primary's name.
    const found = await t.http().get('/api/v1/contacts').query({ q: 'Northwind' }).set(north.auth).expect(200);
    expect(found.body.data.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([onlyDup, both]));
    expect(await activityIdsOf(north.auth, primaryId)).toEqual([activityId]);
    expect(await subjectOf(entryId)).toBe(primaryId);
    const [row] = await t.dataSource.query(`SELECT snapshots FROM contacts.company_merges WHERE id = $1`, [res.body.id]);
    expect(row.snapshots[dupId]).toMatchObject({ name: 'Southbridge Trading', employees: 50, customFields: { tier: 'gold', legacyCode: 'S-1' } });
    expect(row.snapshots[primaryId]).toMatchObject({ name: 'Northwind Trading', industry: 'Retail' });
    const audit = await t.http().get('/api/v1/audit').query({ 'filter[resource][eq]': 'companies', 'filter[recordId][eq]': primaryId }).set(north.auth).expect(200);
    expect(audit.body.data.map((a: { action: string }) => a.action)).toContain('merge');

    const events = async (topic: string) =>
      (await t.dataSource.query(`SELECT payload FROM platform.outbox WHERE topic = $1 AND payload->>'mergeId' = $2`, [topic, res.body.id])).map((r: { payload: unknown }) => r.payload);
    expect(await events('company.merged')).toEqual([{ mergeId: res.body.id, primaryId, duplicateIds: [dupId] }]);
    const undone = await undo(north.auth, res.body.id).expect(200);
    expect(await events('company.merge-undone')).toEqual([{ mergeId: res.body.id, primaryId, duplicateIds: [dupId] }]);
    expect(undone.body.undoneAt).toEqual(expect.any(String));
    const back = await company(north.auth, primaryId);
    expect(back).toMatchObject({ name: 'Northwind Trading', industry: 'Retail', domains: ['northwind.example'], tags: ['vip'], employees: null, annualRevenue: null, parentCompanyId: null, customFields: {} });
    expect(back.address).toEqual(before.address);
    expect(await company(north.auth, dupId)).toMatchObject({ name: 'Southbridge Trading', employees: 50, customFields: { tier: 'gold' } });
    expect((await company(north.auth, subsidiary)).parentCompanyId).toBe(dupId);
    expect(await contactLinks(north.auth, onlyDup)).toEqual([{ companyId: other, role: null }, { companyId: dupId, role: 'billing' }]);
    expect(await contactLinks(north.auth, both)).toEqual([{ companyId: primaryId, role: null }, { companyId: dupId, role: 'tech' }]);
    expect(await contactLinks(south.auth, southern)).toEqual([{ companyId: dupId, role: 'buyer' }]);
    expect(await activityIdsOf(north.auth, dupId)).toEqual([activityId]);
    expect(await activityIdsOf(north.auth, primaryId)).toEqual([]);
    expect(await subjectOf(entryId)).toBe(dupId);

    const again = await undo(north.auth, res.body.id).expect(409);
    expect(again.body.type).toBe('urn:crm:problem:merge-already-undone');
  });

  it('never leaves a cycle in the company tree', async () => {
    // top <- dup <- middle <- primary: merging dup into primary puts primary in dup's place.
    const top = await createCompany(t, north.auth, { name: 'Top' });
    const dup = await createCompany(t, north.auth, { name: 'Dup', parentCompanyId: top });
    const middle = await createCompany(t, north.auth, { name: 'Middle', parentCompanyId: dup });
    const primary = await createCompany(t, north.auth, { name: 'Primary', parentCompanyId: middle });

    // Choosing the primary's own parent would put it under itself: named, and nothing changes.
    const refused = await merge(north.auth, { primaryId: primary, duplicateIds: [dup], fieldChoices: { parentCompanyId: primary } }).expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'fieldChoices.parentCompanyId' })]);
    expect((await company(north.auth, middle)).parentCompanyId).toBe(dup);
    await get(north.auth, dup).expect(200);

    const m = await merge(north.auth, { primaryId: primary, duplicateIds: [dup] }).expect(200);
    expect((await company(north.auth, primary)).parentCompanyId).toBe(top);
    expect((await company(north.auth, middle)).parentCompanyId).toBe(primary);

    await undo(north.auth, m.body.id).expect(200);
    expect((await company(north.auth, primary)).parentCompanyId).toBe(middle);
    expect((await company(north.auth, middle)).parentCompanyId).toBe(dup);
    expect((await company(north.auth, dup)).parentCompanyId).toBe(top);

    // A primary directly under its duplicate takes the duplicate's parent.
    const child = await createCompany(t, north.auth, { name: 'Child', parentCompanyId: dup });
    await merge(north.auth, { primaryId: child, duplicateIds: [dup] }).expect(200);
    expect((await company(north.auth, child)).parentCompanyId).toBe(top);
  });

  it('answers conflicts: itself, unknown ids, a company merged already, an undo after later edits', async () => {
    const a = await createCompany(t, north.auth);
    const b = await createCompany(t, north.auth);
    const c = await createCompany(t, north.auth);

    const self = await merge(north.auth, { primaryId: a, duplicateIds: [a] }).expect(400);
    expect(self.body.errors).toEqual([expect.objectContaining({ field: 'duplicateIds' })]);
    await merge(north.auth, { primaryId: a, duplicateIds: [randomUUID()] }).expect(404);
    await merge(north.auth, { primaryId: randomUUID(), duplicateIds: [a] }).expect(404);

    const m = await merge(north.auth, { primaryId: a, duplicateIds: [b] }).expect(200);
    const twice = await merge(north.auth, { primaryId: c, duplicateIds: [b] }).expect(409);
    expect(twice.body).toMatchObject({ type: 'urn:crm:problem:already-merged', mergeId: m.body.id });
    await merge(north.auth, { primaryId: b, duplicateIds: [c] }).expect(409);
    // Another team does not learn that the company exists.
    await merge(south.auth, { primaryId: await createCompany(t, south.auth), duplicateIds: [b] }).expect(404);

    await t.http().patch(`/api/v1/companies/${a}`).set(north.auth).send({ industry: 'Edited later' }).expect(200);
    const changed = await undo(north.auth, m.body.id).expect(409);
    expect(changed.body.type).toBe('urn:crm:problem:merge-primary-changed');
    await get(north.auth, b).expect(404);
    await get(north.auth, c).expect(200);
  });

  it('undoes an earlier merge once a later merge into the same primary is undone, and still refuses after a real change', async () => {
    const p = await createCompany(t, north.auth, { name: 'Primary Ltd', domains: ['primary.example'] });
    const d = await createCompany(t, north.auth, { name: 'Dup Ltd', industry: 'Retail', domains: ['dup.example'] });
    const e = await createCompany(t, north.auth, { name: 'Other Dup Ltd', employees: 7, tags: ['e'] });
    const linked = await createContact(t, north.auth, { companies: [{ companyId: e, role: 'buyer' }] });

    const a = (await merge(north.auth, { primaryId: p, duplicateIds: [d] }).expect(200)).body.id;
    const b = (await merge(north.auth, { primaryId: p, duplicateIds: [e] }).expect(200)).body.id;
    expect((await undo(north.auth, a).expect(409)).body.type).toBe('urn:crm:problem:merge-primary-changed');
    await undo(north.auth, b).expect(200);
    expect(await contactLinks(north.auth, linked)).toEqual([{ companyId: e, role: 'buyer' }]);
    await undo(north.auth, a).expect(200);
    expect(await company(north.auth, p)).toMatchObject({ name: 'Primary Ltd', industry: null, employees: null, domains: ['primary.example'], tags: [] });
    expect(await company(north.auth, d)).toMatchObject({ name: 'Dup Ltd', industry: 'Retail' });

    const a2 = (await merge(north.auth, { primaryId: p, duplicateIds: [d] }).expect(200)).body.id;
    const b2 = (await merge(north.auth, { primaryId: p, duplicateIds: [e] }).expect(200)).body.id;
    await undo(north.auth, b2).expect(200);
    await t.http().patch(`/api/v1/companies/${p}`).set(north.auth).send({ industry: 'Edited later' }).expect(200);
    expect((await undo(north.auth, a2).expect(409)).body.type).toBe('urn:crm:problem:merge-primary-changed');
    await get(north.auth, d).expect(404);
  });

  it('refuses an id given twice in duplicateIds (400 naming it), and nothing changes', async () => {
    const p = await createCompany(t, north.auth);
    const dup = await createCompany(t, north.auth);
    for (const duplicateIds of [[dup, dup], [dup, dup.toUpperCase()]]) {
      const res = await merge(north.auth, { primaryId: p, duplicateIds }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'duplicateIds', message: 'must not name the same id twice' }]);
    }
    await get(north.auth, dup).expect(200);
    expect(await t.dataSource.query(`SELECT id FROM contacts.company_merges WHERE primary_id = $1`, [p])).toEqual([]);
  });

  it('is scoped: update on the primary, delete on each duplicate, across teams', async () => {
    const mine = await createCompany(t, north.auth);
    const theirs = await createCompany(t, south.auth);
    const theirChild = await createCompany(t, south.auth, { parentCompanyId: theirs });
    await merge(north.auth, { primaryId: mine, duplicateIds: [theirs] }).expect(404);
    await merge(north.auth, { primaryId: theirs, duplicateIds: [mine] }).expect(404);
    await get(south.auth, theirs).expect(200);
    await get(north.auth, mine).expect(200);
    expect((await company(south.auth, theirChild)).parentCompanyId).toBe(theirs);

    const m = await merge(admin, { primaryId: mine, duplicateIds: [theirs] }).expect(200);
    expect(m.body.movedSubsidiaries).toBe(1);
    // The subsidiary stays South's, now under North's company, which South cannot see.
    expect((await company(south.auth, theirChild)).parentCompanyId).toBe(mine);
    await get(south.auth, mine).expect(404);
    await undo(south.auth, m.body.id).expect(404);
    await undo(north.auth, m.body.id).expect(404); // restoring South's company needs the delete scope on it
    await undo(admin, m.body.id).expect(200);
    expect((await company(south.auth, theirChild)).parentCompanyId).toBe(theirs);
    await undo(admin, randomUUID()).expect(404);
    await t.http().post('/api/v1/companies/merge').send({ primaryId: mine, duplicateIds: [theirs] }).expect(401);
  });

  it('names the field of bad input', async () => {
    const a = await createCompany(t, north.auth);
    const b = await createCompany(t, north.auth);
    const other = await createCompany(t, north.auth);
    const cases: [object, string][] = [
      [{ primaryId: a, duplicateIds: [] }, 'duplicateIds'],
      [{ primaryId: a, duplicateIds: Array.from({ length: 11 }, () => randomUUID()) }, 'duplicateIds'],
      [{ primaryId: 'x', duplicateIds: [b] }, 'primaryId'],
      [{ primaryId: a, duplicateIds: ['nope'] }, 'duplicateIds'],
      [{ primaryId: a, duplicateIds: [b], fieldChoices: { name: other } }, 'fieldChoices.name'],
      [{ primaryId: a, duplicateIds: [b], fieldChoices: { parentCompanyId: 'x' } }, 'fieldChoices.parentCompanyId'],
      [{ primaryId: a, duplicateIds: [b], fieldChoices: { domains: b } }, 'fieldChoices.domains'],
      [{ primaryId: a, duplicateIds: [b], extra: true }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await merge(north.auth, body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    await get(north.auth, b).expect(200);
    await undo(north.auth, 'nope').expect(400);
  });

  it('matches its migration (no drift)', () => expectNoDrift(t, [CompanyMergeEntity]));
});
