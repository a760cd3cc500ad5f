#!/usr/bin/env node
/* global fetch */
'use strict';
// `npm run bench`: the api's idle memory, its time to ready, and its request rate on two
// endpoints against a bare Fastify + pg reference server doing the same database work.
// Needs `npm run build` first, Postgres (BENCH_DATABASE_URL or TEST_DATABASE_URL, an admin
// connection; default postgres://postgres@127.0.0.1:5432/postgres) and Redis (BENCH_REDIS_URL or
// TEST_REDIS_URL; default redis://127.0.0.1:6379). Traffic goes to 127.0.0.1 only, for a bounded
// time: BENCH_ROUNDS (default 3) alternating runs of BENCH_DURATION seconds (default 10, at most
// 60) per server and endpoint, BENCH_CONNECTIONS (default 10). BENCH_DIST runs another build
// (default ./dist); BENCH_DB, BENCH_API_PORT and BENCH_REF_PORT let two runs share a machine;
// BENCH_API_NODE_ARGS passes flags to the api's node (`--cpu-prof --cpu-prof-dir=/tmp/prof`);
// BENCH_KEEP_DB=1 keeps the database afterwards, to run either server by hand.
// Writes bench/out/results.json (BENCH_OUT) and prints a Markdown table.
const { execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { sleep, log, start, stop, waitFor, loadRound, median } = require('./harness');

const ROOT = path.resolve(__dirname, '..');
const ADMIN_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL || process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const DURATION = Math.min(Number(process.env.BENCH_DURATION || 10), 60);
const CONNECTIONS = Math.min(Number(process.env.BENCH_CONNECTIONS || 10), 100);
const USERS = Number(process.env.BENCH_USERS || 1000);
const ROUNDS = Math.min(Number(process.env.BENCH_ROUNDS || 3), 10);
const DIST = path.resolve(process.env.BENCH_DIST || path.join(ROOT, 'dist'));
const API_PORT = Number(process.env.BENCH_API_PORT || 3290);
const REF_PORT = Number(process.env.BENCH_REF_PORT || 3299);
const DB_NAME = process.env.BENCH_DB || 'crm_bench';
const OUT = path.resolve(process.env.BENCH_OUT || path.join(__dirname, 'out/results.json'));
const ADMIN = { email: 'bench-admin@example.com', password: `Bench-${randomBytes(12).toString('base64url')}` };
const TARGETS = { idleRssMb: 150, readyMs: 3000, ratio: 0.6 };


function dbUrl(name) {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(sql) {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function crm(env, ...args) {
  return execFileSync(process.execPath, [path.join(DIST, 'cli.js'), ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The admin, then USERS more users cloned from its row (whatever columns platform.users has). */
async function seed(env) {
  crm(env, 'migrate');
  crm(env, 'user:create', '--email', ADMIN.email, '--role', 'admin', '--password', ADMIN.password, '--name', 'Bench Admin');
  const c = new Client({ connectionString: env.DATABASE_URL });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'platform' AND table_name = 'users' ORDER BY ordinal_position`);
    const cols = rows.map((r) => r.column_name);
    const value = {
      id: 'gen_random_uuid()',
      email: `'bench-user-' || i || '@example.com'`,
      display_name: `'Bench User ' || i`,
      created_at: `now() - i * interval '1 second'`,
      updated_at: `now() - i * interval '1 second'`,
    };
    const select = cols.map((col) => value[col] || `u.${col}`).join(', ');
    await c.query(
      `INSERT INTO platform.users (${cols.join(', ')}) SELECT ${select} FROM platform.users u, generate_series(1, $1) AS i WHERE u.email = $2`,
      [USERS, ADMIN.email],
    );
    // Fresh statistics, as a database in use has (autovacuum would get there within a minute or
    // so, in the middle of a run, and switch the page query from a sort to an index scan).
    await c.query('ANALYZE');
  } finally {
    await c.end();
  }
}

function rssMb(pid) {
  const kb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim());
  return Math.round((kb / 1024) * 10) / 10;
}

const load = (name, url, headers, duration, pid) => loadRound(name, { url, headers, duration, connections: CONNECTIONS, pid });

async function main() {
  if (!/^[a-z_][a-z0-9_]*$/.test(DB_NAME)) throw new Error(`BENCH_DB must be a plain database name, not ${DB_NAME}`);
  if (!fs.existsSync(path.join(DIST, 'main.js')) || !fs.existsSync(path.join(DIST, 'migrations'))) {
    throw new Error(`${DIST} is missing or incomplete: run \`npm run build\` first.`);
  }
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    DATABASE_URL: dbUrl(DB_NAME),
    REDIS_URL: REDIS_URL,
    REDIS_PREFIX: `crmbench${process.pid}`,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    RATE_LIMIT_MAX: '100000000',
  };
  log(`preparing database ${DB_NAME} (${USERS + 1} users)`);
  await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DB_NAME}`);
  const results = {};
  try {
    await seed(env);

    log('api: time to ready and idle memory');
    const t0 = process.hrtime.bigint();
    const api = start(path.join(DIST, 'main.js'), ['api'], { ...env, PORT: String(API_PORT) }, (process.env.BENCH_API_NODE_ARGS || '').split(' ').filter(Boolean));
    try {
      await waitFor(`http://127.0.0.1:${API_PORT}/health/ready`, 30_000);
      results.readyMs = Number((process.hrtime.bigint() - t0) / 1_000_000n);
      // Right after start the heap still holds start-up garbage (a new space grown to 32 MB, old
      // pages of module loading); V8's memory reducer returns it once it sees the process idle,
      // which on this build happens 30-40 s after start. Idle RSS is the RSS after a minute
      // without traffic; the series every 5 s (and so the peak while settling) is kept too.
      results.idleRssSeriesMb = [];
      for (let s = 5; s <= 60; s += 5) {
        await sleep(5000);
        results.idleRssSeriesMb.push(rssMb(api.pid));
      }
      results.rssAt5sMb = results.idleRssSeriesMb[0];
      results.rssAt30sMb = results.idleRssSeriesMb[5];
      results.idleRssMb = results.idleRssSeriesMb[results.idleRssSeriesMb.length - 1];
      log(`  ready after ${results.readyMs} ms, RSS ${results.rssAt5sMb} MB at 5 s, ${results.rssAt30sMb} MB at 30 s, ${results.idleRssMb} MB at 60 s idle (every 5 s: ${results.idleRssSeriesMb.join(', ')})`);

      const res = await fetch(`http://127.0.0.1:${API_PORT}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
      });
      if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
      const { accessToken } = await res.json();
      const auth = { authorization: `Bearer ${accessToken}` };
      const page = await (await fetch(`http://127.0.0.1:${API_PORT}/api/v1/users?limit=50`, { headers: auth })).json();
      if (!Array.isArray(page.data) || page.data.length !== 50) throw new Error(`GET /api/v1/users?limit=50 did not return 50 users: ${JSON.stringify(page).slice(0, 300)}`);

      log(`under load: ${ROUNDS} alternating rounds of ${DURATION} s per server and endpoint, ${CONNECTIONS} connections`);
      // Both servers stay up and take turns, so that load from elsewhere on the machine falls
      // on both sides alike; each side's figure is the median of its rounds.
      const ref = start(path.join(__dirname, 'reference-server.js'), [], { ...env, PORT: String(REF_PORT) });
      try {
        await waitFor(`http://127.0.0.1:${REF_PORT}/health/ready`, 10_000);
        const endpoints = {
          ready: { api: [`http://127.0.0.1:${API_PORT}/health/ready`, {}, api.pid], reference: [`http://127.0.0.1:${REF_PORT}/health/ready`, {}, ref.pid] },
          users: { api: [`http://127.0.0.1:${API_PORT}/api/v1/users?limit=50`, auth, api.pid], reference: [`http://127.0.0.1:${REF_PORT}/users?limit=50`, {}, ref.pid] },
        };
        results.api = {};
        results.reference = {};
        for (const [name, sides] of Object.entries(endpoints)) {
          const runs = { api: [], reference: [] };
          for (const side of ['api', 'reference']) await load(`${side} ${name} warm-up`, sides[side][0], sides[side][1], 2, sides[side][2]);
          for (let round = 1; round <= ROUNDS; round++) {
            for (const side of round % 2 ? ['api', 'reference'] : ['reference', 'api']) {
              runs[side].push(await load(`${side} ${name} round ${round}`, sides[side][0], sides[side][1], DURATION, sides[side][2]));
            }
          }
          for (const side of ['api', 'reference']) results[side][name] = median(runs[side]);
        }
      } finally {
        await stop(ref);
      }
      results.loadedRssMb = rssMb(api.pid);
    } finally {
      await stop(api);
    }
  } finally {
    // BENCH_KEEP_DB=1 keeps it, to run either server by hand afterwards (profiling).
    if (process.env.BENCH_KEEP_DB !== '1') await admin(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`).catch(() => undefined);
  }

  const ratio = (k) => Math.round((results.api[k].rps / results.reference[k].rps) * 100) / 100;
  results.ratio = { ready: ratio('ready'), users: ratio('users') };
  results.machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  results.settings = { durationSeconds: DURATION, rounds: ROUNDS, connections: CONNECTIONS, users: USERS + 1 };
  results.loadAverage = os.loadavg().map((l) => Math.round(l * 100) / 100);
  results.at = new Date().toISOString();
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);

  const ok = (pass) => (pass ? 'ok' : 'MISSED');
  const lines = [
    `| measure | box api | reference | target | |`,
    `| --- | --- | --- | --- | --- |`,
    `| idle RSS (60 s after ready, no traffic) | ${results.idleRssMb} MB | | < ${TARGETS.idleRssMb} MB | ${ok(results.idleRssMb < TARGETS.idleRssMb)} |`,
    `| RSS 5 s / 30 s after ready | ${results.rssAt5sMb} / ${results.rssAt30sMb} MB | | | |`,
    `| time to ready | ${results.readyMs} ms | | < ${TARGETS.readyMs} ms | ${ok(results.readyMs < TARGETS.readyMs)} |`,
    `| GET /health/ready | ${results.api.ready.rps} req/s (p99 ${results.api.ready.p99Ms} ms) | ${results.reference.ready.rps} req/s (p99 ${results.reference.ready.p99Ms} ms) | ≥ ${TARGETS.ratio}x | ${results.ratio.ready}x ${ok(results.ratio.ready >= TARGETS.ratio)} |`,
    `| GET /api/v1/users?limit=50 | ${results.api.users.rps} req/s (p99 ${results.api.users.p99Ms} ms) | ${results.reference.users.rps} req/s (p99 ${results.reference.users.p99Ms} ms) | ≥ ${TARGETS.ratio}x | ${results.ratio.users}x ${ok(results.ratio.users >= TARGETS.ratio)} |`,
    `| CPU per request, /health/ready (server / machine) | ${results.api.ready.serverCpuUs} / ${results.api.ready.machineCpuUs} µs | ${results.reference.ready.serverCpuUs} / ${results.reference.ready.machineCpuUs} µs | | |`,
    `| CPU per request, users (server / machine) | ${results.api.users.serverCpuUs} / ${results.api.users.machineCpuUs} µs | ${results.reference.users.serverCpuUs} / ${results.reference.users.machineCpuUs} µs | | |`,
    `| RSS after load | ${results.loadedRssMb} MB | | | |`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\n${results.machine.cpus} CPUs (${results.machine.cpuModel}), ${results.machine.memoryGb} GB, Node ${results.machine.node}; ${CONNECTIONS} connections, median of ${ROUNDS} alternating ${DURATION} s runs; load average at the end ${results.loadAverage.join(' ')}.\n`);
}

main().catch((err) => {
  log(`bench failed: ${err.message}`);
  process.exit(1);
});
