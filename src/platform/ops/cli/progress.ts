import type { CliIo } from './cli-io';

export interface Progress {
  /** `done` items so far (absolute, not a delta). */
  update(done: number): void;
  /** Draws the last state and ends the line. */
  finish(): void;
}

export interface ProgressOptions {
  /** What is counted: `rows`, `contacts`, … */
  unit: string;
  /** Items expected; null when unknown (no bar, no percentage). */
  total: number | null;
  /** Milliseconds clock; tests pass their own. */
  now?: () => number;
}

const BAR_WIDTH = 24;
/** Redraws at most this often: a terminal repainting per row would cost more than the export. */
const REDRAW_MS = 100;

const fmt = (n: number) => n.toLocaleString('en-US');

/** One status line: `[████░░░░] 1,200 / 5,000 rows  24%  850 rows/s`. */
export function progressLine(done: number, total: number | null, unit: string, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
  if (total === null) return `${fmt(done)} ${unit}  ${fmt(rate)} ${unit}/s`;
  // The total is counted before the rows are read; rows added meanwhile may overtake it.
  const shown = Math.max(total, done);
  const ratio = shown === 0 ? 1 : done / shown;
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
  return `[${bar}] ${fmt(done)} / ${fmt(shown)} ${unit}  ${Math.floor(ratio * 100)}%  ${fmt(rate)} ${unit}/s`;
}

/**
 * A progress line on stderr, redrawn in place; nothing at all when stderr is not a terminal, so
 * logs and pipes never fill with carriage returns.
 */
export function progress(io: CliIo, opts: ProgressOptions): Progress {
  if (!io.errIsTTY) return { update: () => undefined, finish: () => undefined };
  const now = opts.now ?? Date.now;
  const started = now();
  let last = -Infinity;
  let done = 0;
  const draw = () => {
    last = now();
    io.err(`\r\x1b[2K${progressLine(done, opts.total, opts.unit, last - started)}`);
  };
  return {
    update(n) {
      done = n;
      if (now() - last >= REDRAW_MS) draw();
    },
    finish() {
      draw();
      io.err('\n');
    },
  };
}
