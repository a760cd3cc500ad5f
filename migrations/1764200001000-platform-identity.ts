import { MigrationInterface, QueryRunner } from 'typeorm';

type Scope = 'all' | 'team' | 'own' | 'none';
type Grant = Partial<Record<'read' | 'create' | 'update' | 'delete', Scope>>;

/** The resources of the time of this migration (src/platform/access/resources.ts); later modules add theirs by migration. */
const RESOURCES = {
  platform: ['users', 'teams', 'roles', 'api-keys', 'audit', 'jobs', 'custom-fields', 'webhooks', 'settings'],
  contacts: ['contacts', 'companies', 'activities', 'tags', 'imports'],
  sales: ['leads', 'deals', 'pipelines', 'products', 'quotes'],
  service: ['tickets', 'sla-policies', 'kb'],
  marketing: ['segments', 'campaigns', 'email-templates'],
  analytics: ['reports', 'dashboards'],
};
const ALL = Object.values(RESOURCES).flat();

const crud = (read: Scope, create: Scope, update: Scope, del: Scope): Grant => ({ read, create, update, delete: del });
const readOnly = (read: Scope = 'all'): Grant => ({ read });
const grant = (names: string[], g: Grant) => Object.fromEntries(names.map((n) => [n, g]));

/**
 * Built-in roles. admin is special-cased in code (it reaches everything); its document lists
 * every grant for display. The others are starting points an admin can edit (or copy).
 */
const BUILT_IN: Array<{ name: string; description: string; permissions: Record<string, Grant> }> = [
  {
    name: 'admin',
    description: 'Everything, including users, roles, API keys and settings.',
    permissions: grant(ALL, crud('all', 'all', 'all', 'all')),
  },
  {
    name: 'manager',
    description: 'Runs a team: sees all customer data, edits and deletes what the team owns, reads users and teams.',
    permissions: {
      users: readOnly(), teams: readOnly(), roles: readOnly(), audit: readOnly('team'), jobs: readOnly('team'),
      'custom-fields': readOnly(), settings: readOnly(),
      ...grant([...RESOURCES.contacts, 'leads', 'deals', 'quotes', 'tickets'], crud('all', 'all', 'team', 'team')),
      ...grant(['pipelines', 'products', 'sla-policies'], readOnly()),
      kb: crud('all', 'all', 'all', 'team'),
      ...grant(RESOURCES.marketing, readOnly()),
      ...grant(RESOURCES.analytics, crud('all', 'all', 'team', 'team')),
    },
  },
  {
    name: 'sales',
    description: 'Works leads, deals and quotes; sees the team\'s pipeline and all contacts.',
    permissions: {
      users: readOnly('team'), teams: readOnly(), roles: readOnly(), jobs: readOnly('own'), 'custom-fields': readOnly(),
      ...grant(['contacts', 'companies', 'activities'], crud('all', 'all', 'own', 'own')),
      tags: crud('all', 'all', 'none', 'none'),
      imports: crud('own', 'own', 'own', 'own'),
      ...grant(['leads', 'deals', 'quotes'], crud('team', 'own', 'own', 'own')),
      ...grant(['pipelines', 'products', 'kb'], readOnly()),
      tickets: readOnly('team'),
      ...grant(RESOURCES.analytics, crud('all', 'own', 'own', 'own')),
    },
  },
  {
    name: 'support',
    description: 'Answers tickets and writes the knowledge base; sees all contacts.',
    permissions: {
      users: readOnly('team'), teams: readOnly(), roles: readOnly(), jobs: readOnly('own'), 'custom-fields': readOnly(),
      ...grant(['contacts', 'companies'], crud('all', 'all', 'own', 'none')),
      activities: crud('all', 'all', 'own', 'own'),
      tags: readOnly(),
      tickets: crud('team', 'all', 'team', 'own'),
      'sla-policies': readOnly(),
      kb: crud('all', 'all', 'all', 'own'),
      ...grant(RESOURCES.analytics, crud('all', 'own', 'own', 'own')),
    },
  },
  {
    name: 'marketing',
    description: 'Builds segments, templates and campaigns; reads contacts and companies.',
    permissions: {
      users: readOnly('team'), teams: readOnly(), roles: readOnly(), jobs: readOnly('own'), 'custom-fields': readOnly(),
      ...grant(['contacts', 'companies'], crud('all', 'all', 'own', 'none')),
      activities: readOnly(),
      tags: crud('all', 'all', 'all', 'all'),
      imports: crud('own', 'own', 'own', 'own'),
      ...grant(RESOURCES.marketing, crud('all', 'all', 'all', 'all')),
      ...grant(RESOURCES.analytics, crud('all', 'own', 'own', 'own')),
    },
  },
  {
    name: 'readonly',
    description: 'Reads customer data and reports; changes nothing.',
    permissions: {
      users: readOnly('team'), teams: readOnly(), roles: readOnly(),
      ...grant([...RESOURCES.contacts.filter((r) => r !== 'imports'), ...RESOURCES.sales, ...RESOURCES.service, ...RESOURCES.marketing, ...RESOURCES.analytics], readOnly()),
    },
  },
];

