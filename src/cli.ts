import 'reflect-metadata';
import { runCli } from './platform/ops/cli/run-cli';

/** `crm <command>`: the ops CLI (bin/crm.js loads the compiled dist/cli.js). */
// `crm jobs:status | head`: a reader that stops early is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});
runCli(process.argv.slice(2), {
  env: process.env,
  io: { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text), stdout: process.stdout, errIsTTY: process.stderr.isTTY === true },
})
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  })
  // Open sockets (Redis reconnects, pool timers) must not keep a finished command alive.
  .finally(() => setTimeout(() => process.exit(), 100).unref());
