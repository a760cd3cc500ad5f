import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * contacts.company_merges: one row per merge of companies, with the very columns of
 * contacts.contact_merges (full snapshots of the records before the merge, the receipt of what
 * moved — activities, timeline entries, contacts' links, subsidiaries — and the undo), so both
 * kinds of merge share one entity shape. Its own key and index names.
 */
export class ContactsCompanyMerges1764300032000 implements MigrationInterface {
  name = 'ContactsCompanyMerges1764300032000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE contacts.company_merges (LIKE contacts.contact_merges INCLUDING DEFAULTS)`);
    await q.query(`ALTER TABLE contacts.company_merges ADD CONSTRAINT company_merges_pkey PRIMARY KEY (id)`);
    await q.query(`CREATE INDEX company_merges_primary_idx ON contacts.company_merges (primary_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE contacts.company_merges`);
  }
}
