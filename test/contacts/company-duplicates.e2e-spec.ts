import { randomUUID } from 'node:crypto';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin, createRole, loginAs, seedUser, TEAM_SCOPE } from '../support/auth';

type Auth = { Authorization: string };

describe('companies: duplicate detection (e2e)', () => {
  let t: TestApp;
  let admin: Auth;
  let north: Auth;
  let northTeamId: string;
  let south: Auth;
  let acmeId: string;
  let southAcmeId: string;

  const create = (auth: Auth, body: object, query: Record<string, string> = {}) => t.http().post('/api/v1/companies').query(query).set(auth).send(body);
  const duplicates = (auth: Auth, id: string) => t.http().get(`/api/v1/companies/${id}/duplicates`).set(auth);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await asAdmin(t);
    await createRole(t, 'company-team-rep', { companies: TEAM_SCOPE, contacts: TEAM_SCOPE });
    const northUser = await seedUser(t, { role: 'company-team-rep', teams: ['North'] });
    northTeamId = northUser.teamIds[0];
    north = await loginAs(t, northUser);
    south = await loginAs(t, await seedUser(t, { role: 'company-team-rep', teams: ['South'] }));
    acmeId = (await create(north, { name: 'ACME Widgets QA', domains: ['acme-widgets.example'] }).expect(201)).body.id;
    await create(north, { name: 'Nordlicht Leuchten', domains: ['nordlicht.example'] }).expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 409 with the candidate for a domain in another case, with a scheme or www.', async () => {
    for (const domain of ['ACME-Widgets.example', 'https://www.acme-widgets.example/', 'www.Acme-Widgets.Example.']) {
      const res = await create(north, { name: 'Completely Unrelated Name', domains: ['other.example', domain] }).expect(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 409, code: 'COMPANY_POSSIBLE_DUPLICATE', type: 'urn:crm:problem:company-possible-duplicate' });
      expect(res.body.candidates).toEqual([{ id: acmeId, score: 1, reason: 'domain' }]);
    }
  });

  it('answers 409 for a very similar name, accents and case ignored', async () => {
    for (const name of ['Acme Widget QA', 'ÀCME WIDGETS QA', '  acme widgets qa ']) {
      const res = await create(north, { name }).expect(409);
      expect(res.body.candidates).toEqual([{ id: acmeId, score: expect.any(Number), reason: 'name' }]);
      expect(res.body.candidates[0].score).toBeGreaterThanOrEqual(0.7);
    }
    const typo = await create(north, { name: 'Acme Widget QA' }).expect(409);
    expect(typo.body.candidates[0].score).toBeCloseTo(0.82, 2);
  });

  it('creates a company that only shares a word or a suffix with another', async () => {
    const group = await create(north, { name: 'Acme Group', domains: ['acme-group.example'] }).expect(201);
    const other = await create(north, { name: 'Nordlicht Bau' }).expect(201);
    for (const id of [group.body.id, other.body.id]) await t.http().delete(`/api/v1/companies/${id}`).set(north).expect(204);
  });

  it('creates it anyway with skipDuplicateCheck=true; the duplicates endpoint then lists both ways, best first', async () => {
    const forced = await create(north, { name: 'Acme Widget QA', domains: ['acme-widgets.example'] }, { skipDuplicateCheck: 'true' }).expect(201);
    const byNameOnly = await create(north, { name: 'Acme Widgets Q.A.' }, { skipDuplicateCheck: 'true' }).expect(201);

    const ofForced = await duplicates(north, forced.body.id).expect(200);
    expect(ofForced.body.data[0]).toEqual({ id: acmeId, score: 1, reason: 'domain' });
    expect(ofForced.body.data.map((c: { id: string }) => c.id)).not.toContain(forced.body.id);

    const ofAcme = await duplicates(north, acmeId).expect(200);
    expect(ofAcme.body.data[0]).toEqual({ id: forced.body.id, score: 1, reason: 'domain' });
    const second = ofAcme.body.data.find((c: { id: string }) => c.id === byNameOnly.body.id);
    expect(second).toEqual({ id: byNameOnly.body.id, score: expect.any(Number), reason: 'name' });
    const scores = ofAcme.body.data.map((c: { score: number }) => c.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    // A company in the recycle bin is no candidate.
    await t.http().delete(`/api/v1/companies/${forced.body.id}`).set(north).expect(204);
    await t.http().delete(`/api/v1/companies/${byNameOnly.body.id}`).set(north).expect(204);
    expect((await duplicates(north, acmeId).expect(200)).body.data).toEqual([]);
  });

  it('keeps to what the caller may see: no 409 from, and no candidate of, another team', async () => {
    // South cannot see north's Acme: its own copy is created, and nothing of north's is revealed.
    const res = await create(south, { name: 'ACME Widgets QA', domains: ['www.acme-widgets.example'] }).expect(201);
    southAcmeId = res.body.id;
    expect((await duplicates(south, southAcmeId).expect(200)).body.data).toEqual([]);
    await duplicates(south, acmeId).expect(404);
    await duplicates(north, southAcmeId).expect(404);
    expect((await duplicates(north, acmeId).expect(200)).body.data).toEqual([]);

    // Someone who sees both teams sees both.
    expect((await duplicates(admin, acmeId).expect(200)).body.data).toEqual([{ id: southAcmeId, score: 1, reason: 'domain' }]);
    const adminTry = await create(admin, { name: 'Acme Widgets QA' }).expect(409);
    expect(adminTry.body.candidates.map((c: { id: string }) => c.id).sort()).toEqual([acmeId, southAcmeId].sort());
  });

  it('does not check on PATCH (as contacts)', async () => {
    const other = await create(north, { name: 'Patchable Ltd' }).expect(201);
    const patched = await t.http().patch(`/api/v1/companies/${other.body.id}`).set(north).send({ name: 'Acme Widgets QA', domains: ['acme-widgets.example'] }).expect(200);
    expect(patched.body.name).toBe('Acme Widgets QA');
    await t.http().delete(`/api/v1/companies/${other.body.id}`).set(north).expect(204);
  });

  it('checks each created item of a batch, unless skipDuplicateCheck=true', async () => {
    const res = await t
      .http()
      .post('/api/v1/companies/batch')
      .set(north)
      .send({ create: [{ name: 'Acme Widget QA' }, { name: 'Batch Fresh Oy', domains: ['batch-fresh.example'] }, { name: 'Other Name', domains: ['BATCH-FRESH.example'] }] })
      .expect(200);
    expect(res.body.results).toEqual([
      { index: 0, status: 409, error: expect.objectContaining({ code: 'COMPANY_POSSIBLE_DUPLICATE' }) },
      { index: 1, status: 201, data: expect.objectContaining({ name: 'Batch Fresh Oy' }) },
      // The batch's own earlier item counts: it is live in the same transaction.
      { index: 2, status: 409, error: expect.objectContaining({ code: 'COMPANY_POSSIBLE_DUPLICATE' }) },
    ]);
    // An item's 409 names its candidates, as the single create does.
    expect(res.body.results[2].error.candidates).toEqual([{ id: res.body.results[1].data.id, score: 1, reason: 'domain' }]);
    const forced = await t.http().post('/api/v1/companies/batch?skipDuplicateCheck=true').set(north).send({ create: [{ name: 'Acme Widget QA' }] }).expect(200);
    expect(forced.body.results).toEqual([{ index: 0, status: 201, data: expect.objectContaining({ name: 'Acme Widget QA' }) }]);
    await t.http().delete(`/api/v1/companies/${forced.body.results[0].data.id}`).set(north).expect(204);
  });

  it('answers 400 naming the field for bad input, 404 for an unknown company, 401 without credentials', async () => {
    const flag = await create(north, { name: 'Flag Co' }, { skipDuplicateCheck: 'maybe' }).expect(400);
    expect(flag.body.errors).toEqual([expect.objectContaining({ field: 'skipDuplicateCheck' })]);
    const batchFlag = await t.http().post('/api/v1/companies/batch?skipDuplicateCheck=1').set(north).send({ create: [{ name: 'Flag Co' }] }).expect(400);
    expect(batchFlag.body.errors).toEqual([expect.objectContaining({ field: 'skipDuplicateCheck' })]);
    const domain = await create(north, { name: 'Flag Co', domains: ['not a domain'] }).expect(400);
    expect(domain.body.errors).toEqual([expect.objectContaining({ field: 'domains[0]' })]);
    const nameless = await create(north, { domains: ['acme-widgets.example'] }).expect(400);
    expect(nameless.body.errors.map((e: { field: string }) => e.field)).toContain('name');
    const id = await duplicates(north, 'not-a-uuid').expect(400);
    expect(id.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
    await duplicates(north, randomUUID()).expect(404);
    await t.http().get(`/api/v1/companies/${acmeId}/duplicates`).expect(401);
  });

  it('finds candidates through the indexes, not by reading the table', async () => {
    // A few thousand companies of the caller's team, with the search text the service writes.
    await t.dataSource.query(
      `INSERT INTO contacts.companies (id, team_id, name, domains, search_text)
       SELECT gen_random_uuid(), $1, n, ARRAY[d], n || ' ' || d
       FROM (SELECT 'Firma ' || substr(md5(i::text), 1, 8) || ' ' || substr(md5((i * 7)::text), 1, 6) AS n, 'f' || i || '.example' AS d
             FROM generate_series(1, 4000) i) g`,
      [northTeamId],
    );
    await t.dataSource.query('ANALYZE contacts.companies');
    const seen: { sql: string; params: unknown }[] = [];
    const original = PostgresQueryRunner.prototype.query;
    const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query').mockImplementation(function (this: PostgresQueryRunner, ...args: Parameters<PostgresQueryRunner['query']>) {
      if (args[0].includes('<%')) seen.push({ sql: args[0], params: args[1] });
      return original.apply(this, args);
    });
    try {
      await create(north, { name: 'Firma Unrelated Holding', domains: ['f17.example'] }).expect(409);
      await duplicates(admin, acmeId).expect(200);
    } finally {
      spy.mockRestore();
    }
    expect(seen).toHaveLength(2);
    for (const { sql, params } of seen) {
      const [{ 'QUERY PLAN': plan }] = await t.dataSource.query(`EXPLAIN (FORMAT JSON) ${sql}`, params as unknown[]);
      const text = JSON.stringify(plan);
      expect(text).not.toContain('Seq Scan');
      expect(text).toContain('companies_search_trgm');
      expect(text).toContain('companies_domains_gin');
    }
  });
});
