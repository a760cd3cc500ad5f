import 'reflect-metadata';
import { startProcess } from './platform/runtime/start';

const modes = ['api', 'worker', 'box'] as const;
type Mode = (typeof modes)[number];

const mode = (process.argv[2] ?? 'box') as Mode;
if (!modes.includes(mode)) {
  process.stderr.write(`usage: node dist/main.js [${modes.join('|')}]\n`);
  process.exit(2);
}

startProcess(mode).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
