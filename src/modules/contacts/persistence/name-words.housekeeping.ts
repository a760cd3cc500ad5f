import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HousekeepingTask, HousekeepingTaskHandler } from '../../../platform/queue/housekeeping.job';

/**
 * Contacts written this long before the pass started have their words put back after it: a
 * contact saved while the pass ran, with a word the pass did not see used yet, keeps its word.
 */
const WRITES_RECHECKED = '15 minutes';

/**
 * Nightly: removes the name words `q` reads for typos (contacts.name_words, migration
 * 1764300076000) that no contact's name holds any more: names of reverted imports, names
 * changed since, duplicates stored twice by two writers at once. (An erasure removes the
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
         SELECT DISTINCT w FROM (SELECT first_name AS name FROM contacts.contacts UNION SELECT last_name FROM contacts.contacts) n
                CROSS JOIN LATERAL regexp_split_to_table(contacts.search_norm(n.name), '\\s+') w WHERE length(w) >= 2),
       kept AS (SELECT DISTINCT ON (word) ctid FROM contacts.name_words x WHERE EXISTS (SELECT 1 FROM used WHERE used.w = x.word) ORDER BY word, ctid)
       DELETE FROM contacts.name_words x WHERE x.ctid NOT IN (SELECT ctid FROM kept)`,
    );
    await this.dataSource.query(
      `INSERT INTO contacts.name_words (word)
       SELECT DISTINCT w FROM contacts.contacts c CROSS JOIN LATERAL contacts.name_words_of(c.first_name, c.last_name) w
        WHERE c.updated_at >= $1::timestamptz - $2::interval AND NOT EXISTS (SELECT 1 FROM contacts.name_words x WHERE x.word = w)`,
      [started, WRITES_RECHECKED],
    );
    return removed;
  }
}
