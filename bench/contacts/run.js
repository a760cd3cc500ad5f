#!/usr/bin/env node
/* global fetch, FormData */
'use strict';
// `npm run bench` (second part), or `node bench/contacts/run.js [--regenerate]`: the contacts
// figures of issue 3 on 1,000,000 contacts and 100,000 companies (bench/contacts/generate.js).
//   - list filtered by city, first page and page 10,000 (reached by following cursors), as an
//     admin and (first page) as a team-scoped sales user, against bench/contacts/reference-server.js
//     running the same statement: alternating autocannon rounds, median of each side;
//   - `q` with a typo, one client: p50/p95/p99 over sequential requests;
//   - CSV export of every contact: rows/s;
//   - CSV import of 1,000,000 rows through POST /api/v1/imports (dryRun=false): rows/s end to end
//     and the worker's peak RSS; skipped, saying why, while the API answers dry runs only;
//   - the insert ceiling (bench/contacts/insert-ceiling.js): how fast bare INSERTs of contacts
//     into the table with its indexes run on this machine, whatever the importer does.
// Needs `npm run build` (or BENCH_DIST, a directory holding a build), Postgres (BENCH_DATABASE_URL,
// an admin connection) and Redis (BENCH_REDIS_URL). The database crm_bench_contacts is kept between
// runs and reused when its data set matches (--regenerate, or BENCH_REGENERATE=1, builds it again).
// BENCH_ROUNDS (3), BENCH_DURATION (10 s, at most 60), BENCH_CONNECTIONS (10), BENCH_CONTACTS
// (1,000,000), BENCH_COMPANIES (100,000), BENCH_SEARCHES (300), BENCH_EXPORT_ROUNDS (3), BENCH_IMPORT_ROWS (1,000,000),
// BENCH_SKIP (comma-separated: list, search, export, import, ceiling), BENCH_DEEP_PAGE (10,000).
// Writes bench/out/contacts.json and prints a Markdown table.
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { prepare, setPasswords, crmRunner, dbUrl, withClient } = require('./dataset');
const { IMPORT_MAPPING, writeImportCsv, peakRssMb } = require('./import-csv');
const { insertCeiling } = require('./insert-ceiling');
const { sleep, log, load1, start, stop, waitFor, loadRound, median } = require('../harness');

const ROOT = path.resolve(__dirname, '../..');
const DIST = path.resolve(process.env.BENCH_DIST || path.join(ROOT, 'dist'));
const ADMIN_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL || process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const DURATION = Math.min(Number(process.env.BENCH_DURATION || 10), 60);
const CONNECTIONS = Math.min(Number(process.env.BENCH_CONNECTIONS || 10), 100);
const ROUNDS = Math.min(Number(process.env.BENCH_ROUNDS || 3), 10);
const CONTACTS = Number(process.env.BENCH_CONTACTS || 1_000_000);
const COMPANIES = Number(process.env.BENCH_COMPANIES || 100_000);
const SEARCHES = Number(process.env.BENCH_SEARCHES || 300);
const EXPORT_ROUNDS = Math.min(Number(process.env.BENCH_EXPORT_ROUNDS || 3), 10);
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS || 1_000_000);
const SKIP = new Set((process.env.BENCH_SKIP || '').split(',').filter(Boolean));
const REGENERATE = process.argv.includes('--regenerate') || process.env.BENCH_REGENERATE === '1';
const DB_NAME = 'crm_bench_contacts';
const API_PORT = 3291;
const REF_PORT = 3298;
const CITY = 'Lyon';
const LIMIT = 50;
const DEEP_PAGE = Number(process.env.BENCH_DEEP_PAGE || 10_000);
const TARGETS = { ratio: 0.6, searchP95Ms: 50, exportRowsPerS: 100_000, importRowsPerS: 40_000, importRssMb: 300 };

const loads = () => os.loadavg().map((l) => Math.round(l * 100) / 100);

