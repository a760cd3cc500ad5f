import { CONTACTS_ENTITIES } from '../../src/modules/contacts/persistence/entities';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin } from '../support/auth';
import { expectNoDrift } from '../support/migrations';

type Auth = { Authorization: string };

describe('contacts and companies (e2e)', () => {
  let t: TestApp;
  let admin: Auth;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await asAdmin(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const createContact = (body: object, auth: Auth = admin, query = '') => t.http().post(`/api/v1/contacts${query}`).set(auth).send(body);
  const createCompany = (body: object, auth: Auth = admin) => t.http().post('/api/v1/companies').set(auth).send(body);

  it('has no drift between the contacts entities and the migrated schema', () => expectNoDrift(t, CONTACTS_ENTITIES));

  describe('CRUD', () => {
    it('creates a contact with normalized emails and phones, links a company, and reads it back with an ETag', async () => {
      const company = await createCompany({
        name: 'Baltic Timber SIA',
        domains: ['https://www.BalticTimber.lv/'],
        employees: 120,
        annualRevenue: { amount: '1250000.50', currency: 'EUR' },
        address: { city: 'Riga', country: 'lv' },
        tags: ['partner'],
      }).expect(201);
      expect(company.headers.location).toBe(`/api/v1/companies/${company.body.id}`);
      expect(company.body).toMatchObject({
        name: 'Baltic Timber SIA',
        domains: ['baltictimber.lv'],
        annualRevenue: { amount: '1250000.50', currency: 'EUR' },
        address: { city: 'Riga', country: 'LV', street: null, region: null, postalCode: null },
        version: 1,
      });

      const res = await createContact({
        firstName: 'Anna',
        lastName: 'Bērziņa',
        emails: [{ email: ' Anna.Berzina@Example.COM ' }, { email: 'anna@home.example', label: 'home' }],
        phones: [{ number: '2000 0001', label: 'mobile' }, { number: '+1 (415) 555-0100', primary: true }],
        address: { city: 'Riga', country: 'LV' },
        lifecycleStage: 'lead',
        source: 'web form',
        tags: ['vip', ' vip ', 'newsletter'],
        companies: [{ companyId: company.body.id, role: 'decision maker' }],
      });
      expect(res.body.errors).toBeUndefined();
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe(`/api/v1/contacts/${res.body.id}`);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toMatchObject({
        emails: [
          { email: 'anna.berzina@example.com', primary: true, label: null },
          { email: 'anna@home.example', primary: false, label: 'home' },
        ],
        phones: [
          { number: '+37120000001', primary: false, label: 'mobile' },
          { number: '+14155550100', primary: true, label: null },
        ],
        primaryEmail: 'anna.berzina@example.com',
        primaryPhone: '+14155550100',
        tags: ['vip', 'newsletter'],
        companies: [{ companyId: company.body.id, role: 'decision maker' }],
        lifecycleStage: 'lead',
        customFields: {},
      });
      expect(res.body).not.toHaveProperty('searchText');
      expect(res.body).not.toHaveProperty('emailKeys');

      const got = await t.http().get(`/api/v1/contacts/${res.body.id}`).set(admin).expect(200);
      expect(got.headers.etag).toBe('"1"');
      expect(got.body).toEqual(res.body);
    });

    it('patches with If-Match, answers 412 on a stale version, deletes to the recycle bin and restores', async () => {
      const c = await createContact({ firstName: 'Peter', lastName: 'Patch', emails: [{ email: 'peter.patch@example.com' }] }).expect(201);
      const id = c.body.id;
      const p = await t.http().patch(`/api/v1/contacts/${id}`).set(admin).set('If-Match', '"1"').send({ jobTitle: 'CFO' }).expect(200);
      expect(p.body).toMatchObject({ jobTitle: 'CFO', version: 2, firstName: 'Peter' });
      expect(p.headers.etag).toBe('"2"');
      const stale = await t.http().patch(`/api/v1/contacts/${id}`).set(admin).set('If-Match', '"1"').send({ jobTitle: 'CEO' }).expect(412);
      expect(stale.headers['content-type']).toMatch(/application\/problem\+json/);
      // A patch that changes nothing does not bump the version.
      const same = await t.http().patch(`/api/v1/contacts/${id}`).set(admin).send({ jobTitle: 'CFO' }).expect(200);
      expect(same.body.version).toBe(2);
      await t.http().patch(`/api/v1/contacts/${id}`).set(admin).send({ jobTitle: null }).expect(200);

      await t.http().delete(`/api/v1/contacts/${id}`).set(admin).set('If-Match', '"1"').expect(412);
      await t.http().delete(`/api/v1/contacts/${id}`).set(admin).expect(204);
      await t.http().get(`/api/v1/contacts/${id}`).set(admin).expect(404);
      const live = await t.http().get('/api/v1/contacts').query({ 'filter[emails][contains]': 'peter.patch@example.com' }).set(admin).expect(200);
      expect(live.body.data).toEqual([]);
      const bin = await t.http().get('/api/v1/contacts').query({ 'filter[deleted][eq]': 'true' }).set(admin).expect(200);
      expect(bin.body.data.map((x: { id: string }) => x.id)).toContain(id);
      const restored = await t.http().post(`/api/v1/contacts/${id}/restore`).set(admin).expect(200);
      expect(restored.body).toMatchObject({ id, deletedAt: null });
      await t.http().get(`/api/v1/contacts/${id}`).set(admin).expect(200);

      const events: { topic: string; payload: { contactId: string } }[] = await t.dataSource.query(
        `SELECT topic, payload FROM platform.outbox WHERE payload->>'contactId' = $1 ORDER BY id`,
        [id],
      );
      expect(events.map((e) => e.topic)).toEqual(['contact.created', 'contact.updated', 'contact.updated', 'contact.deleted', 'contact.restored']);
      expect(events[0].payload).toEqual({ contactId: id });
    });

    it('refuses a company that would be its own ancestor', async () => {
      const a = await createCompany({ name: 'Holding A' }).expect(201);
      const b = await createCompany({ name: 'Sub B', parentCompanyId: a.body.id }).expect(201);
      const c = await createCompany({ name: 'Sub C', parentCompanyId: b.body.id }).expect(201);
      const res = await t.http().patch(`/api/v1/companies/${a.body.id}`).set(admin).send({ parentCompanyId: c.body.id }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'parentCompanyId', message: expect.stringMatching(/ancestor/) }]);
      await t.http().patch(`/api/v1/companies/${a.body.id}`).set(admin).send({ parentCompanyId: a.body.id }).expect(400);
      const subs = await t.http().get('/api/v1/companies').query({ 'filter[parentCompanyId][eq]': a.body.id }).set(admin).expect(200);
      expect(subs.body.data.map((x: { id: string }) => x.id)).toEqual([b.body.id]);
    });
  });

  describe('validation: every bad input is a 400 naming the field', () => {
    const cases: Array<[string, object, string]> = [
      ['unknown field', { firstName: 'A', nickname: 'x' }, 'nickname'],
      ['system field', { firstName: 'A', version: 3 }, 'version'],
      ['bad email', { emails: [{ email: 'not-an-email' }] }, 'emails[0].email'],
      ['bad phone', { firstName: 'A', phones: [{ number: '12' }] }, 'phones[0].number'],
      ['national phone without country', { firstName: 'A', phones: [{ number: '2000 0001' }] }, 'phones[0].number'],
      ['two primaries', { emails: [{ email: 'a@x.example', primary: true }, { email: 'b@x.example', primary: true }] }, 'emails'],
      ['bad country', { firstName: 'A', address: { country: 'XX' } }, 'address.country'],
      ['bad stage', { firstName: 'A', lifecycleStage: 'hot' }, 'lifecycleStage'],
      ['no name or email', { jobTitle: 'CEO' }, 'firstName'],
      ['tags not strings', { firstName: 'A', tags: [1] }, 'tags'],
      ['unknown company', { firstName: 'A', companies: [{ companyId: '0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11' }] }, 'companies[0].companyId'],
      ['bad company id', { firstName: 'A', companies: [{ companyId: 'nope' }] }, 'companies[0].companyId'],
      ['unknown custom field', { firstName: 'A', customFields: { nope: 1 } }, 'customFields.nope'],
      ['custom fields not an object', { firstName: 'A', customFields: [1] }, 'customFields'],
      ['too long', { firstName: 'x'.repeat(101) }, 'firstName'],
      ['NUL in a string', { firstName: 'A\u0000B' }, 'firstName'],
      ['NUL in a tag', { firstName: 'A', tags: ['a\u0000'] }, 'tags[0]'],
      ['NUL in a custom value', { firstName: 'A', customFields: { level: 'x\u0000' } }, 'customFields.level'],
    ];
    it.each(cases)('contact: %s', async (_, body, field) => {
      const res = await createContact(body, admin, '?skipDuplicateCheck=true').expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    const companyCases: Array<[string, object, string]> = [
      ['no name', { industry: 'x' }, 'name'],
      ['bad money', { name: 'X', annualRevenue: { amount: 12.5, currency: 'EUR' } }, 'annualRevenue.amount'],
      ['bad currency', { name: 'X', annualRevenue: { amount: '12.50', currency: 'EURO' } }, 'annualRevenue.currency'],
      ['bad domain', { name: 'X', domains: ['not a domain'] }, 'domains[0]'],
      ['negative size', { name: 'X', employees: -1 }, 'employees'],
      ['unknown parent', { name: 'X', parentCompanyId: '0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11' }, 'parentCompanyId'],
    ];
    it.each(companyCases)('company: %s', async (_, body, field) => {
      const res = await createCompany(body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    // A nested object given as an array, a scalar or an array of objects: never a 5xx, never silently dropped.
    let company: { body: { id: string } } | undefined;
    let contact: { body: { id: string } } | undefined;
    const wrongShapes: unknown[] = [[], [{ amount: '1', currency: 'EUR' }], [{ city: 'Riga' }], 'Riga', 12, true];
    it.each(wrongShapes.map((v) => [JSON.stringify(v), v]))('refuses %s for annualRevenue and address, on create and patch', async (_, value) => {
      const named = (res: { status: number; headers: Record<string, string>; body: { errors: { field: string }[] } }, field: string) => {
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body.errors.map((e) => e.field)).toContain(field);
      };
      company ??= await createCompany({ name: 'Shape Co', annualRevenue: { amount: '10.00', currency: 'EUR' }, address: { city: 'Riga' } }).expect(201);
      contact ??= await createContact({ firstName: 'Shape', address: { city: 'Riga' } }, admin, '?skipDuplicateCheck=true').expect(201);
      named(await createCompany({ name: 'X', annualRevenue: value }), 'annualRevenue');
      named(await createCompany({ name: 'X', address: value }), 'address');
      named(await createContact({ firstName: 'a', address: value }, admin, '?skipDuplicateCheck=true'), 'address');
      named(await t.http().patch(`/api/v1/companies/${company.body.id}`).set(admin).send({ annualRevenue: value }), 'annualRevenue');
      named(await t.http().patch(`/api/v1/companies/${company.body.id}`).set(admin).send({ address: value }), 'address');
      named(await t.http().patch(`/api/v1/contacts/${contact.body.id}`).set(admin).send({ address: value }), 'address');
      named(await t.http().post('/api/v1/contacts/batch').set(admin).send({ create: [{ firstName: 'b', address: value }] }), 'create[0].address');
      // Nothing was stored or wiped.
      const co = await t.http().get(`/api/v1/companies/${company.body.id}`).set(admin).expect(200);
      expect(co.body).toMatchObject({ annualRevenue: { amount: '10.00', currency: 'EUR' }, address: { city: 'Riga' }, version: 1 });
      expect((await t.http().get(`/api/v1/contacts/${contact.body.id}`).set(admin).expect(200)).body).toMatchObject({ address: { city: 'Riga' }, version: 1 });
    });

    it('refuses a list item that is not an object (emails, phones, companies, activity attendees)', async () => {
      for (const [body, field] of [
        [{ firstName: 'a', emails: [[{ email: 'a@x.example' }]] }, 'emails[0]'],
        [{ firstName: 'a', phones: ['+37120000000'] }, 'phones[0]'],
        [{ firstName: 'a', companies: [null] }, 'companies[0]'],
      ] as Array<[object, string]>) {
        const res = await createContact(body, admin, '?skipDuplicateCheck=true').expect(400);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });

    it('rejects unknown filters, ops, sorts and bad values', async () => {
      for (const [query, field] of [
        [{ 'filter[nope][eq]': 'x' }, 'filter[nope]'],
        [{ 'filter[lifecycleStage][eq]': 'hot' }, 'filter[lifecycleStage][eq]'],
        [{ 'filter[tags][eq]': 'x' }, 'filter[tags]'],
        [{ sort: 'nope' }, 'sort'],
        [{ limit: '500' }, 'limit'],
        [{ cursor: 'garbage' }, 'cursor'],
        [{ skipDuplicateCheck: 'x' }, 'skipDuplicateCheck'],
      ] as Array<[Record<string, string>, string]>) {
        const res = await t.http().get('/api/v1/contacts').query(query).set(admin);
        if (field === 'skipDuplicateCheck') {
          expect(res.status).toBe(400);
          continue;
        }
        expect(res.status).toBe(400);
        expect(res.body.errors[0].field).toContain(field.replace(/\[eq\]$/, ''));
      }
      await t.http().post('/api/v1/contacts/search').set(admin).send({ filter: { and: [{ field: 'nope', op: 'eq', value: 1 }] } }).expect(400);
      await t.http().get('/api/v1/contacts/not-a-uuid').set(admin).expect(400);
      for (const q of ['%', '_\\%', "'; DROP TABLE x; --", 'ü'.repeat(200)]) await t.http().get('/api/v1/contacts').query({ q }).set(admin).expect(200);
      await t.http().get('/api/v1/contacts').query({ q: 'x'.repeat(201) }).set(admin).expect(400);
      await t.http().get('/api/v1/contacts').query({ q: 'a\u0000' }).set(admin).expect(400);
      await t.http().get('/api/v1/tags').query({ limit: '0' }).set(admin).expect(400);
      await t.http().get('/api/v1/tags').query({ cursor: 'nope' }).set(admin).expect(400);
      await t.http().get('/api/v1/tags?q=a&q=b').set(admin).expect(400);
      await t.http().patch('/api/v1/contacts/0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11').set(admin).set('If-Match', 'garbage').send({}).expect(400);
    });
  });

  describe('custom fields', () => {
    let levelId: string;
    it('defines fields and validates values naming customFields.<key>', async () => {
      const level = await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'level', label: 'Level', type: 'select', options: ['bronze', 'silver', 'gold'] }).expect(201);
      levelId = level.body.id;
      await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'score', label: 'Score', type: 'number' }).expect(201);
      await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'since', label: 'Since', type: 'date' }).expect(201);
      await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'interests', label: 'Interests', type: 'multiselect', options: ['golf', 'wine', 'tech'] }).expect(201);
      await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'company', key: 'contract', label: 'Contract', type: 'money' }).expect(201);
      // Same key again: 409; select without options, bad key, bad type: 400.
      await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'level', label: 'Again', type: 'text' }).expect(409);
      await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'sel', label: 'Sel', type: 'select' }).expect(400);
      await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'Bad Key', label: 'x', type: 'text' }).expect(400);
      await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'deal', key: 'x', label: 'x', type: 'blob' }).expect(400);
      // Names of Object.prototype members: no value could ever be written under them (the request pipe refuses such keys).
      for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__']) {
        const res = await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key, label: 'x', type: 'text' }).expect(400);
        expect([...new Set(res.body.errors.map((e: { field: string }) => e.field))]).toEqual(['key']);
      }

      for (const [value, key] of [
        [{ level: 'platinum' }, 'level'],
        [{ score: '12' }, 'score'],
        [{ since: '2026-02-30' }, 'since'],
        [{ interests: ['golf', 'chess'] }, 'interests'],
      ] as Array<[object, string]>) {
        const res = await createContact({ firstName: 'Cf', customFields: value }, admin, '?skipDuplicateCheck=true').expect(400);
        expect(res.body.errors).toEqual([{ field: `customFields.${key}`, message: expect.any(String) }]);
      }
      const bad = await createCompany({ name: 'Cf Co', customFields: { contract: { amount: 10, currency: 'EUR' } } }).expect(400);
      expect(bad.body.errors[0].field).toBe('customFields.contract');
      const co = await createCompany({ name: 'Cf Co', customFields: { contract: { amount: '10.50', currency: 'EUR' } } }).expect(201);
      expect(co.body.customFields).toEqual({ contract: { amount: '10.50', currency: 'EUR' } });
    });

    it('filters and sorts by custom fields, and keeps values of a removed definition', async () => {
      const mk = (firstName: string, customFields: object) => createContact({ firstName, lastName: 'Custom', customFields }, admin, '?skipDuplicateCheck=true').expect(201);
      const gold = await mk('Gold', { level: 'gold', score: 90, since: '2020-01-01', interests: ['golf', 'wine'] });
      await mk('Silver', { level: 'silver', score: 50, since: '2022-06-01', interests: ['tech'] });
      await mk('Bronze', { level: 'bronze', score: 10 });

      const list = (query: Record<string, string>) => t.http().get('/api/v1/contacts').query({ 'filter[lastName][eq]': 'Custom', ...query }).set(admin).expect(200);
      expect((await list({ 'filter[customFields.level][eq]': 'gold' })).body.data.map((c: { firstName: string }) => c.firstName)).toEqual(['Gold']);
      expect((await list({ 'filter[customFields.score][gte]': '50', sort: 'customFields.score' })).body.data.map((c: { firstName: string }) => c.firstName)).toEqual(['Silver', 'Gold']);
      expect((await list({ 'filter[customFields.since][lt]': '2021-01-01' })).body.data.map((c: { firstName: string }) => c.firstName)).toEqual(['Gold']);
      expect((await list({ 'filter[customFields.interests][contains]': 'wine' })).body.data.map((c: { firstName: string }) => c.firstName)).toEqual(['Gold']);
      expect((await list({ sort: '-customFields.score', limit: '2' })).body.data.map((c: { firstName: string }) => c.firstName)).toEqual(['Gold', 'Silver']);
      // Keyset pages over a custom field (nulls last) visit every row once.
      const order: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await list({ sort: 'customFields.since,firstName', limit: '1', ...(cursor ? { cursor } : {}) });
        order.push(...res.body.data.map((c: { firstName: string }) => c.firstName));
        cursor = res.body.page.nextCursor ?? undefined;
      } while (cursor);
      expect(order).toEqual(['Gold', 'Silver', 'Bronze']);
      const searched = await t.http().post('/api/v1/contacts/search').set(admin).send({
        filter: { and: [{ field: 'lastName', op: 'eq', value: 'Custom' }, { or: [{ field: 'customFields.level', op: 'eq', value: 'bronze' }, { field: 'customFields.score', op: 'gt', value: 80 }] }] },
        sort: 'firstName',
      }).expect(200);
      expect(searched.body.data.map((c: { firstName: string }) => c.firstName)).toEqual(['Bronze', 'Gold']);
      // A value that is no option is a filter that matches nothing, not a 400 (values of removed options stay stored).
      expect((await list({ 'filter[customFields.level][eq]': 'platinum' })).body.data).toEqual([]);
      await t.http().get('/api/v1/contacts').query({ 'filter[customFields.level][contains]': 'gold' }).set(admin).expect(400);

      // Removing the definition hides the values and the filter; restoring brings both back.
      await t.http().delete(`/api/v1/custom-fields/${levelId}`).set(admin).expect(204);
      const hidden = await t.http().get(`/api/v1/contacts/${gold.body.id}`).set(admin).expect(200);
      expect(hidden.body.customFields).not.toHaveProperty('level');
      await t.http().get('/api/v1/contacts').query({ 'filter[customFields.level][eq]': 'gold' }).set(admin).expect(400);
      await createContact({ firstName: 'X', customFields: { level: 'gold' } }, admin, '?skipDuplicateCheck=true').expect(400);
      // An update of another field keeps the hidden value.
      await t.http().patch(`/api/v1/contacts/${gold.body.id}`).set(admin).send({ customFields: { score: 91 } }).expect(200);
      await t.http().post(`/api/v1/custom-fields/${levelId}/restore`).set(admin).expect(200);
      const back = await t.http().get(`/api/v1/contacts/${gold.body.id}`).set(admin).expect(200);
      expect(back.body.customFields).toMatchObject({ level: 'gold', score: 91 });
      expect((await list({ 'filter[customFields.level][eq]': 'gold' })).body.data).toHaveLength(1);
    });

    it('finds values of a removed select option (list, search, export filters) while writes keep to the options', async () => {
      const sel = await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'qsel', label: 'Q', type: 'select', options: ['a', 'b', 'c'] }).expect(201);
      const multi = await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'qmulti', label: 'QM', type: 'multiselect', options: ['x', 'y'] }).expect(201);
      const b = await createContact({ firstName: 'Qb', lastName: 'Removed', customFields: { qsel: 'b', qmulti: ['y'] } }, admin, '?skipDuplicateCheck=true').expect(201);
      await createContact({ firstName: 'Qa', lastName: 'Removed', customFields: { qsel: 'a', qmulti: ['x'] } }, admin, '?skipDuplicateCheck=true').expect(201);
      await t.http().patch(`/api/v1/custom-fields/${sel.body.id}`).set(admin).send({ options: ['a', 'c', 'd'] }).expect(200);
      await t.http().patch(`/api/v1/custom-fields/${multi.body.id}`).set(admin).send({ options: ['x'] }).expect(200);
      const names = (res: { body: { data: Array<{ firstName: string }> } }) => res.body.data.map((c) => c.firstName).sort();
      const list = (query: Record<string, string>) => t.http().get('/api/v1/contacts').query({ 'filter[lastName][eq]': 'Removed', ...query }).set(admin);

      expect(names(await list({ 'filter[customFields.qsel][eq]': 'b' }).expect(200))).toEqual(['Qb']);
      expect(names(await list({ 'filter[customFields.qsel][in]': 'b,a' }).expect(200))).toEqual(['Qa', 'Qb']);
      expect(names(await list({ 'filter[customFields.qsel][nin]': 'b' }).expect(200))).toEqual(['Qa']);
      expect(names(await list({ 'filter[customFields.qmulti][in]': 'y' }).expect(200))).toEqual(['Qb']);
      const searched = await t.http().post('/api/v1/contacts/search').set(admin).send({
        filter: { and: [{ field: 'lastName', op: 'eq', value: 'Removed' }, { field: 'customFields.qsel', op: 'in', value: ['b', 'zzz'] }, { field: 'customFields.qmulti', op: 'contains', value: 'y' }] },
      }).expect(200);
      expect(names(searched)).toEqual(['Qb']);
      // The export parses its filters like the list.
      const csv = await t.http().get('/api/v1/contacts/export').query({ 'filter[lastName][eq]': 'Removed', 'filter[customFields.qsel][in]': 'b' }).set(admin).expect(200);
      expect(csv.text).toContain('Qb');
      expect(csv.text).not.toContain('Qa');
      // Still a sane string of bounded length, and only the operators of a select.
      for (const query of [{ 'filter[customFields.qsel][eq]': 'b'.repeat(1001) } as Record<string, string>, { 'filter[customFields.qsel][eq]': 'b\u0000' }, { 'filter[customFields.qsel][startsWith]': 'b' }]) {
        const res = await list(query).expect(400);
        expect(res.body.errors[0].field).toContain('customFields.qsel');
      }
      // Writes keep refusing what is no option now; the stored value stays as it is.
      const refused = await t.http().patch(`/api/v1/contacts/${b.body.id}`).set(admin).send({ customFields: { qsel: 'b' } }).expect(400);
      expect(refused.body.errors).toEqual([{ field: 'customFields.qsel', message: 'must be one of a, c, d' }]);
      await t.http().patch(`/api/v1/contacts/${b.body.id}`).set(admin).send({ customFields: { qmulti: ['y'] } }).expect(400);
      expect((await t.http().get(`/api/v1/contacts/${b.body.id}`).set(admin).expect(200)).body.customFields).toMatchObject({ qsel: 'b', qmulti: ['y'] });
    });

    it('refuses a custom money currency that is no ISO 4217 code, like annualRevenue, naming customFields.<key>.currency', async () => {
      const res = await createCompany({ name: 'Zzz Co', customFields: { contract: { amount: '10', currency: 'ZZZ' } } }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'customFields.contract.currency', message: 'must be an ISO 4217 code such as "EUR"' }]);
      const builtIn = await createCompany({ name: 'Zzz Co', annualRevenue: { amount: '10', currency: 'ZZZ' } }).expect(400);
      expect(builtIn.body.errors[0].field).toBe('annualRevenue.currency');
      const ok = await createCompany({ name: 'Yen Co', customFields: { contract: { amount: '1000', currency: 'JPY' } } }).expect(201);
      const patched = await t.http().patch(`/api/v1/companies/${ok.body.id}`).set(admin).send({ customFields: { contract: { amount: '5', currency: 'QQQ' } } }).expect(400);
      expect(patched.body.errors).toEqual([{ field: 'customFields.contract.currency', message: 'must be an ISO 4217 code such as "EUR"' }]);
    });

    it('enforces required fields on create', async () => {
      await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'company', key: 'vatId', label: 'VAT id', type: 'text', required: true }).expect(201);
      const res = await createCompany({ name: 'No VAT' }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'customFields.vatId', message: 'is required' }]);
      await createCompany({ name: 'With VAT', customFields: { vatId: 'LV123' } }).expect(201);
    });
  });
});
