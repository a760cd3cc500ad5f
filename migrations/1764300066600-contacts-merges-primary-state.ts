import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * contacts.contact_merges and contacts.company_merges keep a fingerprint of what an undo puts
 * back on the primary, as the merge left it: an undo is allowed while the primary is in that
 * state again (a later merge into it undone since), not only while its version is unchanged.
 * Nullable: merges from before have none, and keep the version rule.
 */
export class ContactsMergesPrimaryState1764300066600 implements MigrationInterface {
  name = 'ContactsMergesPrimaryState1764300066600';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contacts.contact_merges ADD COLUMN primary_state character varying(64)`);
    await q.query(`ALTER TABLE contacts.company_merges ADD COLUMN primary_state character varying(64)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contacts.company_merges DROP COLUMN primary_state`);
    await q.query(`ALTER TABLE contacts.contact_merges DROP COLUMN primary_state`);
  }
}
