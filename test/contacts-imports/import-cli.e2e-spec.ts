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

  it('checks a file with --dry-run and writes nothing', async () => {
    const r = await crm(['import', 'contacts', csv, '--mapping', mapping, '--mode', 'upsert', '--match-by', 'email', '--dry-run', '--as', north.email]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('Dry run: would create 1, update 1, skip 0, 1 failed, of 3 rows.\n  row 3, E-Mail: is not an email address\n');
    expect(Number((await t.dataSource.query(`SELECT count(*) AS n FROM contacts.imports`))[0].n)).toBe(0);
  });

  it('imports as --as with a progress bar on a terminal, and the import is the user\'s (revertible through the API)', async () => {
    const r = await crm(['import', 'contacts', csv, '--mapping', mapping, '--mode', 'upsert', '--match-by', 'email', '--as', north.email], { tty: true });
    expect(r.code).toBe(0);
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

  it('refuses a user who may not create what the import would create, and an unknown user', async () => {
    const r = await crm(['import', 'contacts', csv, '--mapping', mapping, '--as', reader.email]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('You may not create contacts, which a create import does.');
    const nobody = await crm(['import', 'contacts', csv, '--mapping', mapping, '--as', 'nobody@example.com']);
    expect(nobody.code).toBe(1);
    expect(nobody.err).toContain('--as: no user has the email nobody@example.com.');
  });
});
