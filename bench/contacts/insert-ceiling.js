#!/usr/bin/env node
'use strict';
// What Postgres alone can take: the fastest an import could ever write contacts on this machine.
//
//   node bench/contacts/insert-ceiling.js            (after the contacts data set exists)
//
// In a copy of the data set (CREATE DATABASE … TEMPLATE crm_bench_contacts, dropped afterwards),
// inserts contacts that are copies of stored ones (new ids, emails and search text, no external
// id) with one bare `INSERT INTO contacts.contacts SELECT * FROM <temporary table>` per backend,
// in a transaction that is rolled back: no CSV, no mapping, no staging, no matching, no
// duplicate check, no audit entry, no revert receipt. Measured with every index of the table, by
// one backend and by two at once (as many as the machine has cores), then on one backend with
// groups of indexes dropped inside the transaction, to show what each group costs per row.
// BENCH_CEILING_ROWS (20,000) rows per backend and measure, BENCH_CEILING_ROUNDS (3): the
// median round. Called by run.js after the import (BENCH_SKIP=ceiling leaves it out).
const { Client } = require('pg');
const { dbUrl, withClient } = require('./dataset');
const { log } = require('../harness');

const ROWS = Number(process.env.BENCH_CEILING_ROWS || 20_000);
const ROUNDS = Math.min(Number(process.env.BENCH_CEILING_ROUNDS || 3), 10);

const TRIGRAM = ['contacts_search_trgm', 'contacts_full_name_trgm'];
const OTHER_GIN = ['contacts_email_keys_gin', 'contacts_phone_keys_gin', 'contacts_tags_gin', 'contacts_company_ids_gin'];
const BTREE = ['contacts_created_idx', 'contacts_last_name_idx', 'contacts_city_idx', 'contacts_primary_email_idx', 'contacts_owner_idx', 'contacts_team_idx', 'contacts_external_id_uq'];

/** The index sets measured on one backend: label, indexes dropped in the transaction. */
const VARIANTS = [
  ['every index (14)', []],
  ['without the two trigram indexes (search)', TRIGRAM],
  ['without any GIN index', [...TRIGRAM, ...OTHER_GIN]],
  ['heap and primary key only', [...TRIGRAM, ...OTHER_GIN, ...BTREE]],
];

/** A backend holding ROWS rows to insert (rows `offset` … of the data set, copied), in an open transaction with `dropped` dropped. */
async function prepareBackend(url, offset, dropped) {
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query('SET jit = off');
  await c.query(`CREATE TEMP TABLE src AS SELECT * FROM contacts.contacts ORDER BY id LIMIT ${ROWS} OFFSET ${offset}`);
  await c.query(
    `UPDATE src SET id = gen_random_uuid(), external_id = NULL, search_text = 'c' || search_text, primary_email = 'c' || primary_email,
            email_keys = ARRAY(SELECT 'c' || k FROM unnest(email_keys) k)`,
  );
  await c.query('BEGIN');
  for (const index of dropped) await c.query(`DROP INDEX contacts.${index}`);
  return c;
}

/** Inserts the prepared rows on every backend at once, rolls back: the wall time in µs. */
async function insertAll(backends) {
  try {
    const t0 = process.hrtime.bigint();
    await Promise.all(backends.map((c) => c.query('INSERT INTO contacts.contacts SELECT * FROM src')));
    return Number(process.hrtime.bigint() - t0) / 1e3;
  } finally {
    await Promise.all(backends.map((c) => c.query('ROLLBACK').finally(() => c.end())));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs the measures in a copy of `template`; returns { rows, oneBackend, twoBackends, byIndexes }. */
async function insertCeiling({ adminUrl, template }) {
  const name = `${template}_ceiling`;
  await withClient(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  });
  const url = dbUrl(adminUrl, name);
  let offset = 0;
  const next = () => (offset += ROWS);
  try {
    const byIndexes = [];
    for (const [label, dropped] of VARIANTS) {
      const rounds = [];
      for (let r = 0; r < ROUNDS; r++) rounds.push((await insertAll([await prepareBackend(url, next(), dropped)])) / ROWS);
      const usPerRow = median(rounds);
      byIndexes.push({ indexes: label, usPerRow: Math.round(usPerRow), rowsPerS: Math.round(1e6 / usPerRow) });
      log(`  insert ceiling, ${label}: ${Math.round(usPerRow)} µs per row, ${Math.round(1e6 / usPerRow)} rows/s (one backend)`);
    }
    const pairs = [];
    for (let r = 0; r < ROUNDS; r++) pairs.push(await insertAll([await prepareBackend(url, next(), []), await prepareBackend(url, next(), [])]));
    const twoBackends = Math.round((2 * ROWS * 1e6) / median(pairs));
    log(`  insert ceiling, every index, two backends at once: ${twoBackends} rows/s together`);
    return { rows: ROWS, rounds: ROUNDS, oneBackend: byIndexes[0].rowsPerS, twoBackends, byIndexes };
  } finally {
    await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => undefined);
  }
}

module.exports = { insertCeiling };

if (require.main === module) {
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  insertCeiling({ adminUrl, template: 'crm_bench_contacts' })
    .then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`))
    .catch((err) => {
      process.stderr.write(`${err.stack ?? err}\n`);
      process.exit(1);
    });
}
