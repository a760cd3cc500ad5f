import { MigrationInterface, QueryRunner } from 'typeorm';

/** Any write to custom field definitions bumps the `custom-fields` cache version (see platform.cache_versions). */
export class ContactsCustomFieldsCacheVersion1764300061000 implements MigrationInterface {
  name = 'ContactsCustomFieldsCacheVersion1764300061000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`INSERT INTO platform.cache_versions (name) VALUES ('custom-fields') ON CONFLICT (name) DO NOTHING`);
    await q.query(`
      CREATE TRIGGER custom_field_definitions_cache_version
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON contacts.custom_field_definitions
        FOR EACH STATEMENT EXECUTE FUNCTION platform.bump_cache_version('custom-fields')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS custom_field_definitions_cache_version ON contacts.custom_field_definitions`);
    await q.query(`DELETE FROM platform.cache_versions WHERE name = 'custom-fields'`);
  }
}
