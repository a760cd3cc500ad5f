import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The words of contacts' and companies' names (normalized as the search normalizes them), for
 * `q`'s typos that trigrams miss: a transposed, dropped, doubled or replaced letter in a short
 * name ("Jonh", "Smtih", "Amce") leaves too few trigrams in common with the name. A query word
 * that is no name word is also matched against the name words one edit away
 * (contacts.name_typo_pattern).
 *
 * Kept by statement-level triggers over every write (API, import, merge, erasure), one
 * set-based insert per statement, from each distinct name of the statement normalized once. No
 * unique constraint: two transactions adding the same new word never wait for each other, and a
 * word stored twice is read once. Words are only added here; an erasure removes the person's
 * words no other contact has (ContactRepository), and the nightly housekeeping the words no name
 * holds any more (NameWordsHousekeeping).
 */
export class ContactsNameWords1764300076000 implements MigrationInterface {
  name = 'ContactsNameWords1764300076000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE contacts.name_words (entity text NOT NULL CHECK (entity IN ('contact', 'company')), word text NOT NULL)`);
    await q.query(`CREATE INDEX name_words_word_idx ON contacts.name_words (entity, word)`);

    // The words of one name as the search reads it (a contact's "first last": the words of each).
    await q.query(`
      CREATE FUNCTION contacts.words_of(name text) RETURNS SETOF text
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT w FROM regexp_split_to_table(contacts.search_norm(name), '\\s+') w WHERE length(w) >= 2 $$`);

    await q.query(`
      CREATE FUNCTION contacts.add_contact_name_words() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO contacts.name_words (entity, word)
          SELECT DISTINCT 'contact', w FROM (SELECT first_name AS name FROM new_rows UNION SELECT last_name FROM new_rows) n
                 CROSS JOIN LATERAL contacts.words_of(n.name) w
           WHERE NOT EXISTS (SELECT 1 FROM contacts.name_words x WHERE x.entity = 'contact' AND x.word = w);
        ELSE
          INSERT INTO contacts.name_words (entity, word)
          SELECT DISTINCT 'contact', w FROM (SELECT r.first_name AS name FROM new_rows r JOIN old_rows o ON o.id = r.id WHERE r.first_name IS DISTINCT FROM o.first_name
                                             UNION SELECT r.last_name FROM new_rows r JOIN old_rows o ON o.id = r.id WHERE r.last_name IS DISTINCT FROM o.last_name) n
                 CROSS JOIN LATERAL contacts.words_of(n.name) w
           WHERE NOT EXISTS (SELECT 1 FROM contacts.name_words x WHERE x.entity = 'contact' AND x.word = w);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION contacts.add_company_name_words() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO contacts.name_words (entity, word)
          SELECT DISTINCT 'company', w FROM (SELECT DISTINCT name FROM new_rows) n CROSS JOIN LATERAL contacts.words_of(n.name) w
           WHERE NOT EXISTS (SELECT 1 FROM contacts.name_words x WHERE x.entity = 'company' AND x.word = w);
        ELSE
          INSERT INTO contacts.name_words (entity, word)
          SELECT DISTINCT 'company', w FROM (SELECT DISTINCT r.name FROM new_rows r JOIN old_rows o ON o.id = r.id WHERE r.name IS DISTINCT FROM o.name) n
                 CROSS JOIN LATERAL contacts.words_of(n.name) w
           WHERE NOT EXISTS (SELECT 1 FROM contacts.name_words x WHERE x.entity = 'company' AND x.word = w);
        END IF;
        RETURN NULL;
      END $$`);
    for (const [table, fn] of [
      ['contacts', 'add_contact_name_words'],
      ['companies', 'add_company_name_words'],
    ]) {
      await q.query(`
        CREATE TRIGGER ${table}_name_words_insert AFTER INSERT ON contacts.${table}
          REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contacts.${fn}()`);
      await q.query(`
        CREATE TRIGGER ${table}_name_words_update AFTER UPDATE ON contacts.${table}
          REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contacts.${fn}()`);
    }

    // Every string one edit from a word (a letter dropped, two neighbours swapped, a letter
    // replaced or added; letters a-z and the word's own), the word itself left out.
    await q.query(`
      CREATE FUNCTION contacts.one_edit_from(word text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$
        WITH letters AS (SELECT DISTINCT l FROM regexp_split_to_table('abcdefghijklmnopqrstuvwxyz' || word, '') l),
             pos AS (SELECT generate_series(1, length(word) + 1) AS i)
        SELECT coalesce(array_agg(DISTINCT v), '{}') FROM (
          SELECT overlay(word placing '' from i for 1) AS v FROM pos WHERE i <= length(word)
          UNION ALL SELECT overlay(word placing substr(word, i + 1, 1) || substr(word, i, 1) from i for 2) FROM pos WHERE i < length(word)
          UNION ALL SELECT overlay(word placing l from i for 1) FROM pos, letters WHERE i <= length(word)
          UNION ALL SELECT overlay(word placing l from i for 0) FROM pos, letters
        ) edits WHERE v <> word
      $$`);

    // For a normalized query word of four letters or more that is no name word of the entity: a
    // regular expression matching the entity's name words one edit away (at most 8), or NULL.
    await q.query(`
      CREATE FUNCTION contacts.name_typo_pattern(entity text, word text) RETURNS text
      LANGUAGE sql STABLE STRICT PARALLEL SAFE
      AS $$
        SELECT '(' || string_agg(regexp_replace(c.word, '([^[:alnum:]])', '\\\\\\1', 'g'), '|') || ')'
          FROM (SELECT DISTINCT n.word FROM contacts.name_words n
                 WHERE length($2) >= 4 AND n.entity = $1 AND n.word = ANY(contacts.one_edit_from($2))
                   AND NOT EXISTS (SELECT 1 FROM contacts.name_words e WHERE e.entity = $1 AND e.word = $2)
                 ORDER BY n.word LIMIT 8) c
      $$`);

    await q.query(`
      INSERT INTO contacts.name_words (entity, word)
      SELECT DISTINCT 'contact', w FROM (SELECT first_name AS name FROM contacts.contacts UNION SELECT last_name FROM contacts.contacts) n CROSS JOIN LATERAL contacts.words_of(n.name) w
      UNION ALL
      SELECT DISTINCT 'company', w FROM (SELECT DISTINCT name FROM contacts.companies) n CROSS JOIN LATERAL contacts.words_of(n.name) w`);
    await q.query(`ANALYZE contacts.name_words`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of ['contacts', 'companies']) {
      await q.query(`DROP TRIGGER IF EXISTS ${table}_name_words_update ON contacts.${table}`);
      await q.query(`DROP TRIGGER IF EXISTS ${table}_name_words_insert ON contacts.${table}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS contacts.name_typo_pattern(text, text)`);
    await q.query(`DROP FUNCTION IF EXISTS contacts.one_edit_from(text)`);
    await q.query(`DROP FUNCTION IF EXISTS contacts.add_company_name_words()`);
    await q.query(`DROP FUNCTION IF EXISTS contacts.add_contact_name_words()`);
    await q.query(`DROP FUNCTION IF EXISTS contacts.words_of(text)`);
    await q.query(`DROP TABLE IF EXISTS contacts.name_words`);
  }
}
