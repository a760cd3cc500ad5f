import { createTestApp, TestApp } from '../support/app';
import { asAdmin, createRole, loginAs, seedUser, SeededUser, TEAM_SCOPE } from '../support/auth';
import { importSettled, uploadImport } from './support';

type Auth = { Authorization: string };
type Fields = Record<string, unknown>;

/** What QA found in imports: checks the API makes, the stored country, duplicates, unchanged rows, list cells. */
describe('POST /api/v1/imports: matching and checks shared with the API (e2e)', () => {
  let t: TestApp;
  let admin: Auth;
  let north: Auth;
  let northUser: SeededUser;
  let reader: Auth;

  const run = async (auth: Auth, csv: string, fields: Fields) => {
    const res = await uploadImport(t, auth, csv, fields).expect(202);
    return importSettled(t, auth, res.body.id);
  };
  const create = async (auth: Auth, body: Record<string, unknown>) => (await t.http().post('/api/v1/contacts').query({ skipDuplicateCheck: true }).set(auth).send(body).expect(201)).body;
  const get = async (auth: Auth, id: string) => (await t.http().get(`/api/v1/contacts/${id}`).set(auth).expect(200)).body;
  const countWhere = async (sql: string, params: unknown[]) => Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n);

  beforeAll(async () => {
    t = await createTestApp({ worker: true, env: { JOB_BACKOFF_MS: '50', OUTBOX_POLL_MS: '100' } });
    admin = await asAdmin(t);
    await createRole(t, 'match-rep', { contacts: TEAM_SCOPE, companies: TEAM_SCOPE, imports: TEAM_SCOPE, jobs: { read: 'own' }, 'custom-fields': { read: 'all' } });
    await createRole(t, 'match-reader', { contacts: { ...TEAM_SCOPE, read: 'all' }, imports: TEAM_SCOPE, jobs: { read: 'own' }, 'custom-fields': { read: 'all' } });
    northUser = await seedUser(t, { role: 'match-rep', teams: ['North'] });
    north = await loginAs(t, northUser);
    reader = await loginAs(t, await seedUser(t, { role: 'match-reader', teams: ['South'] }));
    await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'region', label: 'Region', type: 'multiselect', options: ['Sales, EMEA', 'APAC'] }).expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a country code the API refuses, naming the column and never the cell', async () => {
    const done = await run(north, 'Mail,Land\nxx.one@example.com,XX\nzz.two@example.com,ZZ\nok.three@example.com,lv\n', { entity: 'contact', mapping: { Mail: 'email', Land: 'country' } });
    expect(done).toMatchObject({ status: 'completed', created: 1, failed: 2 });
    expect(done.errors).toEqual([
      { row: 1, column: 'Land', message: 'must be an ISO 3166-1 alpha-2 code' },
      { row: 2, column: 'Land', message: 'must be an ISO 3166-1 alpha-2 code' },
    ]);
    expect(await countWhere(`contacts.contacts WHERE country IN ('XX', 'ZZ')`, [])).toBe(0);
  });

  it('reads a national phone number with the matched contact\'s stored country on update, as PATCH does', async () => {
    const anna = await create(north, { firstName: 'Anna', lastName: 'Berzina', emails: [{ email: 'anna.berzina@example.com' }], address: { country: 'GB' } });
    await t.http().patch(`/api/v1/contacts/${anna.id}`).set(north).send({ phones: [{ number: '07400 123456' }] }).expect(200);
    const done = await run(north, 'email,phone\nanna.berzina@example.com,07911 123456\nnobody.here@example.com,07911 123457\n', {
      entity: 'contact',
      mapping: { email: 'email', phone: 'phone' },
      mode: 'upsert',
      matchBy: 'email',
    });
    // The second row creates: no country anywhere, so its national number is refused as POST refuses it.
    expect(done).toMatchObject({ status: 'completed', updated: 1, created: 0, failed: 1 });
    expect(done.errors).toEqual([{ row: 2, column: 'phone', message: expect.stringContaining('national numbers need the contact\'s country') }]);
    expect((await get(north, anna.id)).phones.map((p: { number: string }) => p.number)).toEqual(['+447400123456', '+447911123456']);
  });

  it('never duplicates a contact by email: one the importer may not update, or two that share the email, fail the row', async () => {
    const other = await create(north, { firstName: 'Olga', emails: [{ email: 'olga.north@example.com' }] });
    const twinA = await create(north, { firstName: 'Twin', emails: [{ email: 'twin@example.com' }] });
    const twinB = await create(north, { firstName: 'Twin', emails: [{ email: 'twin@example.com' }] });
    const done = await run(reader, 'Mail,First\nolga.north@example.com,Olga2\n', { entity: 'contact', mapping: { Mail: 'email', First: 'firstName' }, mode: 'upsert', matchBy: 'email' });
    expect(done).toMatchObject({ status: 'completed', created: 0, updated: 0, failed: 1, errors: [{ row: 1, column: 'Mail', message: 'matches a contact you may not update' }] });
    expect(await countWhere(`contacts.contacts WHERE email_keys @> ARRAY['olga.north@example.com'] AND deleted_at IS NULL`, [])).toBe(1);
    expect((await get(north, other.id)).firstName).toBe('Olga');

    for (const mode of ['update', 'upsert']) {
      const twins = await run(north, 'Mail,First\nTWIN@example.com,Changed\n', { entity: 'contact', mapping: { Mail: 'email', First: 'firstName' }, mode, matchBy: 'email' });
      expect(twins).toMatchObject({ status: 'completed', created: 0, updated: 0, failed: 1, errors: [{ row: 1, column: 'Mail', message: 'matches more than one contact' }] });
    }
    expect([(await get(north, twinA.id)).version, (await get(north, twinB.id)).version]).toEqual([1, 1]);
  });

  it('skips a row that would create a duplicate of a contact the importer can see (email or phone), and names it by id', async () => {
    const seen = await create(north, { firstName: 'Seen', emails: [{ email: 'seen@example.com' }], phones: [{ number: '+371 2000 0001' }] });
    const csv = 'Ref,Mail,Tel\nr-1,SEEN@example.com,\nr-2,fresh.by.phone@example.com,+37120000001\nr-3,brand.new@example.com,+37120000002\nr-4,brand.new.too@example.com,+37120000002\n';
    const mapping = { Ref: 'externalId', Mail: 'email', Tel: 'phone' };
    const created = await run(north, csv, { entity: 'contact', mapping });
    expect(created).toMatchObject({ status: 'completed', created: 1, skipped: 3, failed: 0 });
    const brandNew = (await t.http().get('/api/v1/contacts?filter[externalId][eq]=r-3').set(north).expect(200)).body.data[0];
    expect(created.errors).toEqual([
      { row: 1, column: 'Mail', message: `skipped: duplicate of ${seen.id}` },
      { row: 2, column: 'Tel', message: `skipped: duplicate of ${seen.id}` },
      { row: 4, column: 'Tel', message: `skipped: duplicate of ${brandNew.id}` },
    ]);
    // The create side of an upsert by external id: the same.
    const upsert = await run(reader, 'Ref,Mail\nr-9,seen@example.com\n', { entity: 'contact', mapping: { Ref: 'externalId', Mail: 'email' }, mode: 'upsert', matchBy: 'externalId' });
    expect(upsert).toMatchObject({ status: 'completed', created: 0, skipped: 1, errors: [{ row: 1, column: 'Mail', message: `skipped: duplicate of ${seen.id}` }] });
    expect(await countWhere(`contacts.contacts WHERE email_keys @> ARRAY['seen@example.com']`, [])).toBe(1);
  });

  it('counts rows that change nothing as unchanged: an export imported back moves no version, writes no audit entry and no receipt', async () => {
    for (const [ref, name] of [
      ['exp-1', 'Ex One'],
      ['exp-2', 'Ex Two'],
      ['exp-3', 'Ex Three'],
    ]) {
      await create(north, {
        externalId: ref,
        firstName: name,
        emails: [{ email: `${ref}@example.com` }, { email: `${ref}.b@example.com` }],
        phones: [{ number: '+371 2100 0003' }],
        tags: ['Key account, DACH', 'vip'],
        address: { city: 'Riga', country: 'LV' },
        customFields: { region: ['Sales, EMEA', 'APAC'] },
      });
    }
    const exported = await t.http().get('/api/v1/contacts/export').query({ format: 'csv', 'filter[externalId][in]': 'exp-1,exp-2,exp-3' }).set(north).expect(200);
    const mapping = {
      externalId: 'externalId',
      firstName: 'firstName',
      lastName: 'lastName',
      emails: 'emails',
      phones: 'phones',
      jobTitle: 'jobTitle',
      street: 'street',
      city: 'city',
      region: 'region',
      postalCode: 'postalCode',
      country: 'country',
      lifecycleStage: 'lifecycleStage',
      source: 'source',
      tags: 'tags',
      cf_region: 'cf_region',
    };
    const before = await t.dataSource.query(`SELECT id, version, updated_at FROM contacts.contacts WHERE external_id LIKE 'exp-%' ORDER BY external_id`);
    const audits = await countWhere(`platform.audit_log WHERE record_id = ANY($1::uuid[])`, [before.map((r: { id: string }) => r.id)]);
    const again = await run(north, exported.text, { entity: 'contact', mapping, mode: 'update', matchBy: 'externalId' });
    expect(again).toMatchObject({ status: 'completed', rows: 3, updated: 0, unchanged: 3, failed: 0, errors: [] });
    expect(await t.dataSource.query(`SELECT id, version, updated_at FROM contacts.contacts WHERE external_id LIKE 'exp-%' ORDER BY external_id`)).toEqual(before);
    expect(await countWhere(`platform.audit_log WHERE record_id = ANY($1::uuid[])`, [before.map((r: { id: string }) => r.id)])).toBe(audits);
    expect(await countWhere(`contacts.import_changes WHERE import_id = $1`, [again.id])).toBe(0);
    const one = (await t.http().get('/api/v1/contacts?filter[externalId][eq]=exp-1').set(north).expect(200)).body.data[0];
    expect(one).toMatchObject({ tags: ['Key account, DACH', 'vip'], customFields: { region: ['Sales, EMEA', 'APAC'] }, version: 1 });

    // A row that brings nothing new (blank cells keep values) is unchanged too; one that changes a value is updated.
    const mixed = await run(north, 'Ref,Mail,First,City\nexp-1,EXP-1@example.com,,\nexp-2,,Ex Two,Riga\nexp-3,,Ex 3,\n', {
      entity: 'contact',
      mapping: { Ref: 'externalId', Mail: 'email', First: 'firstName', City: 'city' },
      mode: 'update',
      matchBy: 'externalId',
    });
    expect(mixed).toMatchObject({ status: 'completed', updated: 1, unchanged: 2 });
    expect(await countWhere(`contacts.import_changes WHERE import_id = $1`, [mixed.id])).toBe(1);
  });

  it('reads list cells split on `;` by default, or on the separator the import declares', async () => {
    const semi = await run(north, 'Mail,Tags,Region\nlists.a@example.com,"Key account, DACH;vip","Sales, EMEA"\n', { entity: 'contact', mapping: { Mail: 'email', Tags: 'tags', Region: 'cf_region' } });
    expect(semi).toMatchObject({ created: 1, failed: 0 });
    const comma = await run(north, 'Mail,Tags\nlists.b@example.com,"vip,Key account; DACH"\n', { entity: 'contact', mapping: { Mail: 'email', Tags: 'tags' }, listSeparator: ',' });
    expect(comma).toMatchObject({ created: 1, failed: 0 });
    const byEmail = async (email: string) => (await t.http().get(`/api/v1/contacts?filter[emails][in]=${email}`).set(north).expect(200)).body.data[0];
    expect(await byEmail('lists.a@example.com')).toMatchObject({ tags: ['Key account, DACH', 'vip'], customFields: { region: ['Sales, EMEA'] } });
    expect((await byEmail('lists.b@example.com')).tags).toEqual(['vip', 'Key account; DACH']);
  });
});
