import { parse } from 'csv-parse/sync';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin, loginAs, seedUser, SeededUser, createRole, TEAM_SCOPE } from '../support/auth';
import { cliEnv, CliRun, runCrm } from '../support/cli';

type Auth = { Authorization: string };

const rowsOf = (csv: string) => parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];

/** Commands that CRM modules register (`@CliCommand`), run in-process against this file's database. */
describe('crm CLI: module commands', () => {
  let t: TestApp;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  let admin: Auth;
  let north: SeededUser;
  let south: SeededUser;
  let companiesOnly: SeededUser;
  let httpExport: string;

  const crm = (argv: string[], opts: { tty?: boolean } = {}): Promise<CliRun> => runCrm(env, argv, opts);

  beforeAll(async () => {
    t = await createTestApp();
    env = cliEnv(t.databaseName);
    dir = mkdtempSync(join(tmpdir(), 'crm-export-'));
    admin = await asAdmin(t);
    await createRole(t, 'cli-rep', { contacts: TEAM_SCOPE, companies: TEAM_SCOPE });
    await t.http().post('/api/v1/roles').set(admin).send({ name: 'cli-companies-only', permissions: { companies: { read: 'all' } } }).expect(201);
    north = await seedUser(t, { role: 'cli-rep', teams: ['North'] });
    south = await seedUser(t, { role: 'cli-rep', teams: ['South'] });
    const northAuth = await loginAs(t, north);
    const southAuth = await loginAs(t, south);
    for (const body of [
      { firstName: 'Zoë', lastName: 'Lefèvre', tags: ['vip'], address: { street: 'Hauptstraße 1\nHinterhaus', city: 'Berlin' } },
      { firstName: 'Anna', lastName: 'Berg', tags: ['lead'], address: { city: 'Berlin' } },
      { firstName: 'Jürgen', lastName: 'Schmidt', tags: ['vip'], address: { city: 'Hamburg' } },
    ]) {
      await t.http().post('/api/v1/contacts').set(northAuth).send(body).expect(201);
    }
    await t.http().post('/api/v1/contacts').set(southAuth).send({ firstName: 'Marta', lastName: 'García', tags: ['vip'], address: { city: 'Berlin' } }).expect(201);
    await t.http().post('/api/v1/companies').set(southAuth).send({ name: 'Sur, "El Faro" S.L.', domains: ['sur.example'] }).expect(201);
    companiesOnly = await seedUser(t, { role: 'cli-companies-only' });
    httpExport = (await t.http().get('/api/v1/contacts/export').query({ sort: 'lastName' }).set(admin).expect(200)).text;
    // Everything the HTTP app does happens above: each in-process CLI run boots a second application,
    // and passport strategies and the transaction host are process-wide, so the last one booted wins.
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('lists module commands in help, and shows their usage with --as', async () => {
    const help = await crm(['help']);
    expect(help.code).toBe(0);
    // A command's own --help shows its usage, like `crm help <command>`.
    const own = await crm(['export', '--help']);
    expect([own.code, own.out]).toEqual([0, (await crm(['help', 'export'])).out]);
    expect(help.out).toMatch(/\n {2}export +Export contacts or companies as CSV/);
    expect(help.out).toContain('  migrate ');

    const usage = await crm(['help', 'export']);
    expect(usage.code).toBe(0);
    expect(usage.out).toContain('Usage: crm export <contacts|companies> [--out <file.csv>] [--filter <query string>] [--as <user email>]');
    expect(usage.out).toContain('Without it the command acts as the system and sees every record.');
  });

  it('writes to stdout the same CSV as GET /contacts/export, every record without --as', async () => {
    const r = await crm(['export', 'contacts', '--filter', 'sort=lastName']);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toBe(httpExport);
    expect(rowsOf(r.out).map((c) => c.lastName)).toEqual(['Berg', 'García', 'Lefèvre', 'Schmidt']);
  });

  it('honours --filter in the short and in the API form', async () => {
    const short = await crm(['export', 'contacts', '--filter', 'city=Berlin&tags[in]=vip&sort=lastName']);
    expect(short.code).toBe(0);
    expect(rowsOf(short.out).map((c) => c.lastName)).toEqual(['García', 'Lefèvre']);
    const api = await crm(['export', 'contacts', '--filter', 'filter[city][eq]=Berlin&filter[tags][in]=vip&sort=lastName']);
    expect(api.out).toBe(short.out);
  });

  it('exports with the scope of --as: a user of one team gets none of the other team\'s records', async () => {
    const asNorth = await crm(['export', 'contacts', '--as', north.email, '--filter', 'sort=lastName']);
    expect(asNorth.code).toBe(0);
    expect(rowsOf(asNorth.out).map((c) => c.lastName)).toEqual(['Berg', 'Lefèvre', 'Schmidt']);
    expect(rowsOf(asNorth.out).every((c) => c.teamId === north.teamIds[0])).toBe(true);

    const southBerlin = await crm(['export', 'contacts', '--as', south.email, '--filter', 'city=Berlin']);
    expect(rowsOf(southBerlin.out).map((c) => c.lastName)).toEqual(['García']);

    const northCompanies = await crm(['export', 'companies', '--as', north.email]);
    expect(northCompanies.code).toBe(0);
    expect(rowsOf(northCompanies.out)).toEqual([]);
    expect(northCompanies.out).toMatch(/^id,/);
    const southCompanies = await crm(['export', 'companies', '--as', south.email]);
    expect(rowsOf(southCompanies.out)).toEqual([expect.objectContaining({ name: 'Sur, "El Faro" S.L.', domains: 'sur.example' })]);
  });

  it('writes --out to the file, complete, and says how many rows', async () => {
    const file = join(dir, 'north.csv');
    const r = await crm(['export', 'contacts', '--out', file, '--as', north.email, '--filter', 'sort=lastName']);
    expect(r).toMatchObject({ code: 0, err: '', out: `Exported 3 contacts to ${file}.\n` });
    const stdout = await crm(['export', 'contacts', '--as', north.email, '--filter', 'sort=lastName']);
    expect(readFileSync(file, 'utf8')).toBe(stdout.out);
    expect(readdirSync(dir)).toEqual(['north.csv']);

    const one = await crm(['export', 'contacts', '-o', join(dir, 'one.csv'), '--filter', 'lastName=Berg']);
    expect(one.out).toBe(`Exported 1 contact to ${join(dir, 'one.csv')}.\n`);
  });

  it('draws progress (rows / total, rows/s) on stderr only when it is a terminal', async () => {
    const r = await crm(['export', 'contacts', '--out', join(dir, 'tty.csv'), '--as', north.email], { tty: true });
    expect(r.code).toBe(0);
    const frames = r.err.split('\r\u001b[2K');
    expect(frames[0]).toBe('');
    expect(frames[frames.length - 1]).toMatch(/^\[█{24}\] 3 \/ 3 rows {2}100% {2}[\d,]+ rows\/s\n$/);
    const quiet = await crm(['export', 'contacts', '--out', join(dir, 'quiet.csv')]);
    expect(quiet.err).toBe('');
  });

  it('answers bad flags with exit code 2 and a message naming the flag', async () => {
    const cases: Array<[string[], string]> = [
      [['export', 'contacts', '--bogus'], "Unknown option '--bogus'"],
      [['export'], 'Missing <entity> (one of contacts, companies).'],
      [['export', 'widgets'], '<entity>: "widgets" is not one of contacts, companies.'],
      [['export', 'contacts', 'extra'], 'Unexpected argument "extra".'],
      [['export', 'contacts', '--filter', 'nope=x'], '--filter: filter[nope]'],
      [['export', 'contacts', '--filter', 'city[near]=x'], '--filter: filter[city][near]'],
      [['export', 'contacts', '--filter', 'limit=5'], '--filter: "limit" does not apply to an export'],
      [['export', 'contacts', '--as', 'not-an-email'], '--as: "not-an-email" is not an email address.'],
      [['export', 'contacts', '--out', join(dir, 'missing', 'x.csv')], `--out: cannot write ${join(dir, 'missing', 'x.csv')}`],
      [['export', 'contacts', '--out', ''], '--out: give a file path'],
    ];
    for (const [argv, message] of cases) {
      const r = await crm(argv);
      expect({ argv, code: r.code, out: r.out }).toEqual({ argv, code: 2, out: '' });
      expect(r.err).toContain(message);
      expect(r.err).toContain('Usage: crm export <contacts|companies>');
    }
  });

  it('fails with exit code 1 for an unknown user, or one whose role may not read the records', async () => {
    const ghost = await crm(['export', 'contacts', '--as', 'ghost@example.test']);
    expect(ghost).toMatchObject({ code: 1, out: '' });
    expect(ghost.err).toContain('crm export failed: --as: no user has the email ghost@example.test.');

    const denied = await crm(['export', 'contacts', '--as', companiesOnly.email, '--out', join(dir, 'denied.csv')]);
    expect(denied).toMatchObject({ code: 1, out: '' });
    expect(denied.err).toContain('may not read contacts');
    expect(readdirSync(dir)).not.toContain('denied.csv');
    expect((await crm(['export', 'companies', '--as', companiesOnly.email])).code).toBe(0);
  });
});