async function getJson(url, headers) {
  const res = await fetch(url, { headers });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${body.slice(0, 300)}`);
  return JSON.parse(body);
}

async function login(base, user) {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) });
  if (res.status !== 200) throw new Error(`login of ${user.email} answered ${res.status}: ${await res.text()}`);
  return { authorization: `Bearer ${(await res.json()).accessToken}` };
}

const cannon = (name, url, headers, duration, pid) => loadRound(name, { url, headers, duration, connections: CONNECTIONS, pid });

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Box and reference take turns (so that load from elsewhere falls on both), median per side. */
async function compare(name, api, reference) {
  for (const [side, [url, headers, pid]] of Object.entries({ api, reference })) await cannon(`${side} ${name} warm-up`, url, headers, 2, pid);
  const runs = { api: [], reference: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const side of round % 2 ? ['api', 'reference'] : ['reference', 'api']) {
      const [url, headers, pid] = side === 'api' ? api : reference;
      runs[side].push(await cannon(`${side} ${name} round ${round}`, url, headers, DURATION, pid));
    }
  }
  const out = { api: median(runs.api), reference: median(runs.reference), rounds: runs };
  out.ratio = Math.round((out.api.rps / out.reference.rps) * 100) / 100;
  return out;
}

/** The values a cursor points after (its payload is readable, only its signature is secret). */
function cursorValues(cursor) {
  return JSON.parse(Buffer.from(cursor.slice(0, cursor.indexOf('.')), 'base64url').toString('utf8')).v;
}

async function listMeasures(api, ref, auth, results, pids) {
  const filter = `filter%5Bcity%5D%5Beq%5D=${encodeURIComponent(CITY)}&limit=${LIMIT}`;
  const first = `${api}/api/v1/contacts?${filter}`;
  const refFirst = `${ref}/contacts?city=${encodeURIComponent(CITY)}&limit=${LIMIT}`;

  // Page 10,000: follow the cursors once, then hammer that page's URL.
  log(`walking to page ${DEEP_PAGE} of ${CITY} (limit ${LIMIT}) by following cursors`);
  const t0 = Date.now();
  let page = await getJson(first, auth.admin);
  const firstIds = page.data.map((c) => c.id);
  let cursor = null;
  for (let n = 2; n <= DEEP_PAGE; n++) {
    cursor = page.page.nextCursor;
    if (!cursor) throw new Error(`${CITY} has only ${n - 1} pages of ${LIMIT}: the data set is too small for page ${DEEP_PAGE}`);
    page = await getJson(`${first}&cursor=${encodeURIComponent(cursor)}`, auth.admin);
    if (n % 2000 === 0) log(`  page ${n} after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  results.walk = { pages: DEEP_PAGE, seconds: Math.round((Date.now() - t0) / 100) / 10 };
  results.walk.pagesPerS = Math.round(DEEP_PAGE / results.walk.seconds);
  const deep = `${first}&cursor=${encodeURIComponent(cursor)}`;
  const after = cursorValues(cursor);
  const refDeep = `${refFirst}&after=${encodeURIComponent(after.join(','))}`;
  // Same rows on both sides, or the comparison is void.
  const refPage = await getJson(refDeep, {});
  if (refPage.data.map((c) => c.id).join() !== page.data.map((c) => c.id).join()) throw new Error('reference page 10,000 differs from the box\'s');
  const refFirstPage = await getJson(refFirst, {});
  if (refFirstPage.data.map((c) => c.id).join() !== firstIds.join()) throw new Error('reference first page differs from the box\'s');
  log(`  page ${DEEP_PAGE} reached in ${results.walk.seconds} s (${results.walk.pagesPerS} pages/s); it starts after ${after.join(', ')}`);

  // The team-scoped user: the same list, with the scope condition (its team or its own records).
  const me = await getJson(`${api}/api/v1/me`, auth.sales);
  const teamIds = me.teamIds;
  const userId = me.user.id;
  if (!teamIds.length) throw new Error('the team-scoped user has no team');
  const salesFirst = await getJson(first, auth.sales);
  if (salesFirst.data.some((c) => !teamIds?.includes(c.teamId) && c.ownerId !== userId)) throw new Error('the team-scoped user sees contacts outside its team');
  const refTeam = `${refFirst}&teamIds=${encodeURIComponent(teamIds.join(','))}&ownerId=${userId}`;
  const refTeamPage = await getJson(refTeam, {});
  if (refTeamPage.data.map((c) => c.id).join() !== salesFirst.data.map((c) => c.id).join()) throw new Error('reference team page differs from the box\'s');

  log(`under load: ${ROUNDS} alternating rounds of ${DURATION} s per side, ${CONNECTIONS} connections`);
  results.list = {
    first: await compare(`first page (${CITY})`, [first, auth.admin, pids.api], [refFirst, {}, pids.ref]),
    deep: await compare(`page ${DEEP_PAGE} (${CITY})`, [deep, auth.admin, pids.api], [refDeep, {}, pids.ref]),
    teamFirst: await compare(`first page (${CITY}), team-scoped user`, [first, auth.sales, pids.api], [refTeam, {}, pids.ref]),
  };
}

