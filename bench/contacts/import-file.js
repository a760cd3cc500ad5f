#!/usr/bin/env node
/* eslint-disable no-undef */
// One CSV import measured end to end against a running api and worker:
//
//   node bench/contacts/import-file.js --rows 100000 --api http://127.0.0.1:3000 \
//     --email admin@example.com --password secret [--worker-pid 1234] [--file /tmp/x.csv] [--mode create] \
//     [--prefix Import]
//
// Writes (or reuses) a contacts CSV like an export from another CRM (the columns of the full
// bench's import: names with accents, emails in mixed case, phones, job titles, cities, tags),
// posts it to POST /api/v1/imports (dryRun=false), polls the import until it ends, and prints
// rows/s and, with --worker-pid, the worker's peak RSS (VmHWM, Linux). The emails are
// `<prefix>.<n>@…`: another --prefix gives a file whose rows are all new to a database that
// imported the default one already.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { IMPORT_MAPPING: MAPPING, writeImportCsv: writeCsv, peakRssMb } = require('./import-csv');

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    api: { type: 'string', default: 'http://127.0.0.1:3000' },
    email: { type: 'string' },
    password: { type: 'string' },
    'worker-pid': { type: 'string' },
    file: { type: 'string' },
    mode: { type: 'string', default: 'create' },
    prefix: { type: 'string', default: 'Import' },
  },
});

async function main() {
  const rows = Number(args.rows);
  const file = args.file ?? path.join(os.tmpdir(), `crm-import-${args.prefix === 'Import' ? '' : `${args.prefix}-`}${rows}.csv`);
  if (!fs.existsSync(file)) await writeCsv(file, rows, args.prefix);
  const login = await fetch(`${args.api}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: args.email, password: args.password }) });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  const auth = { authorization: `Bearer ${(await login.json()).accessToken}` };
  const form = new FormData();
  form.set('entity', 'contact');
  form.set('mapping', JSON.stringify(MAPPING));
  form.set('mode', args.mode);
  if (args.mode !== 'create') form.set('matchBy', 'email');
  form.set('dryRun', 'false');
  form.set('file', await fs.openAsBlob(file, { type: 'text/csv' }), path.basename(file));
  const t0 = process.hrtime.bigint();
  const res = await fetch(`${args.api}/api/v1/imports`, { method: 'POST', headers: auth, body: form });
  if (res.status !== 202) throw new Error(`import answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const uploadedS = Number(process.hrtime.bigint() - t0) / 1e9;
  const location = new URL(res.headers.get('location'), args.api).toString();
  let state;
  let peak = 0;
  for (;;) {
    if (args['worker-pid']) peak = Math.max(peak, peakRssMb(Number(args['worker-pid'])) ?? 0);
    state = await (await fetch(location, { headers: auth })).json();
    if (['completed', 'failed', 'reverted'].includes(state.status)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (args['worker-pid']) peak = Math.max(peak, peakRssMb(Number(args['worker-pid'])) ?? 0);
  const { status, created, updated, skipped, failed } = state;
  console.log(
    JSON.stringify({ rows, status, created, updated, skipped, failed, uploadSeconds: Math.round(uploadedS * 10) / 10, seconds: Math.round(seconds * 10) / 10, rowsPerS: Math.round(rows / seconds), workerPeakRssMb: peak || null }),
  );
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
