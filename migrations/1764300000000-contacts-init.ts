import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contacts module's schema: people, companies and the definitions of their custom fields.
 * Free-text search runs on pg_trgm over an app-maintained `search_text`, normalized by an
 * IMMUTABLE wrapper of unaccent (unaccent itself is only STABLE, so it cannot be indexed).
 */
export class ContactsInit1764300000000 implements MigrationInterface {
  name = 'ContactsInit1764300000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(`CREATE SCHEMA IF NOT EXISTS contacts`);
    await q.query(`
      CREATE FUNCTION contacts.search_norm(value text) RETURNS text
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$`);

    await q.query(`
      CREATE TABLE contacts.custom_field_definitions (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        deleted_at timestamptz,
        entity varchar(16) NOT NULL,
        key varchar(50) NOT NULL,
        label varchar(100) NOT NULL,
        type varchar(16) NOT NULL,
        required boolean NOT NULL DEFAULT false,
        options text[] NOT NULL DEFAULT '{}',
        description varchar(500),
        CONSTRAINT custom_field_definitions_pkey PRIMARY KEY (id)
      )`);
    // A deleted definition keeps its key: its values stay in the records, typed as it said.
    await q.query(`CREATE UNIQUE INDEX custom_field_definitions_entity_key_uq ON contacts.custom_field_definitions (entity, key)`);

    await q.query(`
      CREATE TABLE contacts.companies (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        deleted_at timestamptz,
        owner_id uuid,
        team_id uuid,
        name varchar(200) NOT NULL,
        domains text[] NOT NULL DEFAULT '{}',
        industry varchar(100),
        employees integer,
        annual_revenue_amount numeric,
        annual_revenue_currency character(3),
        street varchar(200),
        city varchar(100),
        region varchar(100),
        postal_code varchar(20),
        country character(2),
        parent_company_id uuid,
        tags text[] NOT NULL DEFAULT '{}',
        custom_fields jsonb NOT NULL DEFAULT '{}',
        search_text text NOT NULL DEFAULT '',
        CONSTRAINT companies_pkey PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX companies_created_idx ON contacts.companies (created_at, id)`);
    await q.query(`CREATE INDEX companies_name_idx ON contacts.companies (name, id)`);
    await q.query(`CREATE INDEX companies_city_idx ON contacts.companies (city, created_at, id)`);
    await q.query(`CREATE INDEX companies_owner_idx ON contacts.companies (owner_id)`);
    await q.query(`CREATE INDEX companies_team_idx ON contacts.companies (team_id)`);
    await q.query(`CREATE INDEX companies_parent_idx ON contacts.companies (parent_company_id)`);
    await q.query(`CREATE INDEX companies_tags_gin ON contacts.companies USING gin (tags)`);
    await q.query(`CREATE INDEX companies_domains_gin ON contacts.companies USING gin (domains)`);
    await q.query(`CREATE INDEX companies_search_trgm ON contacts.companies USING gin (contacts.search_norm(search_text) gin_trgm_ops)`);

    await q.query(`
      CREATE TABLE contacts.contacts (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        deleted_at timestamptz,
        owner_id uuid,
        team_id uuid,
        first_name varchar(100),
        last_name varchar(100),
        emails jsonb NOT NULL DEFAULT '[]',
        phones jsonb NOT NULL DEFAULT '[]',
        primary_email varchar(320),
        primary_phone varchar(32),
        email_keys text[] NOT NULL DEFAULT '{}',
        phone_keys text[] NOT NULL DEFAULT '{}',
        job_title varchar(200),
        street varchar(200),
        city varchar(100),
        region varchar(100),
        postal_code varchar(20),
        country character(2),
        lifecycle_stage varchar(32),
        source varchar(100),
        tags text[] NOT NULL DEFAULT '{}',
        company_links jsonb NOT NULL DEFAULT '[]',
        company_ids text[] NOT NULL DEFAULT '{}',
        custom_fields jsonb NOT NULL DEFAULT '{}',
        search_text text NOT NULL DEFAULT '',
        CONSTRAINT contacts_pkey PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX contacts_created_idx ON contacts.contacts (created_at, id)`);
    await q.query(`CREATE INDEX contacts_last_name_idx ON contacts.contacts (last_name, id)`);
    await q.query(`CREATE INDEX contacts_city_idx ON contacts.contacts (city, created_at, id)`);
    await q.query(`CREATE INDEX contacts_primary_email_idx ON contacts.contacts (primary_email)`);
    await q.query(`CREATE INDEX contacts_owner_idx ON contacts.contacts (owner_id)`);
    await q.query(`CREATE INDEX contacts_team_idx ON contacts.contacts (team_id)`);
    await q.query(`CREATE INDEX contacts_email_keys_gin ON contacts.contacts USING gin (email_keys)`);
    await q.query(`CREATE INDEX contacts_phone_keys_gin ON contacts.contacts USING gin (phone_keys)`);
    await q.query(`CREATE INDEX contacts_tags_gin ON contacts.contacts USING gin (tags)`);
    await q.query(`CREATE INDEX contacts_company_ids_gin ON contacts.contacts USING gin (company_ids)`);
    await q.query(`CREATE INDEX contacts_search_trgm ON contacts.contacts USING gin (contacts.search_norm(search_text) gin_trgm_ops)`);
    await q.query(
      `CREATE INDEX contacts_full_name_trgm ON contacts.contacts USING gin (contacts.search_norm(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) gin_trgm_ops)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS contacts.contacts`);
    await q.query(`DROP TABLE IF EXISTS contacts.companies`);
    await q.query(`DROP TABLE IF EXISTS contacts.custom_field_definitions`);
    await q.query(`DROP FUNCTION IF EXISTS contacts.search_norm(text)`);
    await q.query(`DROP SCHEMA IF EXISTS contacts`);
    // The extensions stay: other schemas may use them, and dropping one is not ours to decide.
  }
}
