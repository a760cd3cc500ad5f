import { verify } from '@node-rs/argon2';
import { Client } from 'pg';
import { DEMO_PASSWORD } from '../../src/platform/ops/seed/platform-demo.seeder';
import { cloneDatabase, dropDatabase } from '../support/app';
import { cliEnv, CliRun, runCrm } from '../support/cli';
import { databaseUrl } from '../support/env';
import { loadMigrationClasses } from '../support/migrations';

/** The `crm` CLI, run in-process against a database of this file's own. */
describe('crm CLI', () => {
  let name: string;
  let env: NodeJS.ProcessEnv;
  const migrations = loadMigrationClasses();

  const crm = (...argv: string[]): Promise<CliRun> => runCrm(env, argv, { migrations });

  async function query(sql: string): Promise<any[]> {
    const c = new Client({ connectionString: databaseUrl(name) });
    await c.connect();
    try {
      return (await c.query(sql)).rows;
    } finally {
      await c.end();
    }
  }

  async function verifyPassword(email: string, password: string): Promise<boolean> {
    const [row] = await query(`SELECT password_hash FROM platform.users WHERE email = '${email}'`);
    return verify(row.password_hash, password);
  }

  beforeAll(async () => {
    name = await cloneDatabase();
    env = cliEnv(name);
  });
  afterAll(async () => {
    await dropDatabase(name);
  });

  it('prints help with every command, exit 0', async () => {
    const r = await crm('help');
    expect(r.code).toBe(0);
    for (const c of ['migrate', 'migrate:status', 'migrate:revert', 'user:create', 'seed:demo', 'jobs:status']) expect(r.out).toContain(`  ${c} `);
    expect((await crm('help', 'user:create')).out).toContain('--email <email> --role <role>');
  });

  it('answers usage mistakes with exit code 2', async () => {
    const unknown = await crm('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown command "frobnicate"');
    const badOption = await crm('migrate', '--force');
    expect(badOption.code).toBe(2);
    expect(badOption.err).toContain("Unknown option '--force'");
    const missing = await crm('user:create', '--role', 'admin');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('Missing --email');
    // The API's rule for an email (a@b.c is refused there too).
    const badEmail = await crm('user:create', '--email', 'a@b.c', '--role', 'admin');
    expect([badEmail.code, badEmail.err]).toEqual([2, expect.stringContaining('--email: "a@b.c" is not an email address')]);
  });

  it('stops with exit code 1 and names the variable when the configuration is invalid', async () => {
    const saved = env;
    env = { ...env, DATABASE_URL: 'mysql://nope', DATABASE_POOL_SIZE: 'lots' };
    try {
      const r = await crm('migrate:status');
      expect(r.code).toBe(1);
      expect(r.err).toContain('DATABASE_URL: must be a postgres:// URL');
      expect(r.err).toContain('DATABASE_POOL_SIZE');
    } finally {
      env = saved;
    }
  });

  it('reports, reverts and re-applies migrations', async () => {
    const status = await crm('migrate:status');
    expect(status.code).toBe(0);
    expect(status.out).toContain(`${migrations.length} applied, 0 pending`);

    const last = (migrations[migrations.length - 1] as unknown as { name: string }).name;
    const revert = await crm('migrate:revert');
    expect(revert).toMatchObject({ code: 0, out: `reverted ${last}\n` });
    expect((await crm('migrate:status')).out).toContain(`[ ] ${last}\n${migrations.length - 1} applied, 1 pending`);

    const up = await crm('migrate');
    expect(up).toMatchObject({ code: 0, out: `applied  ${last}\n` });
    expect((await crm('migrate')).out).toContain('No pending migrations');
  });

  it('fails with exit code 1 and a message when the database cannot be reached', async () => {
    const saved = env;
    env = { ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' };
    try {
      const r = await crm('migrate');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^crm migrate failed: .*ECONNREFUSED/);
    } finally {
      env = saved;
    }
  });

  it('creates a user with a generated password, printed once', async () => {
    const r = await crm('user:create', '--email', 'ops.admin@example.com', '--role', 'admin', '--name', 'Ops Admin');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Created user ops\.admin@example\.com \(admin\), id [0-9a-f-]{36}\.\nPassword: (\S{12,})\n/);
    const password = /Password: (\S+)/.exec(r.out)![1];
    const t = await verifyPassword('ops.admin@example.com', password);
    expect(t).toBe(true);
  });

  it('creates a user with the given password, and refuses a taken email, an unknown role, a short password', async () => {
    const ok = await crm('user:create', '--email', 'grace@example.com', '--role', 'sales', '--password', 'correct-horse-battery');
    expect(ok.code).toBe(0);
    expect(ok.out).not.toContain('Password:');
    expect(await verifyPassword('grace@example.com', 'correct-horse-battery')).toBe(true);

    const taken = await crm('user:create', '--email', 'GRACE@example.com', '--role', 'sales');
    expect(taken.code).toBe(1);
    expect(taken.err).toContain('email: is taken');
    const role = await crm('user:create', '--email', 'x@example.com', '--role', 'emperor');
    expect(role.code).toBe(1);
    expect(role.err).toContain('role:');
    const short = await crm('user:create', '--email', 'y@example.com', '--role', 'sales', '--password', 'short');
    expect(short.code).toBe(2);
  });

  it('seeds a demo company, and a second run adds nothing', async () => {
    const first = await crm('seed:demo');
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain('morgan.manager@demo.example.com');
    expect(first.out).toContain(`password of every demo user: ${DEMO_PASSWORD}`);
    const count = async () => (await query(`SELECT (SELECT count(*) FROM platform.users)::int AS users, (SELECT count(*) FROM platform.teams)::int AS teams`))[0];
    const after1 = await count();
    expect(after1.teams).toBeGreaterThanOrEqual(2);

    const second = await crm('seed:demo');
    expect(second.code).toBe(0);
    expect(second.out).toContain('(exists already)');
    expect(await count()).toEqual(after1);
    expect(await verifyPassword('nora.north@demo.example.com', DEMO_PASSWORD)).toBe(true);
    const teams = await query(
      `SELECT t.name FROM platform.team_members m JOIN platform.teams t ON t.id = m.team_id JOIN platform.users u ON u.id = m.user_id WHERE u.email = 'sofia.sol@demo.example.com'`,
    );
    expect(teams.map((r: { name: string }) => r.name)).toEqual(['South']);
  });

  it('shows the queue status', async () => {
    const r = await crm('jobs:status');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Queue "crm"');
    expect(r.out).toMatch(/waiting\s+\d+/);
  });
});
