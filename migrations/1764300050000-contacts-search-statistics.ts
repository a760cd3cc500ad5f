import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finer statistics on the name trigram expressions that `q` tolerates typos with. With the
 * default sample, the planner's guess of how many rows a `%>` matches is often 1% of the table
 * whatever the words: a rare name then looks common, and the planner walks the whole
 * created_at index filtering row by row (seconds at a million contacts) instead of reading the
 * few matches from the trigram index. A 1,000-entry histogram of the expression makes the
 * estimate follow the actual count.
 */
export class ContactsSearchStatistics1764300050000 implements MigrationInterface {
  name = 'ContactsSearchStatistics1764300050000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX contacts.contacts_full_name_trgm ALTER COLUMN 1 SET STATISTICS 1000`);
    await q.query(`ALTER INDEX contacts.companies_search_trgm ALTER COLUMN 1 SET STATISTICS 1000`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX contacts.companies_search_trgm ALTER COLUMN 1 SET STATISTICS -1`);
    await q.query(`ALTER INDEX contacts.contacts_full_name_trgm ALTER COLUMN 1 SET STATISTICS -1`);
  }
}
