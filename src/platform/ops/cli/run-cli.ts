import { parseArgs } from 'node:util';
import { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClsService } from 'nestjs-cls';
import pino from 'pino';
import { AppModule, CRM_MODULES } from '../../../app.module';
import { CLS_ACTOR, SYSTEM_ACTOR } from '../../access/actor';
import { AppConfig, ConfigError, loadConfig } from '../../config/config';
import { DomainError } from '../../errors/domain-error';
import { createRootLogger, PinoNestLogger } from '../../logging/logger';
import { embeddedDatabaseUrl, embeddedRedisUrl } from '../../runtime/box';
import { jobsStatusCommand, seedDemoCommand, userCreateCommand } from './app.commands';
import { CliContext, CliIo, CliPositional, Command, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, ParsedArgs, UsageError } from './cli-io';
import { migrateCommand, migrateRevertCommand, migrateStatusCommand, withMigrationDataSource } from './migrate.commands';
import { findCliCommands, toCommand } from './module-commands';

/** The platform's own commands; the migrations ones run without booting the application. */
const PLATFORM_COMMANDS: Record<string, Command> = {
  migrate: {
    summary: 'Apply pending migrations (safe to run from several replicas at once: they queue on a lock)',
    usage: 'crm migrate',
    options: {},
    run: (_args, ctx) => withMigrationDataSource(ctx.config(), ctx.migrations, (ds) => migrateCommand(ds, ctx.io)),
  },
  'migrate:status': {
    summary: 'List every migration and whether it is applied',
    usage: 'crm migrate:status',
    options: {},
    run: (_args, ctx) => withMigrationDataSource(ctx.config(), ctx.migrations, (ds) => migrateStatusCommand(ds, ctx.io)),
  },
  'migrate:revert': {
    summary: 'Revert the last applied migration (take a backup first)',
    usage: 'crm migrate:revert',
    options: {},
    run: (_args, ctx) => withMigrationDataSource(ctx.config(), ctx.migrations, (ds) => migrateRevertCommand(ds, ctx.io)),
  },
  'user:create': {
    summary: 'Create a user; prints a generated password once when none is given',
    usage: 'crm user:create --email <email> --role <role> [--password <password>] [--name <full name>]',
    options: { email: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
    run: (args, ctx) => userCreateCommand(args, ctx),
  },
  'seed:demo': {
    summary: 'Create a small demo company (teams, users with a known password, what each module adds); idempotent. Not for production',
    usage: 'crm seed:demo',
    options: {},
    run: (_args, ctx) => seedDemoCommand(ctx),
  },
  'jobs:status': {
    summary: 'Queue depths and job outcomes',
    usage: 'crm jobs:status',
    options: {},
    run: (_args, ctx) => jobsStatusCommand(ctx),
  },
};

/** The platform's commands, then those the CRM modules register with `@CliCommand` (see cli-command.ts). */
function allCommands(): Record<string, Command> {
  const commands: Record<string, Command> = { ...PLATFORM_COMMANDS };
  for (const found of findCliCommands(CRM_MODULES)) {
    if (Object.hasOwn(commands, found.meta.name) || found.meta.name === 'help') throw new Error(`The CLI command "${found.meta.name}" of ${found.type.name} is a platform command already`);
    commands[found.meta.name] = toCommand(found);
  }
  return commands;
}

function helpText(commands: Record<string, Command>): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length), 4);
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: crm <command> [options]',
    '',
    'Commands:',
    ...lines,
    `  ${'help'.padEnd(width)}  Show this help, or a command's usage: crm help <command>`,
    '',
    'Configuration comes from the environment (DATABASE_URL, REDIS_URL, …: see .env.example).',
    'Without DATABASE_URL / REDIS_URL it uses the embedded Postgres / Redis of a running box in DATA_DIR.',
    'Exit codes: 0 ok, 1 failure, 2 usage.',
    '',
  ].join('\n');
}

function commandHelp(c: Command): string {
  return `${c.summary}\n\nUsage: ${c.usage}\n${c.details ? `\n${c.details}\n` : ''}`;
}

