'use strict';
// The contacts benchmark's database: created, migrated (the box's migrations, through `crm migrate`),
// given its users, teams and a team-scoped role, then filled by generate.js. A finished data set
// is recorded in public.bench_dataset; a later run reuses it unless asked to regenerate.
const { execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const { generate } = require('./generate');

const GENERATOR_VERSION = 'contacts-1';
const ADMIN_EMAIL = 'bench-admin@example.com';
const SALES_EMAIL = 'bench-sales@example.com';
const TEAMS = ['Équipe Rhône', 'Équipe Alpes'];
const OWNERS_PER_TEAM = 10;
/** Sees and writes only its team's contacts and companies (the scope the bench exercises). */
const TEAM_ROLE = {
  name: 'bench-team-sales',
  description: 'Sales rep limited to the team\'s contacts and companies',
  permissions: {
    contacts: { read: 'team', create: 'team', update: 'own', delete: 'own' },
    companies: { read: 'team', create: 'team', update: 'own', delete: 'own' },
    activities: { read: 'team', create: 'team', update: 'own', delete: 'own' },
    imports: { read: 'own', create: 'own', update: 'own', delete: 'own' },
    'custom-fields': { read: 'all' },
    teams: { read: 'all' },
    roles: { read: 'all' },
  },
};

async function withClient(url, fn) {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function dbUrl(adminUrl, name) {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The recorded data set of `name`, or null when the database or its record is missing. */
async function existing(adminUrl, name) {
  const found = await withClient(adminUrl, (c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
  if (!found.rowCount) return null;
  return withClient(dbUrl(adminUrl, name), async (c) => {
    const t = await c.query(`SELECT to_regclass('public.bench_dataset') AS t`);
    if (!t.rows[0].t) return null;
    const { rows } = await c.query('SELECT contacts, companies, version FROM public.bench_dataset');
    return rows[0] ?? null;
  });
}

/**
 * Makes sure database `name` holds the data set: reused when it was generated with the same
 * sizes and generator version (and `regenerate` is false), else dropped and built again.
 * Migrations are applied either way (`crm migrate` is idempotent), so new indexes reach it.
 */
async function prepare({ adminUrl, name, contacts, companies, regenerate, crm, log }) {
  const env = { DATABASE_URL: dbUrl(adminUrl, name) };
  const have = await existing(adminUrl, name);
  if (!regenerate && have && have.contacts === contacts && have.companies === companies && have.version === GENERATOR_VERSION) {
    log(`reusing ${name} (${contacts.toLocaleString('en')} contacts, ${companies.toLocaleString('en')} companies; --regenerate to build it again)`);
    // New migrations (indexes, statistics targets) reach the kept data set; fresh statistics follow.
    const migrated = crm(env, 'migrate');
    if (/^applied /m.test(migrated)) {
      log(migrated.trim());
      await withClient(env.DATABASE_URL, (c) => c.query('ANALYZE contacts.contacts, contacts.companies'));
    }
    return { generated: false };
  }
  log(`generating ${name}: ${contacts.toLocaleString('en')} contacts, ${companies.toLocaleString('en')} companies`);
  const t0 = Date.now();
  await withClient(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  crm(env, 'migrate');
  crm(env, 'user:create', '--email', ADMIN_EMAIL, '--role', 'admin', '--password', `Bench-${randomBytes(12).toString('base64url')}`, '--name', 'Bench Admin');
  await withClient(env.DATABASE_URL, async (c) => {
    await c.query(`INSERT INTO platform.roles (id, name, description, permissions, built_in) VALUES (gen_random_uuid(), $1, $2, $3::jsonb, false)`, [
      TEAM_ROLE.name,
      TEAM_ROLE.description,
      JSON.stringify(TEAM_ROLE.permissions),
    ]);
  });
  crm(env, 'user:create', '--email', SALES_EMAIL, '--role', TEAM_ROLE.name, '--password', `Bench-${randomBytes(12).toString('base64url')}`, '--name', 'Bench Sales');
  await withClient(env.DATABASE_URL, async (c) => {
    const teamIds = [];
    for (const [n, team] of TEAMS.entries()) {
      const { rows } = await c.query(`INSERT INTO platform.teams (id, name, created_at, updated_at) VALUES (md5($1)::uuid, $2, now(), now()) RETURNING id`, [`bench-team:${n}`, team]);
      teamIds.push(rows[0].id);
    }
    // Owners: copies of the admin's row (whatever columns platform.users has) with the sales role.
    const { rows: cols } = await c.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'platform' AND table_name = 'users' ORDER BY ordinal_position`,
    );
    const value = {
      id: `md5('bench-owner:' || i)::uuid`,
      email: `'bench-owner-' || i || '@example.com'`,
      display_name: `'Bench Owner ' || i`,
      role_id: `(SELECT id FROM platform.roles WHERE name = 'sales')`,
    };
    const names = cols.map((r) => r.column_name);
    await c.query(
      `INSERT INTO platform.users (${names.join(', ')}) SELECT ${names.map((col) => value[col] || `u.${col}`).join(', ')}
         FROM platform.users u, generate_series(1, $1::int) AS i WHERE u.email = $2`,
      [OWNERS_PER_TEAM * TEAMS.length, ADMIN_EMAIL],
    );
    const { rows: owners } = await c.query(`SELECT id FROM platform.users WHERE email LIKE 'bench-owner-%' ORDER BY email`);
    const pairs = owners.map((o, i) => ({ id: o.id, teamId: teamIds[i % TEAMS.length] }));
    for (const p of pairs) await c.query('INSERT INTO platform.team_members (team_id, user_id) SELECT $1, $2', [p.teamId, p.id]);
    await c.query(`INSERT INTO platform.team_members (team_id, user_id) SELECT $1, id FROM platform.users WHERE email = $2`, [teamIds[0], SALES_EMAIL]);
    await generate(c, { contacts, companies, owners: pairs, log });
    await c.query(`CREATE TABLE public.bench_dataset (contacts integer NOT NULL, companies integer NOT NULL, version text NOT NULL, generated_at timestamptz NOT NULL DEFAULT now(), seconds integer NOT NULL)`);
    await c.query('INSERT INTO public.bench_dataset (contacts, companies, version, seconds) VALUES ($1, $2, $3, $4)', [contacts, companies, GENERATOR_VERSION, Math.round((Date.now() - t0) / 1000)]);
  });
  return { generated: true, seconds: Math.round((Date.now() - t0) / 1000) };
}

/** Gives the bench's two users a fresh password (argon2id, the box's defaults) for this run. */
async function setPasswords(url) {
  const { hash } = require('@node-rs/argon2');
  const password = `Bench-${randomBytes(12).toString('base64url')}`;
  const passwordHash = await hash(password);
  await withClient(url, (c) => c.query('UPDATE platform.users SET password_hash = $1, failed_login_count = 0, locked_until = NULL WHERE email = ANY($2)', [passwordHash, [ADMIN_EMAIL, SALES_EMAIL]]));
  return { admin: { email: ADMIN_EMAIL, password }, sales: { email: SALES_EMAIL, password } };
}

function crmRunner(dist) {
  return (env, ...args) =>
    execFileSync(process.execPath, [`${dist}/cli.js`, ...args], { env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', NODE_ENV: 'production', REDIS_URL: process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379', JWT_SECRET: randomBytes(48).toString('base64url'), ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

module.exports = { prepare, setPasswords, crmRunner, dbUrl, withClient, TEAMS };
