'use strict';
// CPU time spent during a load round, per request: the server process's own (utime + stime from
// /proc/<pid>/stat) and the whole machine's (every busy tick in /proc/stat: the server, Postgres,
// Redis, the load generator, anything else running). Requests per second swing with the load on
// a shared machine; CPU per request moves much less and is the yardstick for a change. Linux only
// (elsewhere the figures are null).
const fs = require('node:fs');

const TICK_US = 10_000; // USER_HZ is 100 on Linux: one tick is 10 ms.

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

module.exports = { cpuMeter };
