import { createTestApp, TestApp } from '../support/app';
import { asAdmin } from '../support/auth';

type Auth = { Authorization: string };

describe('externalId on contacts and companies (e2e)', () => {
  let t: TestApp;
  let admin: Auth;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await asAdmin(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is written, returned, filtered by eq and in, and unique among live contacts', async () => {
    const a = await t.http().post('/api/v1/contacts').set(admin).send({ firstName: 'Ann', externalId: ' hub-1 ' }).expect(201);
    expect(a.body.externalId).toBe('hub-1');
    const b = await t.http().post('/api/v1/contacts').set(admin).send({ firstName: 'Ben', externalId: 'hub-2' }).expect(201);
    const taken = await t.http().post('/api/v1/contacts').set(admin).send({ firstName: 'Copy', externalId: 'hub-1' }).expect(409);
    expect(taken.headers['content-type']).toMatch(/problem\+json/);
    expect(taken.body.code).toBe('UNIQUE_VIOLATION');
    await t.http().patch(`/api/v1/contacts/${b.body.id}`).set(admin).send({ externalId: 'hub-1' }).expect(409);

    const eq = await t.http().get('/api/v1/contacts?filter[externalId][eq]=hub-2').set(admin).expect(200);
    expect(eq.body.data.map((c: { id: string }) => c.id)).toEqual([b.body.id]);
    const inList = await t.http().get('/api/v1/contacts?filter[externalId][in]=hub-1,hub-2&sort=firstName').set(admin).expect(200);
    expect(inList.body.data.map((c: { id: string }) => c.id)).toEqual([a.body.id, b.body.id]);
    const bad = await t.http().get('/api/v1/contacts?filter[externalId][contains]=hub').set(admin).expect(400);
    expect(bad.body.errors[0].field).toMatch(/externalId/);

    // In the recycle bin the id is free again; the deleted contact cannot come back while another holds it.
    await t.http().delete(`/api/v1/contacts/${a.body.id}`).set(admin).expect(204);
    const again = await t.http().post('/api/v1/contacts').set(admin).send({ firstName: 'Ann two', externalId: 'hub-1' }).expect(201);
    await t.http().post(`/api/v1/contacts/${a.body.id}/restore`).set(admin).expect(409);
    await t.http().patch(`/api/v1/contacts/${again.body.id}`).set(admin).send({ externalId: null }).expect(200);
    expect((await t.http().get(`/api/v1/contacts/${again.body.id}`).set(admin).expect(200)).body.externalId).toBeNull();
    const long = await t.http().post('/api/v1/contacts').set(admin).send({ firstName: 'Long', externalId: 'x'.repeat(201) }).expect(400);
    expect(long.body.errors[0].field).toBe('externalId');
  });

  it('works the same on companies', async () => {
    const c = await t.http().post('/api/v1/companies').set(admin).send({ name: 'Acme', externalId: 'erp-9' }).expect(201);
    expect(c.body.externalId).toBe('erp-9');
    // Past the duplicate check ("Acme 2" looks like "Acme"): the 409 is the external id's.
    await t.http().post('/api/v1/companies?skipDuplicateCheck=true').set(admin).send({ name: 'Acme 2', externalId: 'erp-9' }).expect(409);
    // A contact may carry the same external id as a company: uniqueness is per entity.
    await t.http().post('/api/v1/contacts').set(admin).send({ firstName: 'Same', externalId: 'erp-9' }).expect(201);
    const found = await t.http().get('/api/v1/companies?filter[externalId][in]=erp-9').set(admin).expect(200);
    expect(found.body.data.map((x: { id: string }) => x.id)).toEqual([c.body.id]);
  });
});
