import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '../../config/config';

/** Where the CLI writes: stdout for results, stderr for errors and logs. Tests capture both. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called (exit code 2, usage printed). */
export class UsageError extends Error {}

export type ParsedArgs = { values: Record<string, string | boolean | undefined>; positionals: string[] };

/** What a command gets: where to write, the configuration, and the application when it needs one. */
export interface CliContext {
  io: CliIo;
  config: () => AppConfig;
  /** Boots the application (without HTTP) and runs `fn` in a request context acting as the system. */
  withApp<T>(fn: (app: INestApplicationContext) => Promise<T>): Promise<T>;
  /** Migration classes to use instead of the compiled ones (tests). */
  migrations?: Function[];
}