/**
 * What people type when they half remember a name: 20 people of the data set, each name with one
 * typo (a letter dropped, doubled, swapped with the next one, or replaced), half of them with the
 * first name too, a quarter without accents.
 */
async function typoQueries(url) {
  const { rows } = await withClient(url, (c) =>
    c.query(`SELECT id, first_name, last_name FROM contacts.contacts WHERE last_name IS NOT NULL AND length(last_name) >= 6
             ORDER BY md5(id::text) LIMIT 20`),
  );
  const typo = (name, kind) => {
    const at = Math.max(1, name.length - 3);
    if (kind === 0) return name.slice(0, at) + name.slice(at + 1); // dropped
    if (kind === 1) return name.slice(0, at) + name[at] + name.slice(at); // doubled
    if (kind === 2) return name.slice(0, at) + name[at + 1] + name[at] + name.slice(at + 2); // swapped
    return name.slice(0, at) + (name[at] === 'e' ? 'a' : 'e') + name.slice(at + 1); // replaced
  };
  return rows.map((r, i) => {
    const name = typo(r.last_name, i % 4);
    const q = i % 2 ? name : `${r.first_name} ${name}`;
    return { q: i % 4 === 3 ? q.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : q, id: r.id };
  });
}

async function searchMeasure(api, auth, results) {
  const queries = await typoQueries(dbUrl(ADMIN_URL, DB_NAME));
  const url = (q) => `${api}/api/v1/contacts?q=${encodeURIComponent(q)}&limit=${LIMIT}`;
  for (const { q } of queries) await getJson(url(q), auth.admin); // warm-up
  log(`search: ${SEARCHES} sequential requests over ${queries.length} typo'd names, one client (load ${load1()})`);
  const times = [];
  const hits = new Map();
  for (let n = 0; n < SEARCHES; n++) {
    const { q, id } = queries[n % queries.length];
    const t = process.hrtime.bigint();
    const page = await getJson(url(q), auth.admin);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    // How many contacts the first page holds, and whether the person the typo was made on is among them.
    hits.set(q, { results: page.data.length, found: page.data.some((c) => c.id === id) });
  }
  times.sort((a, b) => a - b);
  const r = (x) => Math.round(x * 10) / 10;
  const found = [...hits.values()].filter((h) => h.found).length;
  results.search = { requests: SEARCHES, found: `${found}/${queries.length}`, p50Ms: r(percentile(times, 50)), p95Ms: r(percentile(times, 95)), p99Ms: r(percentile(times, 99)), maxMs: r(times[times.length - 1]), queries: Object.fromEntries(hits), load1: load1() };
  log(`  p50 ${results.search.p50Ms} ms, p95 ${results.search.p95Ms} ms, p99 ${results.search.p99Ms} ms; the person typed is on the first page for ${found} of ${queries.length} names`);
}

