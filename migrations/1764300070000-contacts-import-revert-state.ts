import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A revert puts back only what an import changed and only where the record still holds what the
 * import wrote: contacts.import_changes keeps, beside the before-image, `after`, the columns the
 * import changed with the values it wrote and a fingerprint of the record as the import left it
 * (nullable: receipts from before have none, and a revert falls back to the record's `updated_at`
 * and `version`). contacts.imports counts a revert's progress as its
 * slices commit, so a revert resumed after a crash reports what every attempt did.
 */
export class ContactsImportRevertState1764300070000 implements MigrationInterface {
  name = 'ContactsImportRevertState1764300070000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contacts.import_changes ADD COLUMN after jsonb`);
    await q.query(`ALTER TABLE contacts.imports ADD COLUMN reverted_count integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE contacts.imports ADD COLUMN revert_conflicts integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE contacts.imports ADD COLUMN revert_created_kept integer NOT NULL DEFAULT 0`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contacts.imports DROP COLUMN revert_created_kept`);
    await q.query(`ALTER TABLE contacts.imports DROP COLUMN revert_conflicts`);
    await q.query(`ALTER TABLE contacts.imports DROP COLUMN reverted_count`);
    await q.query(`ALTER TABLE contacts.import_changes DROP COLUMN after`);
  }
}
