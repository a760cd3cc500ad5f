import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * contacts.contact_merges.erased_at: when a person the merge joined was erased. Such a merge is
 * never undone (409 MERGE_ERASED): it would split a person whose data is gone.
 */
export class ContactsMergesErased1764300063000 implements MigrationInterface {
  name = 'ContactsMergesErased1764300063000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contacts.contact_merges ADD COLUMN erased_at timestamptz`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contacts.contact_merges DROP COLUMN erased_at`);
  }
}
