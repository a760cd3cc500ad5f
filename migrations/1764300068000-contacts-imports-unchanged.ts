import { MigrationInterface, QueryRunner } from 'typeorm';

/** An import counts the matched rows that changed nothing apart from those it updated. */
export class ContactsImportsUnchanged1764300068000 implements MigrationInterface {
  name = 'ContactsImportsUnchanged1764300068000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contacts.imports ADD COLUMN unchanged integer NOT NULL DEFAULT 0`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contacts.imports DROP COLUMN unchanged`);
  }
}
