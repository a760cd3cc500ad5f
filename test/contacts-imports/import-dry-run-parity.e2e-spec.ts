import { ImportRunSettings } from '../../src/modules/contacts/imports/application/import-runner';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin, createRole, loginAs, seedUser, TEAM_SCOPE } from '../support/auth';
import { importSettled, uploadImport } from './support';

type Auth = { Authorization: string };
type Fields = Record<string, unknown>;
type RowError = { row: number; column: string; message: string };

const REPORT = ['rows', 'created', 'updated', 'unchanged', 'skipped', 'failed', 'errors', 'errorsTruncated'] as const;
const DUPLICATE_OF = /^skipped: duplicate of ([0-9a-f-]{36})$/;

/** A dry run is the real run rolled back: the same file, dry then real, reports the same, and the dry run leaves no trace. */
describe('POST /api/v1/imports: a dry run reports what the real run does (e2e)', () => {
  let t: TestApp;
  let admin: Auth;
  let north: Auth;
  let reader: Auth;
  let settings: ImportRunSettings;
  const afterBatchCalls: string[] = [];

  const upload = (auth: Auth, csv: string, fields: Fields) => {
    return uploadImport(t, auth, csv, fields, 'parity.csv');
  };
  const create = async (auth: Auth, body: Record<string, unknown>) => (await t.http().post('/api/v1/contacts').query({ skipDuplicateCheck: true }).set(auth).send(body).expect(201)).body;
  const n = async (sql: string) => Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM ${sql}`))[0].n);
  /** Everything a run could write, and every contact's version. */
  const footprint = async () => ({
    contacts: await n('contacts.contacts'),
    companies: await n('contacts.companies'),
    auditLog: await n('platform.audit_log'),
    outbox: await n('platform.outbox'),
    jobs: await n('platform.jobs'),
    imports: await n('contacts.imports'),
    importChanges: await n('contacts.import_changes'),
    importUploads: await n('contacts.import_uploads'),
    timeline: await n('contacts.timeline_entries'),
    versions: await t.dataSource.query(`SELECT id, version, updated_at, deleted_at FROM contacts.contacts ORDER BY id`),
  });
  const reportOf = (body: Record<string, unknown>) => Object.fromEntries(REPORT.map((k) => [k, body[k]]));
  /**
   * A row skipped as a duplicate of a contact created earlier in the file names that contact's
   * id, which the dry run made up and rolled back: such ids are compared as "made by this import".
   */
  const sameIdsAs = (errors: RowError[], existing: ReadonlySet<string>) =>
    errors.map((e) => {
      const id = DUPLICATE_OF.exec(e.message)?.[1];
      return id && !existing.has(id) ? { ...e, message: 'skipped: duplicate of <created by this import>' } : e;
    });

  /** Runs the file dry, checks nothing changed, then for real: returns both reports. */
  const dryThenReal = async (auth: Auth, csv: string, fields: Fields) => {
    const existing = new Set<string>((await t.dataSource.query(`SELECT id FROM contacts.contacts`)).map((r: { id: string }) => r.id));
    const before = await footprint();
    afterBatchCalls.length = 0;
    const dry = (await upload(auth, csv, { ...fields, dryRun: true }).expect(200)).body;
    expect(await footprint()).toEqual(before);
    // afterBatch stands for a real run's worker (tests crash or hold it there): a dry run never calls it.
    expect(afterBatchCalls).toEqual([]);
    const queued = await upload(auth, csv, fields).expect(202);
    const real = await importSettled(t, auth, queued.body.id);
    expect(real.status).toBe('completed');
    expect(afterBatchCalls.length).toBeGreaterThan(1);
    expect({ ...reportOf(dry), errors: sameIdsAs(dry.errors, existing) }).toEqual({ ...reportOf(real), errors: sameIdsAs(real.errors, existing) });
    return { dry, real };
  };

  beforeAll(async () => {
    t = await createTestApp({ worker: true, env: { JOB_BACKOFF_MS: '50', OUTBOX_POLL_MS: '100' } });
    admin = await asAdmin(t);
    settings = t.app.get(ImportRunSettings, { strict: false });
    settings.afterBatch = async (importId) => {
      afterBatchCalls.push(importId);
    };
    // Several batches per file: the dry run's batches share one transaction.
    settings.batchRows = 3;
    await createRole(t, 'parity-rep', { contacts: TEAM_SCOPE, companies: TEAM_SCOPE, imports: TEAM_SCOPE, jobs: { read: 'own' }, 'custom-fields': { read: 'all' } });
    await createRole(t, 'parity-reader', { contacts: { ...TEAM_SCOPE, read: 'all' }, imports: TEAM_SCOPE, jobs: { read: 'own' }, 'custom-fields': { read: 'all' } });
    north = await loginAs(t, await seedUser(t, { role: 'parity-rep', teams: ['North'] }));
    reader = await loginAs(t, await seedUser(t, { role: 'parity-reader', teams: ['South'] }));
  });
  afterAll(async () => {
    if (settings) {
      settings.afterBatch = async () => undefined;
      settings.batchRows = 5000;
    }
    await t?.close();
  });

  it('upsert by email: creates, updates, unchanged rows, ambiguous and forbidden matches, a duplicate by phone, a row error, repeats within the file', async () => {
    const mine = await create(reader, { firstName: 'Mine', emails: [{ email: 'parity.mine@example.com' }] });
    const same = await create(reader, { firstName: 'Same', emails: [{ email: 'parity.same@example.com' }] });
    await create(reader, { firstName: 'Twin', emails: [{ email: 'parity.twin@example.com' }] });
    await create(reader, { firstName: 'Twin', emails: [{ email: 'parity.twin@example.com' }] });
    await create(north, { firstName: 'North', emails: [{ email: 'parity.north@example.com' }] });
    const phoneOwner = await create(north, { firstName: 'Phone', emails: [{ email: 'parity.phone@example.com' }], phones: [{ number: '+371 2000 0101' }] });
    const csv = [
      'Mail,First,Tel',
      'parity.mine@example.com,Mine 2,',
      'parity.same@example.com,Same,',
      'PARITY.TWIN@example.com,Twin 2,',
      'parity.north@example.com,North 2,',
      'parity.fresh@example.com,Fresh,',
      'parity.by.phone@example.com,By phone,+37120000101',
      'not-an-email,Bad,',
      'Parity.Fresh@example.com,Fresh again,',
      'parity.fresh2@example.com,Fresh 2,+37120000202',
      'parity.fresh3@example.com,Fresh 3,+37120000202',
      '',
    ].join('\n');
    const { dry } = await dryThenReal(reader, csv, { entity: 'contact', mapping: { Mail: 'email', First: 'firstName', Tel: 'phone' }, mode: 'upsert', matchBy: 'email' });
    expect(dry).toMatchObject({ rows: 10, created: 2, updated: 2, unchanged: 1, skipped: 2, failed: 3, errorsTruncated: false });
    expect(dry.errors).toEqual(
      expect.arrayContaining([
        { row: 3, column: 'Mail', message: 'matches more than one contact' },
        { row: 4, column: 'Mail', message: 'matches a contact you may not update' },
        { row: 6, column: 'Tel', message: `skipped: duplicate of ${phoneOwner.id}` },
        { row: 7, column: 'Mail', message: expect.any(String) },
        { row: 10, column: 'Tel', message: expect.stringMatching(DUPLICATE_OF) },
      ]),
    );
    const get = async (id: string) => (await t.http().get(`/api/v1/contacts/${id}`).set(reader).expect(200)).body;
    expect(await get(mine.id)).toMatchObject({ firstName: 'Mine 2', version: 2 });
    expect(await get(same.id)).toMatchObject({ firstName: 'Same', version: 1 });
  });

  it('upsert by external id: a create-side duplicate by email and by phone, of existing contacts and of rows earlier in the file', async () => {
    await create(north, { externalId: 'par-1', firstName: 'Par One', emails: [{ email: 'par1@example.com' }] });
    await create(north, { externalId: 'par-2', firstName: 'Par Two', phones: [{ number: '+371 2000 0303' }] });
    const csv = [
      'Ref,Mail,First,Tel',
      'par-1,,Par One changed,',
      'par-2,,Par Two,',
      'par-3,PAR1@example.com,Dup by email,',
      'par-4,,Dup by phone,+37120000303',
      'par-5,par5@example.com,New,',
      'par-5,,New again,',
      'par-6,bad-email,Bad,',
      'par-7,par5@EXAMPLE.com,Dup of a new one,',
      'par-8,,Unchanged new,+37120000404',
      'par-8,,Unchanged new,',
      '',
    ].join('\n');
    const { dry } = await dryThenReal(north, csv, { entity: 'contact', mapping: { Ref: 'externalId', Mail: 'email', First: 'firstName', Tel: 'phone' }, mode: 'upsert', matchBy: 'externalId' });
    expect(dry).toMatchObject({ rows: 10, created: 2, updated: 2, unchanged: 2, skipped: 3, failed: 1 });
    expect(dry.errors.map((e: RowError) => [e.row, e.column])).toEqual([
      [3, 'Mail'],
      [4, 'Tel'],
      [7, 'Mail'],
      [8, 'Mail'],
    ]);
  });

  it('answers CSV it cannot read later in the file with 400 naming file and line, after batches were written, and leaves nothing', async () => {
    const before = await footprint();
    const csv = 'Mail,First\nlate.a@example.com,A\nlate.b@example.com,B\nlate.c@example.com,C\nlate.d@example.com,D\nlate.e@example.com,E\nlate.f@example.com,F\n"late.g@example.com,G\n';
    const res = await upload(north, csv, { entity: 'contact', mapping: { Mail: 'email', First: 'firstName' }, dryRun: true }).expect(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body).toMatchObject({ code: 'INVALID_CSV', errors: [{ field: 'file', message: 'has a quoted value that is never closed (the file ends at line 8)' }] });
    expect(await footprint()).toEqual(before);
  });

  it('is refused, writing nothing, to a caller who may not import: one who may not create contacts cannot run a create import dry', async () => {
    await createRole(t, 'parity-no-create', { contacts: { read: 'all', update: 'all' }, imports: TEAM_SCOPE });
    const noCreate = await loginAs(t, await seedUser(t, { role: 'parity-no-create' }));
    const before = await footprint();
    await upload(noCreate, 'Mail\nno.create@example.com\n', { entity: 'contact', mapping: { Mail: 'email' }, dryRun: true }).expect(403);
    expect(await footprint()).toEqual(before);
    expect((await upload(admin, 'Mail\nno.create@example.com\n', { entity: 'contact', mapping: { Mail: 'email' }, dryRun: true }).expect(200)).body).toMatchObject({ created: 1 });
  });
});
