import { parse } from 'csv-parse/sync';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin } from '../support/auth';
import { importSettled, uploadImport } from './support';

type Auth = { Authorization: string };
type Fields = Record<string, unknown>;

/**
 * What a QA pass found: rows that update checked as if they created, company lengths, repeated
 * phones, list separators and apostrophes lost in an export → import round trip, money and dates.
 */
describe('POST /api/v1/imports: updates, round trips, money and dates (e2e)', () => {
  let t: TestApp;
  let admin: Auth;

  const run = async (csv: string, fields: Fields) => {
    const res = await uploadImport(t, admin, csv, fields).expect(202);
    return importSettled(t, admin, res.body.id);
  };
  const dry = async (csv: string, fields: Fields) => (await uploadImport(t, admin, csv, { ...fields, dryRun: true }).expect(200)).body;
  const company = async (body: Record<string, unknown>) => (await t.http().post('/api/v1/companies').set(admin).send(body).expect(201)).body;
  const contact = async (body: Record<string, unknown>) => (await t.http().post('/api/v1/contacts').query({ skipDuplicateCheck: true }).set(admin).send(body).expect(201)).body;
  const get = async (resource: string, id: string) => (await t.http().get(`/api/v1/${resource}/${id}`).set(admin).expect(200)).body;
  const exported = async (resource: string, city: string) => (await t.http().get(`/api/v1/${resource}/export`).query({ 'filter[city][eq]': city }).set(admin).expect(200)).text;

  beforeAll(async () => {
    t = await createTestApp({ worker: true, env: { JOB_BACKOFF_MS: '50', OUTBOX_POLL_MS: '100' } });
    admin = await asAdmin(t);
    for (const def of [
      { entity: 'company', key: 'fmoney', label: 'Money', type: 'money' },
      { entity: 'contact', key: 'since', label: 'Since', type: 'date' },
    ]) {
      await t.http().post('/api/v1/custom-fields').set(admin).send(def).expect(201);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('a row that matches is checked like PATCH; what a new record needs applies to rows that create', () => {
    it('updates a company from a file without its name (unmapped or blank), and refuses an upsert row that would create one without it', async () => {
      const c5 = await company({ name: 'Cfive', externalId: 'C5' });
      const fields = { entity: 'company', mode: 'update', matchBy: 'externalId', mapping: { Ext: 'externalId', City: 'city' } };
      expect(await dry('Ext,City\nC5,Bergen\n', fields)).toMatchObject({ updated: 1, failed: 0, errors: [] });
      expect(await run('Ext,City\nC5,Bergen\n', fields)).toMatchObject({ status: 'completed', updated: 1, failed: 0, errors: [] });
      expect(await get('companies', c5.id)).toMatchObject({ name: 'Cfive', address: { city: 'Bergen' } });

      const upsert = { entity: 'company', mode: 'upsert', matchBy: 'externalId', mapping: { Ext: 'externalId', Name: 'name', City: 'city' } };
      const csv = 'Ext,Name,City\nC5,,Oslo\nC6,,Oslo\nC7,Cseven,Oslo\n';
      const expected = { rows: 3, created: 1, updated: 1, failed: 1, errors: [{ row: 2, column: 'Name', message: 'is required' }] };
      expect(await dry(csv, upsert)).toMatchObject(expected);
      expect(await run(csv, upsert)).toMatchObject({ status: 'completed', ...expected });
      expect(await get('companies', c5.id)).toMatchObject({ name: 'Cfive', address: { city: 'Oslo' } });
      expect(Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM contacts.companies WHERE external_id = 'C6'`))[0].n)).toBe(0);
    });

    it('does the same for contacts (a name or an email) and for required custom fields', async () => {
      const r2 = await contact({ firstName: 'Ramona', externalId: 'R2' });
      const fields = { entity: 'contact', mode: 'upsert', matchBy: 'externalId', mapping: { Ext: 'externalId', City: 'city' } };
      const expected = { rows: 2, updated: 1, created: 0, failed: 1, errors: [{ row: 2, column: 'firstName', message: 'a contact needs a first name, a last name or an email' }] };
      expect(await dry('Ext,City\nR2,Bergen\nR3,Bergen\n', fields)).toMatchObject(expected);
      expect(await run('Ext,City\nR2,Bergen\nR3,Bergen\n', fields)).toMatchObject({ status: 'completed', ...expected });
      expect(await get('contacts', r2.id)).toMatchObject({ firstName: 'Ramona', address: { city: 'Bergen' } });

      const c8 = await company({ name: 'Ceight', externalId: 'C8' });
      const freq = (await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'company', key: 'freq', label: 'Frequency', type: 'select', options: ['weekly', 'monthly'], required: true }).expect(201)).body;
      try {
        // PATCH with only the address succeeds; so does the import of the same change.
        await t.http().patch(`/api/v1/companies/${c8.id}`).set(admin).send({ address: { city: 'Tromsø' } }).expect(200);
        const update = { entity: 'company', mode: 'upsert', matchBy: 'externalId', mapping: { Ext: 'externalId', City: 'city' } };
        const report = {
          rows: 2,
          updated: 1,
          failed: 1,
          errors: [
            { row: 2, column: 'name', message: 'is required' },
            { row: 2, column: 'customFields.freq', message: 'is required' },
          ],
        };
        expect(await dry('Ext,City\nC8,Bodø\nC9,Bodø\n', update)).toMatchObject(report);
        expect(await run('Ext,City\nC8,Bodø\nC9,Bodø\n', update)).toMatchObject({ status: 'completed', ...report });
        expect(await get('companies', c8.id)).toMatchObject({ address: { city: 'Bodø' } });
      } finally {
        await t.http().delete(`/api/v1/custom-fields/${freq.id}`).set(admin).expect(204);
      }
    });
  });

  it('refuses a company value longer than its column as a row error naming the column, in a dry run and a real run', async () => {
    const csv = `Name,Street,Zip\nLong Street,${'s'.repeat(201)},1\nLong Zip,Main 1,${'9'.repeat(21)}\nFits,${'s'.repeat(200)},${'9'.repeat(20)}\n`;
    const fields = { entity: 'company', mapping: { Name: 'name', Street: 'street', Zip: 'postalCode' } };
    const expected = {
      rows: 3,
      created: 1,
      failed: 2,
      errors: [
        { row: 1, column: 'Street', message: 'must be at most 200 characters' },
        { row: 2, column: 'Zip', message: 'must be at most 20 characters' },
      ],
    };
    expect(await dry(csv, fields)).toMatchObject(expected);
    expect(await run(csv, fields)).toMatchObject({ status: 'completed', ...expected });
  });

  it('imports its own contact export back unchanged: repeated phones, list values holding a separator, leading apostrophes', async () => {
    const inj = await contact({
      externalId: 'INJ1',
      firstName: 'x',
      lastName: "'-x",
      jobTitle: "''=1",
      emails: [{ email: 'inj1@example.com' }, { email: 'inj1@work.example' }],
      phones: [{ number: '+33612345678' }, { number: '+4915112345678' }],
      tags: ['a;b', 'c,d', 'back\\slash'],
      address: { city: 'Roundtrip' },
    });
    const csv = await exported('contacts', 'Roundtrip');
    const [cells] = parse(csv, { columns: true }) as Record<string, string>[];
    expect(cells).toMatchObject({ tags: 'a\\;b;c,d;back\\\\slash', lastName: "''-x", jobTitle: "'''=1", primaryPhone: '+33612345678', phones: "'+33612345678;+4915112345678" });
    const mapping = {
      externalId: 'externalId',
      firstName: 'firstName',
      lastName: 'lastName',
      jobTitle: 'jobTitle',
      primaryEmail: 'email',
      emails: 'emails',
      primaryPhone: 'phone',
      phones: 'phones',
      tags: 'tags',
      city: 'city',
    };
    const fields = { entity: 'contact', mode: 'update', matchBy: 'externalId', mapping };
    expect(await dry(csv, fields)).toMatchObject({ rows: 1, unchanged: 1, updated: 0, failed: 0, errors: [] });
    expect(await run(csv, fields)).toMatchObject({ status: 'completed', unchanged: 1, updated: 0, failed: 0, errors: [] });
    const after = await get('contacts', inj.id);
    expect(after).toMatchObject({ version: inj.version, lastName: "'-x", jobTitle: "''=1", tags: ['a;b', 'c,d', 'back\\slash'] });
    expect(after.phones.map((p: { number: string; primary: boolean }) => [p.number, p.primary])).toEqual([
      ['+33612345678', true],
      ['+4915112345678', false],
    ]);
    // Declared separator: its escape protects it the same way.
    const piped = await run('Ext,Tags\nINJ1,e\\|f|g\n', { entity: 'contact', mode: 'update', matchBy: 'externalId', mapping: { Ext: 'externalId', Tags: 'tags' }, listSeparator: '|' });
    expect(piped).toMatchObject({ updated: 1, failed: 0 });
    expect((await get('contacts', inj.id)).tags).toEqual(['a;b', 'c,d', 'back\\slash', 'e|f', 'g']);
  });

  it('takes a number given twice in a row once, also when it waits for the matched contact\'s country', async () => {
    const gb = await contact({ firstName: 'Gwen', emails: [{ email: 'gwen@example.com' }], address: { country: 'GB' } });
    const fields = { entity: 'contact', mode: 'update', matchBy: 'email', mapping: { Mail: 'email', Tel: 'phone', Tels: 'phones' } };
    const csv = 'Mail,Tel,Tels\ngwen@example.com,07911 123456,+44 7911 123456;07911 123456\n';
    expect(await dry(csv, fields)).toMatchObject({ updated: 1, failed: 0, errors: [] });
    expect(await run(csv, fields)).toMatchObject({ status: 'completed', updated: 1, failed: 0, errors: [] });
    expect((await get('contacts', gb.id)).phones.map((p: { number: string; primary: boolean }) => [p.number, p.primary])).toEqual([['+447911123456', true]]);
  });

  describe('money custom fields', () => {
    const mapping = { Ext: 'externalId', Money: 'cf_fmoney', Cur: 'cf_fmoney.currency' };
    const update = { entity: 'company', mode: 'update', matchBy: 'externalId', mapping };

    it('leaves an equal amount and currency unchanged, however the amount is written, keeping the stored text', async () => {
      const m1 = await company({ name: 'Money One', externalId: 'M1', customFields: { fmoney: { amount: '1200.50', currency: 'EUR' } } });
      for (const csv of ['Ext,Money,Cur\nM1,1200.5,EUR\n', 'Ext,Money,Cur\nM1,1200.50 EUR,\n', 'Ext,Money,Cur\nM1,"1 200,500",eur\n']) {
        expect(await dry(csv, update)).toMatchObject({ unchanged: 1, updated: 0, failed: 0 });
        expect(await run(csv, update)).toMatchObject({ status: 'completed', unchanged: 1, updated: 0, failed: 0 });
      }
      expect(await get('companies', m1.id)).toMatchObject({ version: m1.version, customFields: { fmoney: { amount: '1200.50', currency: 'EUR' } } });
      expect(Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM contacts.import_changes WHERE record_id = $1`, [m1.id]))[0].n)).toBe(0);
      // Another amount, or another currency, is a change.
      expect(await run('Ext,Money,Cur\nM1,1200.5,USD\n', update)).toMatchObject({ updated: 1 });
      expect((await get('companies', m1.id)).customFields.fmoney).toEqual({ amount: '1200.5', currency: 'USD' });
    });

    it('refuses two different currencies for one amount, an amount without currency, and a wrong currency, naming the columns', async () => {
      await company({ name: 'Money Two', externalId: 'M2' });
      const report = await dry('Ext,Money,Cur\nM2,10 USD,EUR\nM2,10,\nM2,12 EURO,\nM2,10 usd,USD\n', update);
      expect(report).toMatchObject({ rows: 4, updated: 1, failed: 3 });
      expect(report.errors).toEqual([
        { row: 1, column: 'Cur', message: 'differs from the currency given with the amount' },
        { row: 2, column: 'Cur', message: 'is required with an amount' },
        { row: 3, column: 'Money', message: 'must be an ISO 4217 code such as "EUR"' },
      ]);
      const counts = await dry('Name,Staff\nNegative,-5\n', { entity: 'company', mapping: { Name: 'name', Staff: 'employees' } });
      expect(counts.errors).toEqual([{ row: 1, column: 'Staff', message: 'must not be less than 0' }]);
    });
  });

  it('refuses a timestamp in a date column (dateFormat iso) as POST /contacts does, naming the column', async () => {
    await t.http().post('/api/v1/contacts').set(admin).send({ firstName: 'Ada', customFields: { since: '2024-12-31T01:00:00+03:00' } }).expect(400);
    const csv = 'First,Since\nAda,2024-12-31T01:00:00+03:00\nBea,2024-12-31\n';
    const done = await run(csv, { entity: 'contact', mapping: { First: 'firstName', Since: 'cf_since' }, dateFormat: 'iso' });
    expect(done).toMatchObject({ status: 'completed', created: 1, failed: 1, errors: [{ row: 1, column: 'Since', message: 'must be a date (YYYY-MM-DD)' }] });
  });
});