async function exportOnce(api, auth) {
  const t = process.hrtime.bigint();
  const res = await fetch(`${api}/api/v1/contacts/export?format=csv`, { headers: auth });
  if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
  let lines = 0;
  let bytes = 0;
  for await (const chunk of res.body) {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  // Quoted values may hold line breaks: the row count comes from the data set, the lines check it.
  return { seconds: Math.round(seconds * 10) / 10, lines, mb: Math.round(bytes / 2 ** 20), load1: load1() };
}

async function exportMeasure(api, auth, results) {
  const { rows } = await withClient(dbUrl(ADMIN_URL, DB_NAME), (c) => c.query('SELECT count(*)::int AS n FROM contacts.contacts WHERE deleted_at IS NULL'));
  const expected = rows[0].n;
  const runs = [];
  for (let round = 1; round <= EXPORT_ROUNDS; round++) {
    const run = await exportOnce(api, auth.admin);
    if (run.lines < expected + 1) throw new Error(`export round ${round}: ${run.lines} lines for ${expected} contacts`);
    run.rowsPerS = Math.round(expected / run.seconds);
    log(`  export round ${round}: ${expected} rows in ${run.seconds} s, ${run.rowsPerS} rows/s, ${run.mb} MB (load ${run.load1})`);
    runs.push(run);
  }
  results.export = { rows: expected, ...median(runs, 'rowsPerS'), rounds: runs };
}

// ---- import ---------------------------------------------------------------------------------

function importForm(file, filename) {
  const form = new FormData();
  form.set('entity', 'contact');
  form.set('mapping', JSON.stringify(IMPORT_MAPPING));
  form.set('mode', 'create');
  form.set('dryRun', 'false');
  form.set('file', file, filename);
  return form;
}

/**
 * The import runs in a copy of the data set (CREATE DATABASE … TEMPLATE), dropped afterwards,
 * with its own api and worker: rows/s from the upload's first byte to status `completed`, and
 * the worker's peak RSS (VmHWM). The emails are new, so every row creates a contact.
 */
async function importMeasure(env, results) {
  const cloneName = `${DB_NAME}_import`;
  const rows = IMPORT_ROWS;
  const file = path.join(os.tmpdir(), `crm-bench-import-${rows}.csv`);
  if (!fs.existsSync(file)) {
    log(`writing ${file} (${rows.toLocaleString('en')} rows)`);
    await writeImportCsv(`${file}.part`, rows);
    fs.renameSync(`${file}.part`, file);
  }
  await withClient(ADMIN_URL, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${cloneName} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${cloneName} TEMPLATE ${DB_NAME}`);
  });
  const cloneEnv = { ...env, DATABASE_URL: dbUrl(ADMIN_URL, cloneName), REDIS_PREFIX: `${env.REDIS_PREFIX}i` };
  const users = await setPasswords(cloneEnv.DATABASE_URL);
  const api = start(path.join(DIST, 'main.js'), ['api'], { ...cloneEnv, PORT: String(API_PORT + 10) });
  const worker = start(path.join(DIST, 'main.js'), ['worker'], { ...cloneEnv, PORT: String(API_PORT + 11) });
  const base = `http://127.0.0.1:${API_PORT + 10}`;
  try {
    await waitFor(`${base}/health/ready`, 60_000);
    const auth = await login(base, users.admin);
    log(`import: ${rows.toLocaleString('en')} rows, ${Math.round(fs.statSync(file).size / 2 ** 20)} MB (load ${load1()})`);
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${base}/api/v1/imports`, { method: 'POST', headers: auth, body: importForm(await fs.openAsBlob(file, { type: 'text/csv' }), path.basename(file)) });
    if (res.status !== 202 || !res.headers.get('location')) {
      // Until the API runs real imports it refuses dryRun=false: say so and measure nothing.
      results.importSkipped = { status: res.status, body: (await res.text()).slice(0, 300) };
      log(`import: SKIPPED: POST /api/v1/imports with dryRun=false answered ${res.status}, not 202 + Location (${results.importSkipped.body})`);
      return;
    }
    const location = new URL(res.headers.get('location'), base).toString();
    let state;
    let peak = 0;
    for (;;) {
      peak = Math.max(peak, peakRssMb(worker.pid) ?? 0);
      state = await getJson(location, auth);
      if (['completed', 'failed', 'cancelled', 'reverted'].includes(state.status)) break;
      await sleep(250);
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    peak = Math.max(peak, peakRssMb(worker.pid) ?? 0);
    if (state.status !== 'completed') throw new Error(`import ended ${state.status}: ${JSON.stringify(state).slice(0, 500)}`);
    const created = state.report?.created ?? state.created;
    results.import = { rows, created, seconds: Math.round(seconds * 10) / 10, rowsPerS: Math.round(rows / seconds), workerPeakRssMb: peak, load1: load1() };
    log(`  ${rows} rows in ${results.import.seconds} s: ${results.import.rowsPerS} rows/s, worker peak RSS ${peak} MB, ${created} created`);
  } finally {
    await Promise.all([stop(api), stop(worker)]);
    await withClient(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${cloneName} WITH (FORCE)`)).catch(() => undefined);
  }
}

