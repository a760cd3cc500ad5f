import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin, loginAs, seedUser, SeededUser, createRole, TEAM_SCOPE } from '../support/auth';
import { cliEnv, CliRun, runCrm } from '../support/cli';

type Auth = { Authorization: string };

/** `crm import`, run in-process against this file's database with the job's own run code. */
describe('crm import (e2e)', () => {
  let t: TestApp;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  let north: SeededUser;
  let northAuth: Auth;
  let reader: SeededUser;
  let support: SeededUser;
  let mapping: string;
  let csv: string;

  const crm = (argv: string[], opts: { tty?: boolean } = {}): Promise<CliRun> => runCrm(env, argv, opts);

  beforeAll(async () => {
    t = await createTestApp();
    env = cliEnv(t.databaseName);
    dir = mkdtempSync(join(tmpdir(), 'crm-import-'));
    const admin = await asAdmin(t);
    await createRole(t, 'cli-importer', { contacts: TEAM_SCOPE, imports: TEAM_SCOPE });
    north = await seedUser(t, { role: 'cli-importer', teams: ['North'] });
    northAuth = await loginAs(t, north);
    await t.http().post('/api/v1/roles').set(admin).send({ name: 'cli-reader', permissions: { contacts: { read: 'all' }, imports: { create: 'own', read: 'own' } } }).expect(201);
    reader = await seedUser(t, { role: 'cli-reader' });
    // Like the demo's support role: contacts, but no `imports` rights (POST /api/v1/imports is a 403).
    await createRole(t, 'cli-no-imports', { contacts: TEAM_SCOPE });
    support = await seedUser(t, { role: 'cli-no-imports', teams: ['North'] });
    const supportAuth = await loginAs(t, support);
    const denied = await t.http().post('/api/v1/imports').set(supportAuth).field('entity', 'contact').field('mapping', '{"Vorname":"firstName"}').attach('file', Buffer.from('Vorname\nX\n'), 'x.csv');
    expect([denied.status, denied.body.detail]).toEqual([403, 'Your role may not create imports.']);
    await t.http().post('/api/v1/contacts').set(northAuth).send({ firstName: 'Old', emails: [{ email: 'old.cli@example.com' }] }).expect(201);
    mapping = join(dir, 'mapping.json');
    writeFileSync(mapping, JSON.stringify({ Vorname: 'firstName', 'E-Mail': 'email', Kennung: 'externalId' }));
    csv = join(dir, 'people.csv');
    writeFileSync(csv, '\uFEFFVorname;E-Mail;Kennung\r\nNeu;new.cli@example.com;cli-1\r\nAlt;OLD.cli@example.com;\r\nKaputt;kaputt;\r\n');
    // Every HTTP call of the file happens above: each CLI run boots an application of its own, and
    // the transaction host is process-wide (the last application booted wins).
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('shows its usage in help', async () => {
    const usage = await crm(['help', 'import']);
    expect(usage.code).toBe(0);
    expect(usage.out).toContain('crm import <contacts|companies> <file.csv> --mapping <mapping.json>');
  });

  it('lists its exit codes in help, "completed with row errors" among them', async () => {
    const help = await crm(['import', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Exit codes:\n  0  every row imported');
    expect(help.out).toContain('\n  2  usage:');
    expect(help.out).toContain('\n  3  the run completed, but some rows failed');
  });

  it('checks a file with --dry-run and writes nothing', async () => {
    const r = await crm(['import', 'contacts', csv, '--mapping', mapping, '--mode', 'upsert', '--match-by', 'email', '--dry-run', '--as', north.email]);
    // A row failed: exit code 3, not 0, so a script can tell without reading the text.
    expect(r.code).toBe(3);
    expect(r.out).toBe('Dry run: would create 1, update 1, skip 0, 1 failed, of 3 rows.\n  row 3, E-Mail: is not an email address\n');
    expect(Number((await t.dataSource.query(`SELECT count(*) AS n FROM contacts.imports`))[0].n)).toBe(0);
  });

  it('imports as --as with a progress bar on a terminal, and the import is the user\'s (revertible through the API)', async () => {
    const r = await crm(['import', 'contacts', csv, '--mapping', mapping, '--mode', 'upsert', '--match-by', 'email', '--as', north.email], { tty: true });
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/^Import [0-9a-f-]{36}\nCreated 1, updated 1, skipped 0, 1 failed, of 3 rows\.\n {2}row 3, E-Mail: is not an email address\n$/);
    const frames = r.err.split('\r\u001b[2K');
    expect(frames[frames.length - 1]).toMatch(/^\[█{24}\] 3 \/ 3 rows {2}100% {2}[\d,]+ rows\/s\n$/);
    const id = /^Import ([0-9a-f-]{36})/.exec(r.out)?.[1];
    const [imp] = await t.dataSource.query(`SELECT status, owner_id, team_id, created, updated, failed, job_id FROM contacts.imports WHERE id = $1`, [id]);
    expect(imp).toEqual({ status: 'completed', owner_id: north.id, team_id: north.teamIds[0], created: 1, updated: 1, failed: 1, job_id: null });
    const [created] = await t.dataSource.query(`SELECT first_name, external_id, owner_id FROM contacts.contacts WHERE primary_email = 'new.cli@example.com'`);
    expect(created).toEqual({ first_name: 'Neu', external_id: 'cli-1', owner_id: north.id });
    const [old] = await t.dataSource.query(`SELECT first_name, version FROM contacts.contacts WHERE primary_email = 'old.cli@example.com'`);
    expect(old).toEqual({ first_name: 'Alt', version: 2 });
  });

  it('answers bad flags with exit code 2 naming the flag', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['import', 'contacts', csv, '--mapping', mapping, '--mode', 'merge'], /^--mode: must be one of create, update, upsert/],
      [['import', 'contacts', csv, '--mapping', mapping, '--mode', 'update'], /^--match-by: is required/],
      [['import', 'contacts', csv, '--mapping', join(dir, 'missing.json')], /^--mapping: cannot read/],
      [['import', 'contacts', join(dir, 'missing.csv'), '--mapping', mapping], /^<file>: cannot read/],
      [['import', 'people', csv, '--mapping', mapping], /<entity>: "people" is not one of contacts, companies/],
    ];
    for (const [argv, message] of cases) {
      const r = await crm(argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.err).toMatch(message);
    }
  });

  it('exits 0 when every row imported, dry or not', async () => {
    const clean = join(dir, 'clean.csv');
    writeFileSync(clean, 'Vorname;E-Mail;Kennung\nSauber;sauber.cli@example.com;cli-clean\n');
    const dry = await crm(['import', 'contacts', clean, '--mapping', mapping, '--dry-run', '--as', north.email]);
    expect([dry.code, dry.out]).toEqual([0, 'Dry run: would create 1, update 0, skip 0, 0 failed, of 1 rows.\n']);
    const real = await crm(['import', 'contacts', clean, '--mapping', mapping, '--as', north.email]);
    expect(real.code).toBe(0);
    expect(real.out).toMatch(/\nCreated 1, updated 0, skipped 0, 0 failed, of 1 rows\.\n$/);
  });

  it('refuses a user whose role may not create imports, as POST /api/v1/imports does, before anything is written', async () => {
    const before = Number((await t.dataSource.query(`SELECT count(*) AS n FROM contacts.imports`))[0].n);
    for (const extra of [[], ['--dry-run']]) {
      const r = await crm(['import', 'contacts', csv, '--mapping', mapping, ...extra, '--as', support.email]);
      expect({ extra, code: r.code, out: r.out }).toEqual({ extra, code: 2, out: '' });
      expect(r.err).toContain(`--as ${support.email}: Your role may not create imports.`);
      expect(r.err).toContain('Usage: crm import');
    }
    expect(Number((await t.dataSource.query(`SELECT count(*) AS n FROM contacts.imports`))[0].n)).toBe(before);
    expect(await t.dataSource.query(`SELECT id FROM contacts.contacts WHERE owner_id = $1`, [support.id])).toEqual([]);
  });

  it('checks the mapping against the header before creating the import: exit 2 naming the column, nothing created', async () => {
    const nope = join(dir, 'nope.json');
    writeFileSync(nope, JSON.stringify({ Vorname: 'firstName', Nope: 'lastName' }));
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const before = Number((await t.dataSource.query(`SELECT count(*) AS n FROM contacts.imports`))[0].n);
    const cases: Array<[string[], string]> = [
      [['import', 'contacts', csv, '--mapping', nope, '--as', north.email], "--mapping: mapping.Nope is not a column of the file's header"],
      [['import', 'contacts', csv, '--mapping', nope, '--dry-run'], "--mapping: mapping.Nope is not a column of the file's header"],
      [['import', 'contacts', empty, '--mapping', mapping], '<file>: has no header row'],
    ];
    for (const [argv, message] of cases) {
      const r = await crm(argv);
      expect({ argv, code: r.code, out: r.out }).toEqual({ argv, code: 2, out: '' });
      expect(r.err).toContain(message);
      expect(r.err).not.toContain('committed');
    }
    expect(Number((await t.dataSource.query(`SELECT count(*) AS n FROM contacts.imports`))[0].n)).toBe(before);
  });

  it('says a run that failed before its first batch committed nothing', async () => {
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, 'Vorname;E-Mail;Kennung\nEins;eins.cli@example.com;\nZwei;"zwei.cli@example.com;\n');
    const r = await crm(['import', 'contacts', broken, '--mapping', mapping, '--as', north.email]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^Import [0-9a-f-]{36} failed before committing any row: /);
    expect(r.err).not.toContain('revert it');
  });

  it('refuses a user who may not create what the import would create, and an unknown user', async () => {
    const r = await crm(['import', 'contacts', csv, '--mapping', mapping, '--as', reader.email]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--as ${reader.email}: You may not create contacts, which a create import does.`);
    const nobody = await crm(['import', 'contacts', csv, '--mapping', mapping, '--as', 'nobody@example.com']);
    expect(nobody.code).toBe(1);
    expect(nobody.err).toContain('--as: no user has the email nobody@example.com.');
  });

  it('crm export --as refuses a role that may not read the entity with the 403 of GET /api/v1/<entity>/export', async () => {
    const r = await crm(['export', 'companies', '--as', reader.email]);
    expect([r.code, r.out]).toEqual([1, '']);
    expect(r.err).toContain('Your role may not read companies.');
  });
});
