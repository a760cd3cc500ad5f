/**
 * Commands that CRM modules add to `crm`. Platform never imports a module, so a module brings
 * its own commands:
 *
 * 1. Write a provider in the module (by convention in `<module>/cli/<name>.command.ts`):
 *
 *      @Injectable()
 *      @CliCommand({
 *        name: 'export',                                   // `crm export …`; lower case, `a:b` allowed
 *        summary: 'Export contacts or companies as CSV',   // one line of `crm help`
 *        usage: 'crm export <contacts|companies> [--out <file.csv>]',
 *        positionals: [{ name: 'entity', choices: ['contacts', 'companies'] }],
 *        options: { out: { type: 'string' } },             // node:util parseArgs options
 *        actAs: true,                                      // adds `--as <user email>`
 *      })
 *      export class ExportCommand implements CliCommandHandler {
 *        constructor(private readonly exports: ExportService) {}
 *        async run(args: ParsedArgs, ctx: CliCommandContext): Promise<number> { … return EXIT_OK; }
 *      }
 *
 * 2. List it in the `providers` of its module. `crm help` then shows it: the CLI finds commands by
 *    reading the providers of every module imported by the CRM modules (`CRM_MODULES` in
 *    app.module.ts), without booting anything, so help and usage errors need no database.
 *
 * Running a command boots the application (no HTTP, no workers), takes the provider from it and
 * calls `run` in a request context whose actor is `ctx.actor`. Before that the CLI has already
 * checked the options (an unknown one is exit 2) and the positionals (count and `choices`).
 * In `run`: throw `UsageError` for a bad value (exit 2, the message should name the flag), a
 * `DomainError` or any Error for a failure (exit 1); write results with `ctx.io.out`, and
 * progress or notes with `ctx.io.err`, so that `crm <command> > file` keeps only the result.
 */
import { SetMetadata } from '@nestjs/common';
import type { ParseArgsConfig } from 'node:util';
import type { Actor } from '../../access/actor';
import type { AppConfig } from '../../config/config';
import type { CliIo, CliPositional, ParsedArgs } from './cli-io';

export type { CliPositional };
export { EXIT_FAILURE, EXIT_OK, UsageError } from './cli-io';
export type { CliIo, ParsedArgs } from './cli-io';

export const CLI_COMMAND = 'crm:cli-command';

export interface CliCommandMeta {
  name: string;
  summary: string;
  /** `crm <name> …`, without `--as` (added when `actAs` is set). */
  usage: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  positionals?: readonly CliPositional[];
  /** Extra lines of `crm help <name>` (say, exit codes beyond 0, 1 and 2). */
  details?: string;
  /**
   * Adds `--as <user email>`: the command acts as that active user, seeing and changing only what
   * the user's role and teams allow. Without `--as` it acts as the system (every record), like
   * every other ops command: whoever runs `crm` already holds the database credentials.
   */
  actAs?: boolean;
}

/** What `run` gets besides its arguments. */
export interface CliCommandContext {
  io: CliIo;
  /** The user given by `--as`, or the system actor. Also the request context's actor. */
  actor: Actor;
  config: AppConfig;
}

export interface CliCommandHandler {
  /** Returns the exit code (EXIT_OK, EXIT_FAILURE). */
  run(args: ParsedArgs, ctx: CliCommandContext): Promise<number>;
}

/** Marks a provider as a `crm` command (see the top of this file). */
export const CliCommand = (meta: CliCommandMeta) => SetMetadata(CLI_COMMAND, meta);
