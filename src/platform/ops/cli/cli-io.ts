import { isEmail } from 'class-validator';
import type { INestApplicationContext } from '@nestjs/common';
import type { ParseArgsConfig } from 'node:util';
import type { AppConfig } from '../../config/config';

/** Where the CLI writes: stdout for results, stderr for errors and logs. Tests capture both. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Bulk output (an export to stdout), written with back-pressure; without it, chunks go through `out`. */
  stdout?: NodeJS.WritableStream;
  /** stderr is a terminal: progress is drawn there (never into a log file or a pipe). */
  errIsTTY?: boolean;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called (exit code 2, usage printed). */
export class UsageError extends Error {}

/** An email address as the API's DTOs accept one (class-validator's isEmail), so the CLI refuses what the API refuses. */
export const isEmailAddress = (value: string): boolean => isEmail(value);

export type ParsedArgs = { values: Record<string, string | boolean | undefined>; positionals: string[] };

/** What a command gets: where to write, the configuration, and the application when it needs one. */
export interface CliContext {
  io: CliIo;
  config: () => AppConfig;
  /** Boots the application (without HTTP) and runs `fn` in a request context acting as the system (module commands: as `--as`). */
  withApp<T>(fn: (app: INestApplicationContext) => Promise<T>): Promise<T>;
  /** Migration classes to use instead of the compiled ones (tests). */
  migrations?: Function[];
}

export interface CliPositional {
  /** Shown in messages as `<name>`. */
  name: string;
  /** The only values accepted; anything else is a usage error naming them. */
  choices?: readonly string[];
  /** Optional positionals come after the required ones. */
  optional?: boolean;
}

/** One entry of `crm help`: a platform command or one a module registered with `@CliCommand`. */
export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  positionals?: readonly CliPositional[];
  /** Extra lines of `crm help <command>`. */
  details?: string;
  run(args: ParsedArgs, ctx: CliContext): Promise<number>;
}