// ---- main -----------------------------------------------------------------------------------

async function main() {
  if (!fs.existsSync(path.join(DIST, 'main.js')) || !fs.existsSync(path.join(DIST, 'migrations'))) {
    throw new Error(`${DIST} is missing or incomplete: run \`npm run build\` first.`);
  }
  const results = { at: new Date().toISOString(), loadAtStart: loads() };
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    DATABASE_URL: dbUrl(ADMIN_URL, DB_NAME),
    REDIS_URL,
    REDIS_PREFIX: `crmbenchc${process.pid}`,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    RATE_LIMIT_MAX: '100000000',
  };
  results.dataset = await prepare({ adminUrl: ADMIN_URL, name: DB_NAME, contacts: CONTACTS, companies: COMPANIES, regenerate: REGENERATE, crm: crmRunner(DIST), log });
  const users = await setPasswords(env.DATABASE_URL);

  const api = start(path.join(DIST, 'main.js'), ['api'], { ...env, PORT: String(API_PORT) });
  const ref = start(path.join(__dirname, 'reference-server.js'), [], { ...env, PORT: String(REF_PORT) });
  const base = `http://127.0.0.1:${API_PORT}`;
  const refBase = `http://127.0.0.1:${REF_PORT}`;
  try {
    await waitFor(`${base}/health/ready`, 60_000);
    await waitFor(`${refBase}/health/ready`, 10_000);
    const auth = { admin: await login(base, users.admin), sales: await login(base, users.sales) };
    if (!SKIP.has('list')) await listMeasures(base, refBase, auth, results, { api: api.pid, ref: ref.pid });
    if (!SKIP.has('search')) await searchMeasure(base, auth, results);
    if (!SKIP.has('export')) {
      log(`export: GET /api/v1/contacts/export?format=csv, ${EXPORT_ROUNDS} rounds`);
      await exportMeasure(base, auth, results);
    }
  } finally {
    await Promise.all([stop(api), stop(ref)]);
  }
  if (!SKIP.has('import')) await importMeasure(env, results);
  if (!SKIP.has('ceiling')) {
    log('insert ceiling: bare INSERTs of stored contacts into a copy of the data set (bench/contacts/insert-ceiling.js)');
    results.insertCeiling = await insertCeiling({ adminUrl: ADMIN_URL, template: DB_NAME });
  }

  results.loadAtEnd = loads();
  results.finishedAt = new Date().toISOString();
  results.machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  await withClient(ADMIN_URL, async (c) => (results.machine.postgres = (await c.query('SHOW server_version')).rows[0].server_version));
  results.settings = { durationSeconds: DURATION, rounds: ROUNDS, connections: CONNECTIONS, contacts: CONTACTS, companies: COMPANIES, city: CITY, limit: LIMIT, searches: SEARCHES, exportRounds: EXPORT_ROUNDS, importRows: IMPORT_ROWS };
  fs.mkdirSync(path.join(ROOT, 'bench/out'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench/out/contacts.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${table(results).join('\n')}\n\n`);
  process.stdout.write(
    `${results.machine.cpus} CPUs (${results.machine.cpuModel}), ${results.machine.memoryGb} GB, Node ${results.machine.node}, Postgres ${results.machine.postgres}; ` +
      `${CONNECTIONS} connections, median of ${ROUNDS} alternating ${DURATION} s runs; load average ${results.loadAtStart.join(' ')} at the start, ${results.loadAtEnd.join(' ')} at the end (${results.at} → ${results.finishedAt}).\n`,
  );
}

function table(r) {
  const ok = (pass) => (pass ? 'ok' : 'MISSED');
  const lines = ['| measure | box api | reference | target | |', '| --- | --- | --- | --- | --- |'];
  const cmp = (label, m) =>
    lines.push(`| ${label} | ${m.api.rps} req/s (p99 ${m.api.p99Ms} ms; CPU per request ${m.api.serverCpuUs} µs server, ${m.api.machineCpuUs} µs machine) | ${m.reference.rps} req/s (p99 ${m.reference.p99Ms} ms; ${m.reference.serverCpuUs} / ${m.reference.machineCpuUs} µs) | ≥ ${TARGETS.ratio}x | ${m.ratio}x ${ok(m.ratio >= TARGETS.ratio)} |`);
  if (r.list) {
    cmp(`list, city=${CITY}, first page (admin)`, r.list.first);
    cmp(`list, city=${CITY}, page ${DEEP_PAGE} (admin)`, r.list.deep);
    cmp(`list, city=${CITY}, first page (team-scoped user)`, r.list.teamFirst);
    lines.push(`| walking ${DEEP_PAGE} pages by cursor (one client) | ${r.walk.seconds} s, ${r.walk.pagesPerS} pages/s | | | |`);
  }
  if (r.search) lines.push(`| \`q\` with a typo, one client | p50 ${r.search.p50Ms} ms, p95 ${r.search.p95Ms} ms, p99 ${r.search.p99Ms} ms (person found: ${r.search.found}) | | p95 < ${TARGETS.searchP95Ms} ms | ${ok(r.search.p95Ms < TARGETS.searchP95Ms)} |`);
  if (r.export) lines.push(`| export, ${r.export.rows} contacts as CSV | ${r.export.rowsPerS} rows/s (${r.export.seconds} s) | | ≥ ${TARGETS.exportRowsPerS} rows/s | ${ok(r.export.rowsPerS >= TARGETS.exportRowsPerS)} |`);
  if (r.import) {
    lines.push(`| import, ${r.import.rows} rows CSV | ${r.import.rowsPerS} rows/s (${r.import.seconds} s) | | ≥ ${TARGETS.importRowsPerS} rows/s | ${ok(r.import.rowsPerS >= TARGETS.importRowsPerS)} |`);
    lines.push(`| import, worker peak RSS | ${r.import.workerPeakRssMb} MB | | < ${TARGETS.importRssMb} MB | ${ok(r.import.workerPeakRssMb < TARGETS.importRssMb)} |`);
  } else if (r.importSkipped) {
    lines.push(`| import, ${IMPORT_ROWS} rows CSV | skipped: POST /api/v1/imports with dryRun=false answered ${r.importSkipped.status} (real imports not available) | | ≥ ${TARGETS.importRowsPerS} rows/s, RSS < ${TARGETS.importRssMb} MB | not measured |`);
  }
  if (r.insertCeiling) {
    const c = r.insertCeiling;
    lines.push(`| insert ceiling: bare INSERT of contacts, every index, one backend | ${c.oneBackend} rows/s | | (no target: what Postgres alone takes) | |`);
    lines.push(`| insert ceiling: the same, two backends at once | ${c.twoBackends} rows/s | | | |`);
    for (const v of c.byIndexes.slice(1)) lines.push(`| insert ceiling, one backend, ${v.indexes} | ${v.rowsPerS} rows/s (${v.usPerRow} µs per row) | | | |`);
  }
  return lines;
}

main().catch((err) => {
  log(`contacts bench failed: ${err.stack || err.message}`);
  process.exit(1);
});
