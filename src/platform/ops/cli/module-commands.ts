import { DynamicModule, ForwardReference, INestApplicationContext, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { ClsService } from 'nestjs-cls';
import { Actor, CLS_ACTOR, SYSTEM_ACTOR } from '../../access/actor';
import { IdentityFacade } from '../../identity/identity.facade';
import { ActorLoader } from '../../identity/persistence/actor-loader';
import { CLI_COMMAND, CliCommandHandler, CliCommandMeta } from './cli-command';
import { Command, isEmailAddress, UsageError } from './cli-io';

export interface DiscoveredCliCommand {
  meta: CliCommandMeta;
  type: Type<CliCommandHandler>;
}

const COMMAND_NAME = /^[a-z][a-z0-9-]*(:[a-z][a-z0-9-]*)*$/;

const isForwardRef = (ref: object): ref is ForwardReference => typeof (ref as Partial<ForwardReference>).forwardRef === 'function';
const isDynamicModule = (ref: object): ref is DynamicModule => typeof (ref as Partial<DynamicModule>).module === 'function';

/**
 * Every `@CliCommand` provider of `roots` and the modules they import, read from the modules'
 * metadata: nothing is instantiated, so `crm help` works without a database. Async dynamic
 * modules (a Promise in `imports`) cannot be read this way; a command must not live in one.
 * A malformed command (bad name, no `run`, two of one name) stops the CLI: it is a bug, not input.
 */
export function findCliCommands(roots: readonly unknown[]): DiscoveredCliCommand[] {
  const seenModules = new Set<unknown>();
  const seenProviders = new Set<Function>();
  const found: DiscoveredCliCommand[] = [];

  const visitProvider = (provider: unknown) => {
    const type = typeof provider === 'function' ? provider : (provider as { useClass?: unknown } | null)?.useClass;
    if (typeof type !== 'function' || seenProviders.has(type)) return;
    seenProviders.add(type);
    const meta = Reflect.getMetadata(CLI_COMMAND, type) as CliCommandMeta | undefined;
    if (!meta) return;
    if (!COMMAND_NAME.test(meta.name)) throw new Error(`CLI command ${type.name}: "${meta.name}" is not a command name (lower case, words joined by - or :)`);
    if (typeof (type.prototype as Partial<CliCommandHandler>).run !== 'function') throw new Error(`CLI command "${meta.name}" (${type.name}) has no run() method`);
    if (meta.actAs && meta.options?.as) throw new Error(`CLI command "${meta.name}" declares --as itself: set actAs instead`);
    const positionals = meta.positionals ?? [];
    if (positionals.some((p, i) => !p.optional && positionals.slice(0, i).some((q) => q.optional))) {
      throw new Error(`CLI command "${meta.name}": a required positional follows an optional one`);
    }
    found.push({ meta, type: type as Type<CliCommandHandler> });
  };

  const visitModule = (ref: unknown) => {
    if (!ref || typeof ref !== 'object' && typeof ref !== 'function') return;
    if (typeof ref === 'object' && isForwardRef(ref)) return visitModule(ref.forwardRef());
    if (seenModules.has(ref)) return;
    seenModules.add(ref);
    if (typeof ref === 'function') {
      for (const imported of (Reflect.getMetadata(MODULE_METADATA.IMPORTS, ref) as unknown[] | undefined) ?? []) visitModule(imported);
      for (const provider of (Reflect.getMetadata(MODULE_METADATA.PROVIDERS, ref) as unknown[] | undefined) ?? []) visitProvider(provider);
    } else if (isDynamicModule(ref)) {
      visitModule(ref.module);
      for (const imported of ref.imports ?? []) visitModule(imported);
      for (const provider of ref.providers ?? []) visitProvider(provider);
    }
  };

  for (const root of roots) visitModule(root);
  const names = new Set<string>();
  for (const c of found) {
    if (names.has(c.meta.name)) throw new Error(`Two CLI commands are named "${c.meta.name}"`);
    names.add(c.meta.name);
  }
  return found;
}

const AS_DETAILS = [
  '  --as <user email>  Act as this active user: only the records their role and teams allow.',
  '                     Without it the command acts as the system and sees every record.',
].join('\n');

/** The actor of an active user, by email; an unknown or inactive user is a failure (exit 1) naming --as. */
async function actorByEmail(app: INestApplicationContext, email: string): Promise<Actor> {
  const user = await app.get(IdentityFacade, { strict: false }).findUserByEmail(email);
  if (!user) throw new Error(`--as: no user has the email ${email}.`);
  const actor = await app.get(ActorLoader, { strict: false }).forUser(user.id);
  if (!actor) throw new Error(`--as: ${email} is not an active user.`);
  return actor;
}

/** A module's command as an entry of the CLI: boots the app, resolves `--as`, runs the provider. */
export function toCommand({ meta, type }: DiscoveredCliCommand): Command {
  return {
    summary: meta.summary,
    usage: meta.actAs ? `${meta.usage} [--as <user email>]` : meta.usage,
    options: meta.actAs ? { ...meta.options, as: { type: 'string' } } : { ...meta.options },
    positionals: meta.positionals ?? [],
    details: [meta.actAs ? AS_DETAILS : undefined, meta.details].filter(Boolean).join('\n\n') || undefined,
    run: async (args, ctx) => {
      const as = args.values.as;
      if (typeof as === 'string' && !isEmailAddress(as)) throw new UsageError(`--as: "${as}" is not an email address.`);
      return ctx.withApp(async (app) => {
        const actor = typeof as === 'string' ? await actorByEmail(app, as) : SYSTEM_ACTOR;
        app.get(ClsService).set(CLS_ACTOR, actor);
        return app.get(type, { strict: false }).run(args, { io: ctx.io, actor, config: ctx.config() });
      });
    },
  };
}
