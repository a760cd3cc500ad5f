import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The words of contacts' names (normalized as the search normalizes them), for `q`'s typos that
 * trigrams miss: a transposed, dropped, doubled or replaced letter in a short name ("Jonh",
 * "Smtih", "Dubios") leaves too few trigrams in common with the name. A query word that is not a
 * name word is also matched against the name words one edit away (contacts.name_typo_pattern).
 *
 * Kept by statement-level triggers over every write of contacts (API, import, merge, erasure),
 * one set-based insert per statement. No unique constraint: two transactions adding the same
 * new word never wait for each other, and a word stored twice is read once. Words are only
 * added here; an erasure removes the person's words no other contact has (ContactRepository).
 */
export class ContactsNameWords1764300076000 implements MigrationInterface {
  name = 'ContactsNameWords1764300076000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE contacts.name_words (word text NOT NULL)`);
    await q.query(`CREATE INDEX name_words_word_idx ON contacts.name_words (word)`);

    // A contact's name words: what the name search (contacts_full_name_trgm) reads, split on blanks.
    await q.query(`
      CREATE FUNCTION contacts.name_words_of(first_name text, last_name text) RETURNS SETOF text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT w FROM regexp_split_to_table(contacts.search_norm(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), '\\s+') w WHERE length(w) >= 2 $$`);

    // The words of the statement's names: each distinct first or last name normalized once (the
    // words of "first last" are those of each), the words not stored yet added.
    await q.query(`
      CREATE FUNCTION contacts.add_name_words_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO contacts.name_words (word)
        SELECT DISTINCT w FROM (SELECT first_name AS name FROM new_rows UNION SELECT last_name FROM new_rows) n
               CROSS JOIN LATERAL regexp_split_to_table(contacts.search_norm(n.name), '\\s+') w
         WHERE length(w) >= 2 AND NOT EXISTS (SELECT 1 FROM contacts.name_words x WHERE x.word = w);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION contacts.add_name_words_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO contacts.name_words (word)
        SELECT DISTINCT w FROM (SELECT r.first_name AS name FROM new_rows r JOIN old_rows o ON o.id = r.id WHERE r.first_name IS DISTINCT FROM o.first_name
                                UNION SELECT r.last_name FROM new_rows r JOIN old_rows o ON o.id = r.id WHERE r.last_name IS DISTINCT FROM o.last_name) n
               CROSS JOIN LATERAL regexp_split_to_table(contacts.search_norm(n.name), '\\s+') w
         WHERE length(w) >= 2 AND NOT EXISTS (SELECT 1 FROM contacts.name_words x WHERE x.word = w);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER contacts_name_words_insert AFTER INSERT ON contacts.contacts
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contacts.add_name_words_inserted()`);
    await q.query(`
      CREATE TRIGGER contacts_name_words_update AFTER UPDATE ON contacts.contacts
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contacts.add_name_words_updated()`);

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

    // For a normalized query word of four letters or more that is no name word: a regular
    // expression matching the name words one edit away (at most 8), or NULL (nothing to add).
    await q.query(`
      CREATE FUNCTION contacts.name_typo_pattern(word text) RETURNS text
      LANGUAGE sql STABLE STRICT PARALLEL SAFE
      AS $$
        SELECT '(' || string_agg(regexp_replace(c.word, '([^[:alnum:]])', '\\\\\\1', 'g'), '|') || ')'
          FROM (SELECT DISTINCT n.word FROM contacts.name_words n
                 WHERE length($1) >= 4 AND n.word = ANY(contacts.one_edit_from($1))
                   AND NOT EXISTS (SELECT 1 FROM contacts.name_words e WHERE e.word = $1)
                 ORDER BY n.word LIMIT 8) c
      $$`);

    await q.query(`INSERT INTO contacts.name_words (word) SELECT DISTINCT w FROM contacts.contacts c CROSS JOIN LATERAL contacts.name_words_of(c.first_name, c.last_name) w`);
    await q.query(`ANALYZE contacts.name_words`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS contacts_name_words_update ON contacts.contacts`);
    await q.query(`DROP TRIGGER IF EXISTS contacts_name_words_insert ON contacts.contacts`);
    await q.query(`DROP FUNCTION IF EXISTS contacts.name_typo_pattern(text)`);
    await q.query(`DROP FUNCTION IF EXISTS contacts.one_edit_from(text)`);
    await q.query(`DROP FUNCTION IF EXISTS contacts.add_name_words_updated()`);
    await q.query(`DROP FUNCTION IF EXISTS contacts.add_name_words_inserted()`);
    await q.query(`DROP FUNCTION IF EXISTS contacts.name_words_of(text, text)`);
    await q.query(`DROP TABLE IF EXISTS contacts.name_words`);
  }
}
