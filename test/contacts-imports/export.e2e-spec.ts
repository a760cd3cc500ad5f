import { parse } from 'csv-parse/sync';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin, loginAs, seedUser, createRole, TEAM_SCOPE } from '../support/auth';

type Auth = { Authorization: string };

/** The export's body as records keyed by header (supertest buffers text/csv as text). */
function rowsOf(res: { text: string }): Record<string, string>[] {
  return parse(res.text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

describe('contacts and companies CSV export (e2e)', () => {
  let t: TestApp;
  let admin: Auth;
  let north: Auth;
  let south: Auth;
  const northIds: string[] = [];
  let southId: string;
  let companyId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await asAdmin(t);
    await createRole(t, 'export-rep', { contacts: TEAM_SCOPE, companies: TEAM_SCOPE, 'custom-fields': { read: 'all' } });
    north = await loginAs(t, await seedUser(t, { role: 'export-rep', teams: ['North'] }));
    south = await loginAs(t, await seedUser(t, { role: 'export-rep', teams: ['South'] }));
    await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'score', label: 'Score', type: 'number' }).expect(201);
    await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'interests', label: 'Interests', type: 'multiselect', options: ['golf', 'wine'] }).expect(201);
    await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'company', key: 'contract', label: 'Contract', type: 'money' }).expect(201);

    companyId = (
      await t
        .http()
        .post('/api/v1/companies')
        .set(north)
        .send({ name: 'Nordlicht, "Die Leuchte" GmbH', domains: ['nordlicht.example'], customFields: { contract: { amount: '1200.50', currency: 'EUR' } } })
        .expect(201)
    ).body.id;
    for (const body of [
      { firstName: 'Zoë', lastName: 'Lefèvre', externalId: 'crm-zoe', emails: [{ email: 'zoe@nordlicht.example' }, { email: 'z@private.example' }], tags: ['vip', 'golf'], address: { street: 'Hauptstraße 1\nHinterhaus', city: 'Berlin', country: 'DE' }, customFields: { score: 7, interests: ['golf', 'wine'] } },
      { firstName: 'Jürgen', lastName: 'Schmidt', address: { city: 'Hamburg' }, customFields: { score: 3 } },
      { firstName: 'Anna', lastName: 'Berg', address: { city: 'Berlin' } },
    ]) {
      northIds.push((await t.http().post('/api/v1/contacts').set(north).send(body).expect(201)).body.id);
    }
    southId = (await t.http().post('/api/v1/contacts').set(south).send({ firstName: 'Marta', lastName: 'García', address: { city: 'Berlin' } }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('streams every visible contact as RFC 4180 CSV, custom fields as cf_ columns', async () => {
    const res = await t.http().get('/api/v1/contacts/export').query({ format: 'csv', sort: 'lastName' }).set(north).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="contacts.csv"');
    const header = res.text.split('\r\n')[0].split(',');
    expect(header.slice(0, 4)).toEqual(['id', 'externalId', 'firstName', 'lastName']);
    expect(header).toEqual(expect.arrayContaining(['cf_interests', 'cf_score', 'ownerId', 'teamId']));
    const rows = rowsOf(res);
    expect(rows.map((r) => r.id)).toEqual([northIds[2], northIds[0], northIds[1]]);
    const zoe = rows[1];
    expect(zoe).toMatchObject({ externalId: 'crm-zoe', firstName: 'Zoë', lastName: 'Lefèvre', primaryEmail: 'zoe@nordlicht.example', emails: 'zoe@nordlicht.example;z@private.example', street: 'Hauptstraße 1\nHinterhaus', city: 'Berlin', country: 'DE', tags: 'vip;golf', cf_score: '7', cf_interests: 'golf;wine' });
    expect(rows[0]).toMatchObject({ externalId: '', firstName: 'Anna', cf_score: '', cf_interests: '', primaryEmail: '' });
    // The quoted line break survives: a naive split would see more lines than records.
    expect(res.text).toContain('"Hauptstraße 1\nHinterhaus"');
  });

  it('honours the list filters and q', async () => {
    const berlin = rowsOf(await t.http().get('/api/v1/contacts/export').query({ 'filter[city][eq]': 'Berlin', sort: 'lastName' }).set(north).expect(200));
    expect(berlin.map((r) => r.id)).toEqual([northIds[2], northIds[0]]);
    const scored = rowsOf(await t.http().get('/api/v1/contacts/export').query({ 'filter[customFields.score][gte]': '5' }).set(north).expect(200));
    expect(scored.map((r) => r.id)).toEqual([northIds[0]]);
    const searched = rowsOf(await t.http().get('/api/v1/contacts/export').query({ q: 'schmidt' }).set(north).expect(200));
    expect(searched.map((r) => r.id)).toEqual([northIds[1]]);
    const none = await t.http().get('/api/v1/contacts/export').query({ 'filter[city][eq]': 'Nowhere' }).set(north).expect(200);
    expect(rowsOf(none)).toEqual([]);
    expect(none.text.startsWith('id,externalId,firstName,lastName,')).toBe(true);
  });

  it('keeps to the caller\'s scope: two teams never see each other\'s rows', async () => {
    const southRows = rowsOf(await t.http().get('/api/v1/contacts/export').query({ 'filter[city][eq]': 'Berlin' }).set(south).expect(200));
    expect(southRows.map((r) => r.id)).toEqual([southId]);
    const northRows = rowsOf(await t.http().get('/api/v1/contacts/export').set(north).expect(200));
    expect(northRows.map((r) => r.id).sort()).toEqual([...northIds].sort());
    expect(rowsOf(await t.http().get('/api/v1/companies/export').set(south).expect(200))).toEqual([]);
    const all = rowsOf(await t.http().get('/api/v1/contacts/export').set(admin).expect(200));
    expect(all.map((r) => r.id).sort()).toEqual([...northIds, southId].sort());
  });

  it('exports companies with quoting and money custom fields', async () => {
    const res = await t.http().get('/api/v1/companies/export').set(north).expect(200);
    expect(res.text).toContain('"Nordlicht, ""Die Leuchte"" GmbH"');
    const [row] = rowsOf(res);
    expect(row).toMatchObject({ id: companyId, name: 'Nordlicht, "Die Leuchte" GmbH', domains: 'nordlicht.example', cf_contract: '1200.50', 'cf_contract.currency': 'EUR' });
  });

  it('streams past one page, in order, without repeating or losing a row', async () => {
    const owner = (await t.http().get(`/api/v1/contacts/${southId}`).set(south).expect(200)).body as { ownerId: string; teamId: string };
    // More rows than one read of the export (1,000): the keyset walk must join the pages exactly.
    await t.dataSource.query(
      `INSERT INTO contacts.contacts (id, first_name, last_name, owner_id, team_id, city)
       SELECT gen_random_uuid(), 'Bulk', lpad(g::text, 5, '0'), $1, $2, 'Bulkhausen' FROM generate_series(1, 2100) g`,
      [owner.ownerId, owner.teamId],
    );
    const res = await t.http().get('/api/v1/contacts/export').query({ 'filter[city][eq]': 'Bulkhausen', sort: 'lastName' }).set(south).expect(200);
    const names = rowsOf(res).map((r) => r.lastName);
    expect(names).toHaveLength(2100);
    expect(names).toEqual(Array.from({ length: 2100 }, (_, i) => String(i + 1).padStart(5, '0')));
    expect(rowsOf(await t.http().get('/api/v1/contacts/export').query({ 'filter[city][eq]': 'Bulkhausen' }).set(north).expect(200))).toEqual([]);
  });

  it('writes a value a spreadsheet would run as a formula as text', async () => {
    const id = (await t.http().post('/api/v1/contacts').set(north).send({ firstName: '=HYPERLINK("http://evil.example","x")', lastName: '+cmd|calc', phones: [{ number: '+33612345678' }], address: { city: 'Formulaville' } }).expect(201)).body.id;
    const [row] = rowsOf(await t.http().get('/api/v1/contacts/export').query({ 'filter[city][eq]': 'Formulaville' }).set(north).expect(200));
    expect(row).toMatchObject({ id, firstName: `'=HYPERLINK("http://evil.example","x")`, lastName: "'+cmd|calc", phones: '+33612345678' });
  });

  it('refuses paging parameters: an export has no pages', async () => {
    for (const [field, value] of [['limit', '10'], ['cursor', 'abc']]) {
      const res = await t.http().get('/api/v1/contacts/export').query({ [field]: value }).set(north).expect(400);
      expect(res.body.errors).toEqual([{ field, message: 'does not apply to an export' }]);
    }
  });

  it('rejects unknown formats and filters as problems, before streaming', async () => {
    const bad = await t.http().get('/api/v1/contacts/export').query({ format: 'xlsx' }).set(north).expect(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(bad.body.errors).toEqual([{ field: 'format', message: 'must be one of csv' }]);
    await t.http().get('/api/v1/contacts/export').query({ 'filter[nope][eq]': 'x' }).set(north).expect(400);
    await t.http().get('/api/v1/contacts/export').expect(401);
    await t.http().post('/api/v1/roles').set(admin).send({ name: 'companies-only', permissions: { companies: { read: 'all' } } }).expect(201);
    const companiesOnly = await loginAs(t, await seedUser(t, { role: 'companies-only' }));
    await t.http().get('/api/v1/contacts/export').set(companiesOnly).expect(403);
    await t.http().get('/api/v1/companies/export').set(companiesOnly).expect(200);
  });
});