/** Drops `none` grants: a missing entry is none. */
function clean(perms: Record<string, Grant>): Record<string, Grant> {
  const out: Record<string, Grant> = {};
  for (const [resource, g] of Object.entries(perms)) {
    const kept = Object.fromEntries(Object.entries(g).filter(([, s]) => s && s !== 'none'));
    if (Object.keys(kept).length) out[resource] = kept;
  }
  return out;
}

export class PlatformIdentity1764200001000 implements MigrationInterface {
  name = 'PlatformIdentity1764200001000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform.roles (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        name varchar(64) NOT NULL,
        description varchar(500),
        permissions jsonb NOT NULL DEFAULT '{}',
        built_in boolean NOT NULL DEFAULT false,
        CONSTRAINT roles_pkey PRIMARY KEY (id),
        CONSTRAINT roles_name_key UNIQUE (name)
      )`);
    await q.query(`
      CREATE TABLE platform.users (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        deleted_at timestamptz,
        email varchar(320) NOT NULL,
        password_hash varchar(255) NOT NULL,
        display_name varchar(200) NOT NULL,
        role_id uuid NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'active',
        failed_login_count integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        last_login_at timestamptz,
        CONSTRAINT users_pkey PRIMARY KEY (id),
        CONSTRAINT users_status_check CHECK (status IN ('active', 'disabled')),
        CONSTRAINT users_role_fkey FOREIGN KEY (role_id) REFERENCES platform.roles (id) ON DELETE RESTRICT
      )`);
    // One account per address whatever its case; deleted users keep theirs (they can be restored).
    await q.query(`CREATE UNIQUE INDEX users_email_lower_key ON platform.users (lower(email))`);
    await q.query(`CREATE INDEX users_role_idx ON platform.users (role_id)`);
    await q.query(`CREATE INDEX users_created_idx ON platform.users (created_at, id)`);

    await q.query(`
      CREATE TABLE platform.teams (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        deleted_at timestamptz,
        name varchar(200) NOT NULL,
        description varchar(1000),
        CONSTRAINT teams_pkey PRIMARY KEY (id)
      )`);
    await q.query(`CREATE UNIQUE INDEX teams_name_lower_key ON platform.teams (lower(name)) WHERE deleted_at IS NULL`);

    await q.query(`
      CREATE TABLE platform.team_members (
        team_id uuid NOT NULL,
        user_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT team_members_pkey PRIMARY KEY (team_id, user_id),
        CONSTRAINT team_members_team_fkey FOREIGN KEY (team_id) REFERENCES platform.teams (id) ON DELETE CASCADE,
        CONSTRAINT team_members_user_fkey FOREIGN KEY (user_id) REFERENCES platform.users (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX team_members_user_idx ON platform.team_members (user_id)`);

    await q.query(`
      CREATE TABLE platform.refresh_tokens (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        user_id uuid NOT NULL,
        family_id uuid NOT NULL,
        token_hash varchar(64) NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        replaced_by uuid,
        CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id),
        CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash),
        CONSTRAINT refresh_tokens_user_fkey FOREIGN KEY (user_id) REFERENCES platform.users (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON platform.refresh_tokens (family_id)`);
    await q.query(`CREATE INDEX refresh_tokens_user_idx ON platform.refresh_tokens (user_id)`);
    await q.query(`CREATE INDEX refresh_tokens_expires_idx ON platform.refresh_tokens (expires_at)`);

    await q.query(`
      CREATE TABLE platform.api_keys (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        name varchar(200) NOT NULL,
        key_prefix varchar(16) NOT NULL,
        key_hash varchar(64) NOT NULL,
        role_id uuid NOT NULL,
        created_by uuid NOT NULL,
        last_used_at timestamptz,
        revoked_at timestamptz,
        expires_at timestamptz,
        CONSTRAINT api_keys_pkey PRIMARY KEY (id),
        CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash),
        CONSTRAINT api_keys_role_fkey FOREIGN KEY (role_id) REFERENCES platform.roles (id) ON DELETE RESTRICT,
        CONSTRAINT api_keys_created_by_fkey FOREIGN KEY (created_by) REFERENCES platform.users (id) ON DELETE RESTRICT
      )`);
    await q.query(`CREATE INDEX api_keys_created_idx ON platform.api_keys (created_at, id)`);
    await q.query(`CREATE INDEX api_keys_created_by_idx ON platform.api_keys (created_by)`);

    for (const role of BUILT_IN) {
      await q.query(
        `INSERT INTO platform.roles (id, name, description, permissions, built_in) VALUES (gen_random_uuid(), $1, $2, $3::jsonb, true)`,
        [role.name, role.description, JSON.stringify(clean(role.permissions))],
      );
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS platform.api_keys`);
    await q.query(`DROP TABLE IF EXISTS platform.refresh_tokens`);
    await q.query(`DROP TABLE IF EXISTS platform.team_members`);
    await q.query(`DROP TABLE IF EXISTS platform.teams`);
    await q.query(`DROP TABLE IF EXISTS platform.users`);
    await q.query(`DROP TABLE IF EXISTS platform.roles`);
  }
}