/** Checks the positionals against the command's list: how many, and the allowed values. */
function checkPositionals(spec: readonly CliPositional[], given: string[]): void {
  const required = spec.filter((p) => !p.optional);
  if (given.length < required.length) {
    const p = required[given.length];
    throw new UsageError(`Missing <${p.name}>${p.choices ? ` (one of ${p.choices.join(', ')})` : ''}.`);
  }
  if (given.length > spec.length) throw new UsageError(`Unexpected argument "${given[spec.length]}".`);
  given.forEach((value, i) => {
    const p = spec[i];
    if (p.choices && !p.choices.includes(value)) throw new UsageError(`<${p.name}>: "${value}" is not one of ${p.choices.join(', ')}.`);
  });
}

/** The CLI's config: like every process's, plus the embedded Postgres of a running box when no DATABASE_URL is set. */
export function cliConfig(env: NodeJS.ProcessEnv): AppConfig {
  const dataDir = env.DATA_DIR || './data';
  return loadConfig('cli', {
    ...env,
    DATABASE_URL: env.DATABASE_URL || embeddedDatabaseUrl(dataDir) || '',
    REDIS_URL: env.REDIS_URL || embeddedRedisUrl(dataDir) || '',
  });
}

/** Logs go to stderr, and only warnings unless LOG_LEVEL asks for more: stdout is the command's answer. */
function cliLogger(config: AppConfig): LoggerService {
  const level = ['debug', 'trace'].includes(config.logLevel) ? config.logLevel : config.logLevel === 'silent' ? 'silent' : 'warn';
  return new PinoNestLogger(createRootLogger(level, pino.destination(2)));
}

export interface RunCliOptions {
  env: NodeJS.ProcessEnv;
  io: CliIo;
  migrations?: Function[];
  /** Adjusts the loaded configuration (tests: a per-file Redis prefix). */
  configure?: (config: AppConfig) => AppConfig;
}

/** Runs one CLI command and returns its exit code (0 ok, 1 failure, 2 usage). */
export async function runCli(argv: string[], opts: RunCliOptions): Promise<number> {
  const { io } = opts;
  const [name, ...rest] = argv;
  let commands: Record<string, Command>;
  try {
    commands = allCommands();
  } catch (err) {
    io.err(`crm: ${(err as Error).message}\n`);
    return EXIT_FAILURE;
  }
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const topic = rest[0] && Object.hasOwn(commands, rest[0]) ? commands[rest[0]] : undefined;
    io.out(topic ? commandHelp(topic) : helpText(commands));
    return EXIT_OK;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    io.err(`Unknown command "${name}".\n\n${helpText(commands)}`);
    return EXIT_USAGE;
  }
  // `crm <command> --help` is `crm help <command>` (no command takes a --help of its own).
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(command));
    return EXIT_OK;
  }
  let args: ParsedArgs;
  try {
    const positionals = command.positionals ?? [];
    args = parseArgs({ args: rest, options: command.options, allowPositionals: positionals.length > 0, strict: true }) as ParsedArgs;
    checkPositionals(positionals, args.positionals);
  } catch (err) {
    io.err(`${(err as Error).message}\n\nUsage: ${command.usage}\n`);
    return EXIT_USAGE;
  }

  let config: AppConfig | undefined;
  const ctx: CliContext = {
    io,
    migrations: opts.migrations,
    config: () => {
      config ??= (opts.configure ?? ((c: AppConfig) => c))(cliConfig(opts.env));
      return config;
    },
    async withApp(fn) {
      const cfg = ctx.config();
      // Migrations need Postgres only; everything that boots the application needs Redis too.
      if (!cfg.redis.url) throw new ConfigError(['REDIS_URL: required for this command (redis://host:6379), or run it beside a running box']);
      const app = await NestFactory.createApplicationContext(AppModule.forRoot(cfg), { logger: cliLogger(cfg), abortOnError: false });
      try {
        const cls = app.get(ClsService);
        return await cls.run(async () => {
          cls.set(CLS_ACTOR, SYSTEM_ACTOR);
          return fn(app);
        });
      } finally {
        await app.close();
      }
    },
  };

  try {
    return await command.run(args, ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\n\nUsage: ${command.usage}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof ConfigError) {
      io.err(`${err.message}\nSee .env.example for every variable and its default.\n`);
      return EXIT_FAILURE;
    }
    const e = err as { message?: string; code?: string };
    io.err(`crm ${name} failed: ${e?.message ?? String(err)}\n`);
    if (err instanceof DomainError) for (const f of err.errors) io.err(`  ${f.field}: ${f.message}\n`);
    return EXIT_FAILURE;
  }
}
