import { readFileSync } from 'node:fs';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin, loginAs, seedUser, createRole, TEAM_SCOPE } from '../support/auth';
import { uploadImport } from './support';

type Auth = { Authorization: string };

const BOM = '\uFEFF';

describe('POST /api/v1/imports, dry run (e2e)', () => {
  let t: TestApp;
  let admin: Auth;
  let north: Auth;
  let south: Auth;

  const upload = (auth: Auth, csv: string | Buffer, fields: Record<string, unknown>) => {
    return uploadImport(t, auth, csv, fields);
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
    await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'budget', label: 'Budget', type: 'money' }).expect(201);
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
        { row: 4, column: 'Seit', message: 'must be a date (DD.MM.YYYY, day first)' },
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
      { row: 2, column: 'Currency', message: 'is required with an amount' },
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

  it('refuses mapped columns missing from the header', async () => {
    const res = await upload(north, 'First\nAnna\n', { entity: 'contact', mapping: { First: 'firstName', Mail: 'email' }, dryRun: true }).expect(400);
    expect(res.body.errors).toEqual([{ field: 'mapping.Mail', message: "is not a column of the file's header" }]);
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

  describe('files and mappings that do not fit', () => {
    const m = { Email: 'email', First: 'firstName' };
    const dry = (auth: Auth, csv: string | Buffer, mapping: Record<string, string> = m) => upload(auth, csv, { entity: 'contact', mapping, dryRun: true });

    it('refuses a file that is not UTF-8, naming file and the line; a BOM stays welcome', async () => {
      const res = await dry(north, Buffer.from('Email,First\nlatin@example.com,M\xfcller\n', 'latin1')).expect(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body).toMatchObject({ code: 'INVALID_CSV', errors: [{ field: 'file', message: 'is not UTF-8 text (line 2)' }] });
      expect((await dry(north, `${BOM}Email,First\nbom@example.com,Müller\n`).expect(200)).body).toMatchObject({ rows: 1, created: 1, failed: 0 });
    });

    it('takes stray quotes in an unquoted value, and answers any CSV it cannot read with 400 naming file and the line', async () => {
      expect((await dry(north, 'Email,First\nq@x.com,Bob "Bobby" Smith\n').expect(200)).body).toMatchObject({ rows: 1, created: 1, failed: 0 });
      const unclosed = await dry(north, 'Email,First\na@x.com,A\n"b@x.com,B\n').expect(400);
      expect(unclosed.body).toMatchObject({ code: 'INVALID_CSV', errors: [{ field: 'file', message: 'has a quoted value that is never closed (the file ends at line 3)' }] });
      const binary = await t.http().post('/api/v1/imports').set(north).field('entity', 'contact').field('mapping', JSON.stringify(m)).field('dryRun', 'true')
        .attach('file', readFileSync('/bin/ls'), { filename: 'ls', contentType: 'application/octet-stream' })
        .expect(400);
      expect(binary.body).toMatchObject({ errors: [{ field: 'file', message: 'is not a text file' }] });
    });

    it('refuses a file part that is not CSV or text with 415 naming file', async () => {
      const pdf = await t.http().post('/api/v1/imports').set(north).field('entity', 'contact').field('mapping', JSON.stringify(m)).field('dryRun', 'true')
        .attach('file', Buffer.from('Email,First\na@x.com,A\n'), { filename: 'people.pdf', contentType: 'application/pdf' })
        .expect(415);
      expect(pdf.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', errors: [{ field: 'file', message: 'must be CSV (text/csv or text/plain), not application/pdf' }] });
      for (const contentType of ['text/plain', 'application/vnd.ms-excel', 'application/octet-stream', 'application/csv']) {
        await t.http().post('/api/v1/imports').set(north).field('entity', 'contact').field('mapping', JSON.stringify(m)).field('dryRun', 'true')
          .attach('file', Buffer.from('Email,First\na@x.com,A\n'), { filename: 'people.csv', contentType })
          .expect(200);
      }
    });

    it('refuses a mapped column the header lacks or names twice', async () => {
      const missing = await dry(north, 'Email,First\na@x.com,A\n', { ...m, Telefon: 'phone' }).expect(400);
      expect(missing.body.errors).toEqual([{ field: 'mapping.Telefon', message: "is not a column of the file's header" }]);
      const twice = await dry(north, 'email,first,first\na@x.com,A,B\n', { email: 'email', first: 'firstName' }).expect(400);
      expect(twice.body.errors).toEqual([{ field: 'mapping.first', message: 'the file has 2 columns named first' }]);
    });

    it('refuses unknown custom fields and currency columns that cannot apply', async () => {
      const unknown = await dry(north, 'Email,first\na@x.com,A\n', { Email: 'email', first: 'cf_nope' }).expect(400);
      expect(unknown.body.errors).toEqual([{ field: 'mapping.first', message: 'customFields.nope is not a custom field of contacts' }]);
      const notMoney = await dry(north, 'Email,Score,Cur\na@x.com,1,EUR\n', { Email: 'email', Score: 'cf_score', Cur: 'cf_score.currency' }).expect(400);
      expect(notMoney.body.errors).toEqual([{ field: 'mapping.Cur', message: 'customFields.score is a number field: only a money field takes a currency column' }]);
      const noAmount = await dry(north, 'Email,Cur\na@x.com,EUR\n', { Email: 'email', Cur: 'cf_budget.currency' }).expect(400);
      expect(noAmount.body.errors).toEqual([{ field: 'mapping.Cur', message: 'a currency column needs a column mapped to customFields.budget (the amount)' }]);
    });

    it('reports a row with more cells than the header, quoting none of them; short rows are padded', async () => {
      const res = await dry(north, 'Email,First\nmm1@x.com,A,extra,cells\nmm2@x.com\n').expect(200);
      expect(res.body).toMatchObject({ rows: 2, created: 1, failed: 1, errors: [{ row: 1, column: '', message: 'has 4 cells; the header has 2' }] });
    });
  });
});
