import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person's personal-data export and erasure look up the imports that touched one record
 * (contacts.import_changes by record_id); the primary key leads with the import, so each lookup
 * read the whole receipt of every import (a million rows per large import).
 */
export class ContactsImportChangesByRecord1764300062000 implements MigrationInterface {
  name = 'ContactsImportChangesByRecord1764300062000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX import_changes_record_idx ON contacts.import_changes (record_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS contacts.import_changes_record_idx`);
  }
}
