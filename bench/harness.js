'use strict';
/* global fetch */
// What both benches (bench/run.js, bench/contacts/run.js) need to run servers and load them:
// starting and stopping node processes, waiting for a URL, and one measured autocannon round with
// the CPU it cost. CPU per request is read for the server process (utime + stime from
// /proc/<pid>/stat) and for the whole machine (every busy tick in /proc/stat: the server,
// Postgres, Redis, the load generator, anything else running). Requests per second swing with the
// load on a shared machine; CPU per request moves much less and is the yardstick for a change.
// Linux only for the CPU figures (elsewhere they are null).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');

const TICK_US = 10_000; // USER_HZ is 100 on Linux: one tick is 10 ms.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (msg) => process.stderr.write(`${msg}\n`);
const load1 = () => Math.round(os.loadavg()[0] * 100) / 100;

function processTicks(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), in parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

function machineTicks() {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
    const [user, nice, system, , , irq, softirq, steal] = cpu;
    return user + nice + system + irq + softirq + (steal || 0);
  } catch {
    return null;
  }
}

/** Starts counting; `.per(requests)` gives µs of CPU per request for the process and the machine. */
function cpuMeter(pid) {
  const p0 = processTicks(pid);
  const m0 = machineTicks();
  return {
    per(requests) {
      const p1 = processTicks(pid);
      const m1 = machineTicks();
      const us = (a, b) => (a === null || b === null || !requests ? null : Math.round(((b - a) * TICK_US) / requests));
      return { serverCpuUs: us(p0, p1), machineCpuUs: us(m0, m1) };
    },
  };
}

/** A node process; its last 20 KB of stderr are printed if it exits with an error. */
function start(script, args, env, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-20_000)));
  child.on('exit', (code) => {
    if (code && code !== 0) log(`${path.basename(script)} ${args.join(' ')} exited with ${code}:\n${stderr}`);
  });
  return child;
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/** Resolves once `url` answers 200 (polled every 10 ms, so a time to ready stays accurate). */
async function waitFor(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await sleep(10);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

/**
 * One autocannon round against the server `pid`: its rate, latency and CPU per request. Any
 * non-2xx answer, error or timeout fails the bench: the figures would mean nothing.
 */
async function loadRound(name, { url, headers, duration, connections, pid }) {
  const cpu = cpuMeter(pid);
  const r = await autocannon({ url, headers, connections, duration });
  const { serverCpuUs, machineCpuUs } = cpu.per(r.requests.total);
  if (r.non2xx || r.errors || r.timeouts) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts: the figures would mean nothing`);
  const load = load1();
  log(`  ${name}: ${Math.round(r.requests.average)} req/s, p99 ${r.latency.p99} ms, CPU per request ${serverCpuUs} µs server / ${machineCpuUs} µs machine (load ${load})`);
  return { rps: Math.round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99, requests: r.requests.total, serverCpuUs, machineCpuUs, load1: load };
}

/** The round with the median value of `key` (with an even count, the lower middle one). */
const median = (runs, key = 'rps') => [...runs].sort((a, b) => a[key] - b[key])[Math.floor((runs.length - 1) / 2)];

module.exports = { sleep, log, load1, cpuMeter, start, stop, waitFor, loadRound, median };
