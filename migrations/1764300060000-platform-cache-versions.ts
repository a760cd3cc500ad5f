import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * platform.cache_versions: a counter per kind of cached reference data (custom field
 * definitions, …), bumped by a statement-level trigger on the tables that hold it, whoever
 * writes them (the API, the CLI, plain SQL). The caller's actor query reads every counter in the
 * same round trip, so a request knows whether a process-local copy is still current
 * (platform/database/cache-versions.ts) without a query of its own.
 */
export class PlatformCacheVersions1764300060000 implements MigrationInterface {
  name = 'PlatformCacheVersions1764300060000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform.cache_versions (
        name character varying(100) NOT NULL,
        version bigint NOT NULL DEFAULT 1,
        CONSTRAINT cache_versions_pkey PRIMARY KEY (name)
      )`);
    await q.query(`
      CREATE FUNCTION platform.bump_cache_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO platform.cache_versions AS v (name) VALUES (TG_ARGV[0])
        ON CONFLICT (name) DO UPDATE SET version = v.version + 1;
        RETURN NULL;
      END $$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS platform.bump_cache_version()`);
    await q.query(`DROP TABLE IF EXISTS platform.cache_versions`);
  }
}
