import { createTestApp, TestApp } from '../support/app';
import { asAdmin, loginAs, seedUser, createRole, TEAM_SCOPE } from '../support/auth';

type Auth = { Authorization: string };

const BOM = '\uFEFF';

describe('POST /api/v1/imports, dry run (e2e)', () => {
  let t: TestApp;
  let admin: Auth;
  let north: Auth;
  let south: Auth;

  const upload = (auth: Auth, csv: string | Buffer, fields: Record<string, unknown>) => {
    const req = t.http().post('/api/v1/imports').set(auth);
    for (const [k, v] of Object.entries(fields)) req.field(k, typeof v === 'string' ? v : JSON.stringify(v));
    return req.attach('file', Buffer.isBuffer(csv) ? csv : Buffer.from(csv, 'utf8'), { filename: 'people.csv', contentType: 'text/csv' });
  };
  const contactCount = async (auth: Auth) => (await t.http().get('/api/v1/contacts/count').set(auth).expect(200)).body.count as number;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await asAdmin(t);
    await createRole(t, 'import-rep', { contacts: TEAM_SCOPE, companies: TEAM_SCOPE, imports: TEAM_SCOPE, 'custom-fields': { read: 'all' } });
    north = await loginAs(t, await seedUser(t, { role: 'import-rep', teams: ['North'] }));
    south = await loginAs(t, await seedUser(t, { role: 'import-rep', teams: ['South'] }));
    await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'since', label: 'Since', type: 'date' }).expect(201);
    await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'score', label: 'Score', type: 'number' }).expect(201);
    await t.http().post('/api/v1/contacts').set(north).send({ firstName: 'Existing', emails: [{ email: 'anna@example.com' }] }).expect(201);
    await t.http().post('/api/v1/contacts').set(south).send({ firstName: 'Hidden', emails: [{ email: 'south@example.com' }] }).expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const mapping = { Vorname: 'firstName', Nachname: 'lastName', 'E-Mail': 'email', Adresse: 'street', Seit: 'customFields.since', Punkte: 'cf_score' };

  it('reads a semicolon CSV with BOM, quoted newlines, blank lines and day-first dates, and writes nothing', async () => {
    const csv =
      BOM +
      'Vorname;Nachname;E-Mail;Adresse;Seit;Punkte\r\n' +
      'Anna;Berg;ANNA@Example.com;"Hauptstr. 1\r\nHinterhaus";31.12.2023;7,5\r\n' +
      '\r\n' +
      'Jürgen;Schmidt;juergen@example.de;"Weg ""am See"";2";01.02.2024;3\r\n' +
      'Kein;Mail;;;;\r\n' +
      'Bad;Row;not-an-email;;32.13.2024;viel\r\n' +
      ';;;;;\r\n' +
      'Marta;García;south@example.com;;;\r\n';
    const before = await contactCount(north);
    const res = await upload(north, csv, { entity: 'contact', mapping, mode: 'upsert', matchBy: 'email', dryRun: 'true', dateFormat: 'dmy' }).expect(200);
    // Anna matches case-insensitively; south@ belongs to another team, so it would be a new contact for North.
    expect(res.body).toMatchObject({ rows: 5, created: 3, updated: 1, skipped: 0, failed: 1, errorsTruncated: false });
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { row: 4, column: 'E-Mail', message: 'is not an email address' },
        { row: 4, column: 'Seit', message: 'must be a date (YYYY-MM-DD)' },
        { row: 4, column: 'Punkte', message: 'must be a number' },
      ]),
    );
    expect(res.body.errors.every((e: { row: number }) => e.row === 4)).toBe(true);
    expect(await contactCount(north)).toBe(before);
  });

  it('counts by mode: create skips existing emails and repeats within the file; update skips unmatched rows', async () => {
    const csv = 'First,Email\nAnna,anna@example.com\nNew,new@example.com\nAgain,NEW@example.com\nNobody,\n';
    const m = { First: 'firstName', Email: 'email' };
    const create = await upload(north, csv, { entity: 'contact', mapping: m, mode: 'create', dryRun: true }).expect(200);
    expect(create.body).toMatchObject({ rows: 4, created: 2, skipped: 2, updated: 0, failed: 0 });
    const update = await upload(north, csv, { entity: 'contact', mapping: m, mode: 'update', matchBy: 'email', dryRun: true }).expect(200);
    expect(update.body).toMatchObject({ rows: 4, created: 0, updated: 1, skipped: 3, failed: 0 });
    // South's rep sees none of North's contacts.
    const southRun = await upload(south, csv, { entity: 'contact', mapping: m, mode: 'update', matchBy: 'email', dryRun: true }).expect(200);
    expect(southRun.body).toMatchObject({ updated: 0, skipped: 4 });
  });

  it('detects the comma separator, pads short rows and checks companies', async () => {
    const csv = 'Name,Website,Employees,Revenue,Currency\n"Acme, Inc.",https://www.acme.example/about,"1,200",1000.50,EUR\nNo Revenue Currency,,12,99,\n,nameless.example,,,\nShort Row\n';
    const res = await upload(north, csv, {
      entity: 'company',
      mapping: { Name: 'name', Website: 'domain', Employees: 'employees', Revenue: 'annualRevenue', Currency: 'annualRevenueCurrency' },
      dryRun: true,
    }).expect(200);
    expect(res.body).toMatchObject({ rows: 4, created: 2, failed: 2 });
    expect(res.body.errors).toEqual([
      { row: 2, column: 'Currency', message: 'must be an ISO 4217 code such as "EUR"' },
      { row: 3, column: 'Name', message: 'is required' },
    ]);
  });

  it('matches by external id within the scope, for contacts and companies', async () => {
    await t.http().post('/api/v1/contacts').set(north).send({ firstName: 'Ext', externalId: 'dry-1' }).expect(201);
    await t.http().post('/api/v1/contacts').set(south).send({ firstName: 'Ext South', externalId: 'dry-2' }).expect(201);
    await t.http().post('/api/v1/companies').set(north).send({ name: 'Dry Co', externalId: 'co-1' }).expect(201);
    const csv = 'Ref,First\ndry-1,Known\ndry-2,Other team\ndry-3,New\ndry-3,Again\n';
    const upsert = await upload(north, csv, { entity: 'contact', mapping: { Ref: 'externalId', First: 'firstName' }, mode: 'upsert', matchBy: 'externalId', dryRun: true }).expect(200);
    // dry-2 belongs to South's contact: North cannot update it, nor create another with its id.
    expect(upsert.body).toMatchObject({ rows: 4, created: 1, updated: 2, skipped: 0, failed: 1 });
    expect(upsert.body.errors).toEqual([{ row: 2, column: 'Ref', message: 'is already the external id of another record' }]);
    const update = await upload(north, csv, { entity: 'contact', mapping: { Ref: 'externalId', First: 'firstName' }, mode: 'update', matchBy: 'externalId', dryRun: true }).expect(200);
    expect(update.body).toMatchObject({ rows: 4, updated: 1, skipped: 3 });
    const companies = await upload(north, 'Id,Name\nco-1,Dry Co\nco-2,Wet Co\n', { entity: 'company', mapping: { Id: 'externalId', Name: 'name' }, mode: 'create', dryRun: true }).expect(200);
    expect(companies.body).toMatchObject({ rows: 2, created: 1, skipped: 1 });
  });

  it('reports mapped columns missing from the header', async () => {
    const res = await upload(north, 'First\nAnna\n', { entity: 'contact', mapping: { First: 'firstName', Mail: 'email' }, dryRun: true }).expect(200);
    expect(res.body.errors).toEqual([{ row: 0, column: 'Mail', message: 'is mapped but not in the file\'s header' }]);
    expect(res.body.created).toBe(1);
  });

  it('refuses bad requests as problems', async () => {
    const bad = await upload(north, 'a\n1\n', { entity: 'person', mapping: { a: 'nope' }, mode: 'update', matchBy: 'phone', dateFormat: 'us', dryRun: true }).expect(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['dateFormat', 'entity', 'mapping.a', 'matchBy'].sort());
    // update needs matchBy, and matching by external id needs a column mapped to it.
    const noMatch = await upload(north, 'a\n1\n', { entity: 'contact', mapping: { a: 'firstName' }, mode: 'update', dryRun: true }).expect(400);
    expect(noMatch.body.errors).toEqual([{ field: 'matchBy', message: 'is required' }]);
    const noColumn = await upload(north, 'a\n1\n', { entity: 'company', mapping: { a: 'name' }, mode: 'upsert', matchBy: 'externalId', dryRun: true }).expect(400);
    expect(noColumn.body.errors).toEqual([{ field: 'mapping', message: 'matching by externalId needs a column mapped to externalId' }]);
    await t.http().post('/api/v1/imports').set(north).field('entity', 'contact').field('mapping', '{"a":"firstName"}').field('dryRun', 'true').expect(400);
    await t.http().post('/api/v1/imports').set(north).send({ entity: 'contact' }).expect(415);
    // Multipart is for the import only: other routes still take JSON alone.
    const elsewhere = await t.http().post('/api/v1/contacts').set(north).field('firstName', 'Ann');
    expect(elsewhere.status).toBe(415);
    expect(elsewhere.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    await upload(north, '', { entity: 'contact', mapping: { a: 'firstName' }, dryRun: true }).expect(400);
    await upload(north, 'a,b\n"unterminated,1\n', { entity: 'contact', mapping: { a: 'firstName' }, dryRun: true }).expect(400);
    await t.http().post('/api/v1/roles').set(admin).send({ name: 'no-imports', permissions: { contacts: { read: 'all', create: 'all' } } }).expect(201);
    const noImports = await loginAs(t, await seedUser(t, { role: 'no-imports' }));
    await upload(noImports, 'a\n1\n', { entity: 'contact', mapping: { a: 'firstName' }, dryRun: true }).expect(403);
  });
});
