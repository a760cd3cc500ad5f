import { IdentityFacade } from '../../identity/identity.facade';
import { JobsService } from '../../queue/jobs.service';
import { DemoSeedService } from '../seed/demo-seed.service';
import { CliContext, isEmailAddress, EXIT_FAILURE, EXIT_OK, ParsedArgs, UsageError } from './cli-io';

export async function jobsStatusCommand(ctx: CliContext): Promise<number> {
  return ctx.withApp(async (app) => {
    const status = await app.get(JobsService, { strict: false }).status();
    const { io } = ctx;
    io.out(`Queue "${status.queue}"\n`);
    for (const [state, n] of Object.entries(status.counts)) io.out(`  ${state.padEnd(12)} ${n}\n`);
    io.out(`Schedules (${status.schedules.length})\n`);
    for (const s of status.schedules) {
      io.out(`  ${s.jobName.padEnd(32)} ${s.pattern ?? `every ${s.every} ms`}${s.tz ? ` (${s.tz})` : ''}  next ${s.next ?? '-'}\n`);
    }
    io.out(`Recent failures (${status.recentFailures.length})\n`);
    for (const f of status.recentFailures) {
      io.out(`  ${f.finishedAt ?? '-'}  ${f.name}  #${f.id}  attempts ${f.attemptsMade}: ${f.failedReason}\n`);
    }
    return EXIT_OK;
  });
}

export async function seedDemoCommand(ctx: CliContext): Promise<number> {
  return ctx.withApp(async (app) => {
    const ran = await app.get(DemoSeedService, { strict: false }).run((line) => ctx.io.out(`${line}\n`));
    if (!ran.length) {
      ctx.io.err('No demo seeders are registered.\n');
      return EXIT_FAILURE;
    }
    ctx.io.out(`Demo data is in place (${ran.length} seeder${ran.length === 1 ? '' : 's'}). Running seed:demo again adds nothing.\n`);
    return EXIT_OK;
  });
}

const PASSWORD_LENGTH = { min: 12, max: 256 };

export async function userCreateCommand(args: ParsedArgs, ctx: CliContext): Promise<number> {
  const { email, role, password, name } = args.values as Record<string, string | undefined>;
  const missing = (['email', 'role'] as const).filter((k) => !args.values[k]);
  if (missing.length) throw new UsageError(`Missing ${missing.map((m) => `--${m}`).join(' and ')}.`);
  if (!isEmailAddress(email as string)) throw new UsageError(`--email: "${email}" is not an email address.`);
  if (password !== undefined && (password.length < PASSWORD_LENGTH.min || password.length > PASSWORD_LENGTH.max)) {
    throw new UsageError(`--password must be ${PASSWORD_LENGTH.min} to ${PASSWORD_LENGTH.max} characters (or omit it to have one generated).`);
  }
  return ctx.withApp(async (app) => {
    const identity = app.get(IdentityFacade, { strict: false });
    const { user, generatedPassword } = await identity.createUser({ email: email as string, role: role as string, password, displayName: name });
    ctx.io.out(`Created user ${user.email} (${user.role}), id ${user.id}.\n`);
    // Shown this once: only its hash is stored.
    if (generatedPassword) ctx.io.out(`Password: ${generatedPassword}\nStore it now: it is not shown again.\n`);
    return EXIT_OK;
  });
}
