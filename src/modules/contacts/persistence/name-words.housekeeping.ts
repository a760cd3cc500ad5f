import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HousekeepingTask, HousekeepingTaskHandler } from '../../../platform/queue/housekeeping.job';

/**
 * Records written this long before the pass started have their words put back after it: a
 * record saved while the pass ran, with a word the pass did not see used yet, keeps its word.
 */
const WRITES_RECHECKED = '15 minutes';

/**
 * Nightly: removes the name words `q` reads for typos (contacts.name_words, migration
 * 1764300076000) that no contact's or company's name holds any more: names of reverted
 * imports, names changed since, duplicates stored twice by two writers at once. (An erasure removes the
 * person's words at once: ContactRepository.forgetNameWords.)
 */
@Injectable()
@HousekeepingTask()
export class NameWordsHousekeeping implements HousekeepingTaskHandler {
  readonly name = 'contacts.nameWords';

  constructor(private readonly dataSource: DataSource) {}

  async run(): Promise<number> {
    const [{ started }]: { started: Date }[] = await this.dataSource.query(`SELECT now() AS started`);
    const [, removed]: [unknown, number] = await this.dataSource.query(
      `WITH used AS MATERIALIZED (
         SELECT DISTINCT 'contact' AS entity, w FROM (SELECT first_name AS name FROM contacts.contacts UNION SELECT last_name FROM contacts.contacts) n
                CROSS JOIN LATERAL contacts.words_of(n.name) w
         UNION ALL
         SELECT DISTINCT 'company', w FROM (SELECT DISTINCT name FROM contacts.companies) n CROSS JOIN LATERAL contacts.words_of(n.name) w),
       kept AS (SELECT DISTINCT ON (entity, word) ctid FROM contacts.name_words x
                 WHERE EXISTS (SELECT 1 FROM used WHERE used.entity = x.entity AND used.w = x.word) ORDER BY entity, word, ctid)
       DELETE FROM contacts.name_words x WHERE x.ctid NOT IN (SELECT ctid FROM kept)`,
    );
    await this.dataSource.query(
      `INSERT INTO contacts.name_words (entity, word)
       SELECT DISTINCT r.entity, w FROM (
                SELECT 'contact' AS entity, first_name AS name FROM contacts.contacts WHERE updated_at >= $1::timestamptz - $2::interval
          UNION SELECT 'contact', last_name FROM contacts.contacts WHERE updated_at >= $1::timestamptz - $2::interval
          UNION SELECT 'company', name FROM contacts.companies WHERE updated_at >= $1::timestamptz - $2::interval) r
              CROSS JOIN LATERAL contacts.words_of(r.name) w
        WHERE NOT EXISTS (SELECT 1 FROM contacts.name_words x WHERE x.entity = r.entity AND x.word = w)`,
      [started, WRITES_RECHECKED],
    );
    return removed;
  }
}
