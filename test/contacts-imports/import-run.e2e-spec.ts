import { ImportRunSettings } from '../../src/modules/contacts/imports/application/import-runner';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin, loginAs, seedUser, SeededUser, createRole, TEAM_SCOPE } from '../support/auth';
import { IMPORT_DONE, importSettled, uploadImport } from './support';

type Auth = { Authorization: string };
type Fields = Record<string, unknown>;

describe('POST /api/v1/imports, real runs (e2e)', () => {
  let t: TestApp;
  let admin: Auth;
  let north: Auth;
  let northUser: SeededUser;
  let south: Auth;
  let settings: ImportRunSettings;

  const upload = (auth: Auth, csv: string, fields: Fields, filename = 'people.csv') => uploadImport(t, auth, csv, fields, filename);

  /** Polls the import until it stops moving (the worker runs in this process). */
  const settled = (auth: Auth, id: string, until: string[] = IMPORT_DONE) => importSettled(t, auth, id, until);
  /** Batches of one row, the run held after its first: `reached` once it is there, `release()` lets it finish. */
  const holdAtFirstBatch = () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let reach!: () => void;
    const reached = new Promise<void>((r) => (reach = r));
    settings.batchRows = 1;
    settings.afterBatch = async () => {
      reach();
      await held;
    };
    return {
      reached,
      release: () => {
        settings.afterBatch = async () => undefined;
        release();
      },
    };
  };

  const run = async (auth: Auth, csv: string, fields: Fields) => {
    const res = await upload(auth, csv, fields).expect(202);
    expect(res.headers.location).toBe(`/api/v1/imports/${res.body.id}`);
    return settled(auth, res.body.id);
  };

  const contactsWhere = async (auth: Auth, filter: string) => (await t.http().get(`/api/v1/contacts?${filter}`).set(auth).expect(200)).body.data as any[];
  const contactByEmail = async (auth: Auth, email: string) => (await contactsWhere(auth, `filter[emails][in]=${encodeURIComponent(email)}`))[0];
  const count = async (sql: string, params: unknown[] = []) => Number((await t.dataSource.query(sql, params))[0].n);

  beforeAll(async () => {
    t = await createTestApp({ worker: true, env: { JOB_BACKOFF_MS: '50', OUTBOX_POLL_MS: '100' } });
    settings = t.app.get(ImportRunSettings, { strict: false });
    admin = await asAdmin(t);
    await createRole(t, 'import-rep', { contacts: TEAM_SCOPE, companies: TEAM_SCOPE, imports: TEAM_SCOPE, jobs: { read: 'own' }, 'custom-fields': { read: 'all' } });
    northUser = await seedUser(t, { role: 'import-rep', teams: ['North'] });
    north = await loginAs(t, northUser);
    south = await loginAs(t, await seedUser(t, { role: 'import-rep', teams: ['South'] }));
    await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'score', label: 'Score', type: 'number' }).expect(201);
  });
  afterEach(() => {
    settings.batchRows = 5000;
    settings.afterBatch = async () => undefined;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates contacts, reports every error by row and column, and shows progress on the job', async () => {
    const csv =
      '\uFEFFVorname;Nachname;E-Mail;Punkte;Kennung\r\n' +
      'Anna;Berg;anna.run@example.com;7,5;crm-1\r\n' +
      'Bernd;Brot;bernd.run@example.com;3;crm-2\r\n' +
      'Anna again;;ANNA.RUN@example.com;;\r\n' +
      'Bad;Row;not-an-email;viel;crm-3\r\n' +
      '"Carla\nMultiline";Cruz;carla.run@example.com;;crm-4\r\n';
    const mapping = { Vorname: 'firstName', Nachname: 'lastName', 'E-Mail': 'email', Punkte: 'cf_score', Kennung: 'externalId' };
    const accepted = await upload(north, csv, { entity: 'contact', mapping, mode: 'create', dryRun: false }).expect(202);
    expect(accepted.body).toMatchObject({ status: 'queued', entity: 'contact', mode: 'create', ownerId: northUser.id, fileName: 'people.csv' });
    const done = await settled(north, accepted.body.id);
    // The repeated email (another case) is skipped, not a second contact.
    expect(done).toMatchObject({ status: 'completed', rows: 5, created: 3, updated: 0, skipped: 1, failed: 1, rowsCommitted: 5 });
    expect(done.errors).toEqual(
      expect.arrayContaining([
        { row: 4, column: 'E-Mail', message: 'is not an email address' },
        { row: 4, column: 'Punkte', message: 'must be a number' },
      ]),
    );
    const anna = await contactByEmail(north, 'anna.run@example.com');
    expect(anna).toMatchObject({ firstName: 'Anna', lastName: 'Berg', externalId: 'crm-1', customFields: { score: 7.5 }, ownerId: northUser.id, teamId: northUser.teamIds[0], version: 1 });
    expect((await contactByEmail(north, 'carla.run@example.com')).firstName).toBe('Carla\nMultiline');
    // Filterable by external id, and searchable like any contact.
    expect((await contactsWhere(north, 'filter[externalId][in]=crm-1,crm-2')).map((c) => c.externalId).sort()).toEqual(['crm-1', 'crm-2']);
    expect((await contactsWhere(north, 'q=bernd')).map((c) => c.externalId)).toEqual(['crm-2']);
    // One audit entry per created record, tied to the import.
    expect(await count(`SELECT count(*) AS n FROM platform.audit_log WHERE request_id = $1 AND action = 'create' AND resource = 'contacts'`, [`import:${done.id}`])).toBe(3);
    expect(await count(`SELECT count(*) AS n FROM platform.outbox WHERE topic = 'import.completed' AND payload->>'importId' = $1`, [done.id])).toBe(1);
    // The uploaded file is gone once the run ended.
    expect(await count(`SELECT count(*) AS n FROM contacts.import_uploads WHERE upload_id = $1`, [done.id])).toBe(0);
    const job = await t.http().get(`/api/v1/jobs/${done.jobId}`).set(north).expect(200);
    expect(job.body).toMatchObject({ type: 'contacts.import-run', status: 'succeeded', progress: { done: 5, total: 5 }, result: { created: 3, skipped: 1, failed: 1 } });
  });

  it('upserts by email: blank cells keep values, emails and tags are added, custom fields merged, and the version moves', async () => {
    const created = await t
      .http()
      .post('/api/v1/contacts')
      .set(north)
      .send({ firstName: 'Dora', lastName: 'Dietz', emails: [{ email: 'dora@example.com' }], tags: ['vip'], jobTitle: 'CFO' })
      .expect(201);
    const csv = 'Email,First,Last,Title,Tags,Other\nDORA@example.com,Dorothea,,,new;vip,dora@work.example\nfresh.upsert@example.com,Fresh,Face,,,\n';
    const done = await run(north, csv, { entity: 'contact', mapping: { Email: 'email', First: 'firstName', Last: 'lastName', Title: 'jobTitle', Tags: 'tags', Other: 'emails' }, mode: 'upsert', matchBy: 'email' });
    expect(done).toMatchObject({ status: 'completed', rows: 2, created: 1, updated: 1, skipped: 0, failed: 0 });
    const dora = (await t.http().get(`/api/v1/contacts/${created.body.id}`).set(north).expect(200)).body;
    expect(dora).toMatchObject({ firstName: 'Dorothea', lastName: 'Dietz', jobTitle: 'CFO', tags: ['vip', 'new'], primaryEmail: 'dora@example.com', version: 2 });
    expect(dora.emails.map((e: { email: string; primary: boolean }) => [e.email, e.primary])).toEqual([
      ['dora@example.com', true],
      ['dora@work.example', false],
    ]);
    // The new email makes her findable by it, and the audit has the diff.
    expect((await contactsWhere(north, 'q=dora@work')).map((c) => c.id)).toEqual([created.body.id]);
    const audit = await t.dataSource.query(`SELECT changes FROM platform.audit_log WHERE record_id = $1 AND action = 'update'`, [created.body.id]);
    expect(audit).toHaveLength(1);
    expect(audit[0].changes.firstName).toEqual({ from: 'Dora', to: 'Dorothea' });
    expect(audit[0].changes.lastName).toBeUndefined();
  });

  it('upserts contacts and companies by external id, and a renamed company is found under its new name', async () => {
    const company = await run(north, 'Id,Name,Web,Staff,Revenue,Cur\nerp-1,Acme,https://www.acme.example,"1,200",1000.50,EUR\nerp-2,Globex,globex.example,,,\n', {
      entity: 'company',
      mapping: { Id: 'externalId', Name: 'name', Web: 'domain', Staff: 'employees', Revenue: 'annualRevenue', Cur: 'annualRevenueCurrency' },
      mode: 'upsert',
      matchBy: 'externalId',
    });
    expect(company).toMatchObject({ status: 'completed', created: 2, updated: 0, failed: 0 });
    const acme = (await t.http().get('/api/v1/companies?filter[externalId][eq]=erp-1').set(north).expect(200)).body.data[0];
    expect(acme).toMatchObject({ name: 'Acme', domains: ['acme.example'], employees: 1200, annualRevenue: { amount: '1000.50', currency: 'EUR' } });
    const person = await t.http().post('/api/v1/contacts').set(north).send({ firstName: 'Ed', externalId: 'p-ed', companies: [{ companyId: acme.id }] }).expect(201);

    const again = await run(north, 'Id,Name,Web\nerp-1,Acme Renamed,acme.example\nerp-3,Initech,\n', { entity: 'company', mapping: { Id: 'externalId', Name: 'name', Web: 'domain' }, mode: 'upsert', matchBy: 'externalId' });
    expect(again).toMatchObject({ created: 1, updated: 1 });
    const renamed = (await t.http().get(`/api/v1/companies/${acme.id}`).set(north).expect(200)).body;
    expect(renamed).toMatchObject({ name: 'Acme Renamed', employees: 1200, domains: ['acme.example'], version: 2 });
    expect((await contactsWhere(north, 'q=renamed')).map((c) => c.id)).toEqual([person.body.id]);
    // Reverted: the name comes back (and with it the contact's search text), the created company goes.
    await t.http().post(`/api/v1/imports/${again.id}/revert`).set(north).expect(202);
    expect((await settled(north, again.id, ['reverted', 'failed'])).status).toBe('reverted');
    expect((await t.http().get(`/api/v1/companies/${acme.id}`).set(north).expect(200)).body).toMatchObject({ name: 'Acme', version: 3 });
    expect(await contactsWhere(north, 'q=renamed')).toEqual([]);
    expect((await t.http().get('/api/v1/companies?filter[externalId][eq]=erp-3').set(north).expect(200)).body.data).toEqual([]);

    const contacts = await run(north, 'Ref,First\np-ed,Edward\np-new,Newton\n', { entity: 'contact', mapping: { Ref: 'externalId', First: 'firstName' }, mode: 'update', matchBy: 'externalId' });
    expect(contacts).toMatchObject({ updated: 1, skipped: 1, created: 0 });
    expect((await t.http().get(`/api/v1/contacts/${person.body.id}`).set(north).expect(200)).body).toMatchObject({ firstName: 'Edward', companies: [{ companyId: acme.id }] });
  });

  it('keeps teams apart: imports are invisible across teams, and an upsert never touches records outside the scope', async () => {
    const northImport = await run(north, 'Email,First,Ref\nscoped@example.com,North,ext-north\n', { entity: 'contact', mapping: { Email: 'email', First: 'firstName', Ref: 'externalId' }, mode: 'create' });
    await t.http().get(`/api/v1/imports/${northImport.id}`).set(south).expect(404);
    await t.http().post(`/api/v1/imports/${northImport.id}/revert`).set(south).expect(404);
    await t.http().get(`/api/v1/jobs/${northImport.jobId}`).set(south).expect(404);
    const southList = (await t.http().get('/api/v1/imports').set(south).expect(200)).body;
    expect(southList.data.map((i: { id: string }) => i.id)).not.toContain(northImport.id);
    const adminList = (await t.http().get('/api/v1/imports?filter[status][eq]=completed&limit=200').set(admin).expect(200)).body;
    expect(adminList.data.map((i: { id: string }) => i.id)).toContain(northImport.id);

    const southRun = await run(south, 'Email,First\nscoped@example.com,South\n', { entity: 'contact', mapping: { Email: 'email', First: 'firstName' }, mode: 'upsert', matchBy: 'email' });
    expect(southRun).toMatchObject({ created: 1, updated: 0 });
    expect((await contactByEmail(north, 'scoped@example.com')).firstName).toBe('North');
    expect((await contactByEmail(south, 'scoped@example.com')).firstName).toBe('South');
    // An external id held by a record South cannot see cannot be taken: the row fails, nothing changes.
    const taken = await run(south, 'Ref,First\next-north,Thief\n', { entity: 'contact', mapping: { Ref: 'externalId', First: 'firstName' }, mode: 'upsert', matchBy: 'externalId' });
    expect(taken).toMatchObject({ created: 0, updated: 0, failed: 1, errors: [{ row: 1, column: 'Ref', message: 'is already the external id of another record' }] });
    expect((await contactByEmail(north, 'scoped@example.com')).firstName).toBe('North');
  });

  it('reverts (created records removed, updated ones put back), refuses a second revert, and takes the same file again', async () => {
    const kept = await t.http().post('/api/v1/contacts').set(north).send({ firstName: 'Rita', emails: [{ email: 'rita@example.com' }], tags: ['a'] }).expect(201);
    const csv = 'Email,First,Tags\nrita@example.com,Margarita,b\nrevert.one@example.com,One,\nrevert.two@example.com,Two,\n';
    const fields = { entity: 'contact', mapping: { Email: 'email', First: 'firstName', Tags: 'tags' }, mode: 'upsert', matchBy: 'email' };
    const first = await run(north, csv, fields);
    expect(first).toMatchObject({ created: 2, updated: 1 });
    const one = await contactByEmail(north, 'revert.one@example.com');

    const reverting = await t.http().post(`/api/v1/imports/${first.id}/revert`).set(north).expect(202);
    expect(reverting.body.status).toBe('reverting');
    const reverted = await settled(north, first.id, ['reverted', 'failed']);
    expect(reverted.status).toBe('reverted');
    await t.http().get(`/api/v1/contacts/${one.id}`).set(north).expect(404);
    expect(await count(`SELECT count(*) AS n FROM contacts.contacts WHERE id = $1`, [one.id])).toBe(0);
    const rita = (await t.http().get(`/api/v1/contacts/${kept.body.id}`).set(north).expect(200)).body;
    expect(rita).toMatchObject({ firstName: 'Rita', tags: ['a'], version: 3 });
    expect(await count(`SELECT count(*) AS n FROM platform.audit_log WHERE request_id = $1 AND action = 'delete'`, [`import:${first.id}:revert`])).toBe(2);
    const [restoreAudit] = await t.dataSource.query(`SELECT changes FROM platform.audit_log WHERE request_id = $1 AND action = 'update'`, [`import:${first.id}:revert`]);
    expect(restoreAudit.changes).toMatchObject({ firstName: { from: 'Margarita', to: 'Rita' }, tags: { from: ['a', 'b'], to: ['a'] } });

    const twice = await t.http().post(`/api/v1/imports/${first.id}/revert`).set(north).expect(409);
    expect(twice.headers['content-type']).toMatch(/problem\+json/);
    expect(twice.body).toMatchObject({ code: 'IMPORT_NOT_REVERTIBLE' });

    const second = await run(north, csv, fields);
    expect(second).toMatchObject({ status: 'completed', created: 2, updated: 1 });
    expect((await contactByEmail(north, 'rita@example.com')).firstName).toBe('Margarita');
  });

  it('sends a created contact that has consent evidence since to the recycle bin instead of deleting it', async () => {
    const done = await run(north, 'Email\nconsent.kept@example.com\nconsent.none@example.com\n', { entity: 'contact', mapping: { Email: 'email' } });
    const kept = await contactByEmail(north, 'consent.kept@example.com');
    const none = await contactByEmail(north, 'consent.none@example.com');
    await t.http().post(`/api/v1/contacts/${kept.id}/consents`).set(admin).send({ channel: 'email', status: 'granted', legalBasis: 'consent', source: 'newsletter form' }).expect(201);
    await t.http().post(`/api/v1/imports/${done.id}/revert`).set(north).expect(202);
    expect((await settled(north, done.id, ['reverted', 'failed'])).status).toBe('reverted');
    expect(await count(`SELECT count(*) AS n FROM contacts.contacts WHERE id = $1`, [none.id])).toBe(0);
    await t.http().get(`/api/v1/contacts/${kept.id}`).set(north).expect(404);
    const bin = await contactsWhere(north, 'filter[deleted][eq]=true&filter[emails][in]=consent.kept@example.com');
    expect(bin.map((c) => c.id)).toEqual([kept.id]);
  });

  it('refuses to revert an import that is still running', async () => {
    const hold = holdAtFirstBatch();
    const res = await upload(north, 'First\nHeld\nOn\n', { entity: 'contact', mapping: { First: 'firstName' } }).expect(202);
    await hold.reached;
    expect((await t.http().get(`/api/v1/imports/${res.body.id}`).set(north).expect(200)).body).toMatchObject({ status: 'running', rowsCommitted: 1 });
    await t.http().post(`/api/v1/imports/${res.body.id}/revert`).set(north).expect(409);
    hold.release();
    expect(await settled(north, res.body.id)).toMatchObject({ status: 'completed', created: 2 });
  });

  it('resumes after a crash between batches: every row once, no duplicates, exact counts', async () => {
    settings.batchRows = 2;
    let crashed = false;
    settings.afterBatch = async (_id, committed) => {
      if (!crashed && committed === 2) {
        crashed = true;
        throw new Error('worker lost');
      }
    };
    // crash.a appears again in the third batch: it must update the contact the first batch created.
    const csv = 'Email,First\ncrash.a@example.com,A\ncrash.b@example.com,B\ncrash.c@example.com,C\nnot-an-email,D\ncrash.a@example.com,A2\ncrash.e@example.com,E\n';
    const res = await upload(north, csv, { entity: 'contact', mapping: { Email: 'email', First: 'firstName' }, mode: 'upsert', matchBy: 'email' }).expect(202);
    const done = await settled(north, res.body.id);
    expect(crashed).toBe(true);
    expect(done).toMatchObject({ status: 'completed', rows: 6, created: 4, updated: 1, failed: 1, rowsCommitted: 6 });
    expect(await count(`SELECT count(*) AS n FROM contacts.contacts WHERE email_keys && ARRAY['crash.a@example.com','crash.b@example.com','crash.c@example.com','crash.e@example.com']`)).toBe(4);
    expect((await contactByEmail(north, 'crash.a@example.com')).firstName).toBe('A2');
    expect(await count(`SELECT count(*) AS n FROM contacts.import_changes WHERE import_id = $1`, [done.id])).toBe(4);
    const job = (await t.http().get(`/api/v1/jobs/${done.jobId}`).set(north).expect(200)).body;
    expect(job).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('answers bad requests with problems naming the field, before storing anything', async () => {
    const before = await count(`SELECT count(*) AS n FROM contacts.imports`);
    const bad = await upload(north, 'a\n1\n', { entity: 'contact', mapping: { a: 'nickname' }, dryRun: false }).expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'mapping.a' })]);
    const unknownField = await upload(north, 'a\n1\n', { entity: 'contact', mapping: { a: 'firstName' }, priority: 'high' }).expect(400);
    expect(unknownField.body.errors).toEqual([{ field: 'priority', message: 'is not a known field' }]);
    await t.http().post('/api/v1/imports').set(north).field('entity', 'contact').field('mapping', '{"a":"firstName"}').expect(400);
    await t.http().post('/api/v1/imports').set(north).send({ entity: 'contact' }).expect(415);
    await t.http().get('/api/v1/imports/not-a-uuid').set(north).expect(400);
    await t.http().get('/api/v1/imports?filter[colour][eq]=red').set(north).expect(400);
    await t.http().post('/api/v1/roles').set(admin).send({ name: 'reader', permissions: { contacts: { read: 'all' }, imports: { create: 'own', read: 'own' } } }).expect(201);
    const reader = await loginAs(t, await seedUser(t, { role: 'reader' }));
    await upload(reader, 'a\n1\n', { entity: 'contact', mapping: { a: 'firstName' } }).expect(403);
    expect(await count(`SELECT count(*) AS n FROM contacts.imports`)).toBe(before);
    expect(await count(`SELECT count(*) AS n FROM contacts.import_uploads`)).toBe(0);
  });

  describe('files and mappings that do not fit, progress and Idempotency-Key', () => {
    const m = { Email: 'email', First: 'firstName' };
    const imports = () => count(`SELECT count(*) AS n FROM contacts.imports`);

    it('refuses a file that is not UTF-8, or a mapping that does not fit its header, before storing anything', async () => {
      const before = await imports();
      const latin1 = await t
        .http()
        .post('/api/v1/imports')
        .set(north)
        .field('entity', 'contact')
        .field('mapping', JSON.stringify(m))
        .attach('file', Buffer.from('Email,First\nlatin.run@example.com,M\xfcller\n', 'latin1'), { filename: 'latin1.csv', contentType: 'text/csv' })
        .expect(400);
      expect(latin1.body.errors).toEqual([{ field: 'file', message: 'is not UTF-8 text (line 2)' }]);
      const missing = await upload(north, 'Email,First\nmissing.run@example.com,A\n', { entity: 'contact', mapping: { ...m, Telefon: 'phone' } }).expect(400);
      expect(missing.body.errors).toEqual([{ field: 'mapping.Telefon', message: "is not a column of the file's header" }]);
      const twice = await upload(north, 'email,first,first\ntwice.run@example.com,A,B\n', { entity: 'contact', mapping: { email: 'email', first: 'firstName' } }).expect(400);
      expect(twice.body.errors).toEqual([{ field: 'mapping.first', message: 'the file has 2 columns named first' }]);
      const unknown = await upload(north, 'Email,first\nunknown.run@example.com,A\n', { entity: 'contact', mapping: { Email: 'email', first: 'cf_nope' } }).expect(400);
      expect(unknown.body.errors).toEqual([{ field: 'mapping.first', message: 'customFields.nope is not a custom field of contacts' }]);
      expect(await imports()).toBe(before);
      expect(await count(`SELECT count(*) AS n FROM contacts.import_uploads`)).toBe(0);
      expect(await contactByEmail(north, 'latin.run@example.com')).toBeUndefined();
    });

    it('fails at once, not retried, on CSV it cannot read further into the file, naming the line', async () => {
      const res = await upload(north, 'Email,First\nquote.ok@example.com,Bob "Bobby" Smith\nquote.bad@example.com,"never closed\n', { entity: 'contact', mapping: m }).expect(202);
      const done = await settled(north, res.body.id);
      expect(done).toMatchObject({ status: 'failed', created: 0 });
      expect(done.error).toContain('has a quoted value that is never closed (the file ends at line 3)');
      const job = (await t.http().get(`/api/v1/jobs/${done.jobId}`).set(north).expect(200)).body;
      expect(job).toMatchObject({ status: 'failed', attempts: 1 });
      expect(job.error).toContain('never closed');
    });

    it('fails the row with more cells than the header and imports the others', async () => {
      const done = await run(north, 'Email,First\nmm1.run@example.com,A,extra,cells\nmm2.run@example.com,B\n', { entity: 'contact', mapping: m });
      expect(done).toMatchObject({ status: 'completed', rows: 2, created: 1, failed: 1, errors: [{ row: 1, column: '', message: 'has 4 cells; the header has 2' }] });
      expect(await contactByEmail(north, 'mm1.run@example.com')).toBeUndefined();
    });

    it('shows a total while the job runs: the lines less the header, then the rows read', async () => {
      const hold = holdAtFirstBatch();
      // Four lines after the header, three rows: the quoted line break makes the estimate one too many.
      const res = await upload(north, 'Email,First\ntotal.a@example.com,A\ntotal.b@example.com,"B\nB"\ntotal.c@example.com,C\n', { entity: 'contact', mapping: m }).expect(202);
      await hold.reached;
      const running = (await t.http().get(`/api/v1/jobs/${res.body.jobId}`).set(north).expect(200)).body;
      expect(running).toMatchObject({ status: 'running', progress: { done: 1, total: 4 } });
      hold.release();
      const done = await settled(north, res.body.id);
      expect(done).toMatchObject({ status: 'completed', created: 3 });
      await new Promise((r) => setTimeout(r, 200));
      expect((await t.http().get(`/api/v1/jobs/${res.body.jobId}`).set(north).expect(200)).body).toMatchObject({ status: 'succeeded', progress: { done: 3, total: 3 } });
    });

    it('honours Idempotency-Key: a retry gets the first answer, the same key with another file a 422', async () => {
      const send = (key: string, csv: string, fields: Fields = { entity: 'contact', mapping: m }) => upload(north, csv, fields).set('Idempotency-Key', key);
      const csv = 'Email,First\nidem.one@example.com,One\n';
      const first = await send('import-key-1', csv).expect(202);
      const again = await send('import-key-1', csv).expect(202);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(again.headers.location).toBe(`/api/v1/imports/${first.body.id}`);
      const other = await send('import-key-1', 'Email,First\nidem.two@example.com,Two\n').expect(422);
      expect(other.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', errors: [{ field: 'Idempotency-Key' }] });
      await send('import-key-1', csv, { entity: 'contact', mapping: m, mode: 'upsert', matchBy: 'email' }).expect(422);
      await settled(north, first.body.id);
      expect(await count(`SELECT count(*) AS n FROM contacts.imports WHERE file_name = 'people.csv' AND id <> $1 AND created_at >= (SELECT created_at FROM contacts.imports WHERE id = $1)`, [first.body.id])).toBe(0);
      expect(await count(`SELECT count(*) AS n FROM contacts.contacts WHERE email_keys && ARRAY['idem.one@example.com','idem.two@example.com']`)).toBe(1);
      // A replayed answer leaves no upload behind; a dry run is replayed too.
      expect(await count(`SELECT count(*) AS n FROM contacts.import_uploads`)).toBe(0);
      const dry = await send('import-key-2', csv, { entity: 'contact', mapping: m, dryRun: true }).expect(200);
      const dryAgain = await send('import-key-2', csv, { entity: 'contact', mapping: m, dryRun: true }).expect(200);
      expect(dryAgain.headers['idempotent-replayed']).toBe('true');
      expect(dryAgain.body).toEqual(dry.body);
    });
  });
});
