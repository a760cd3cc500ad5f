import { runCli } from '../../src/platform/ops/cli/run-cli';
import { databaseUrl, TEST_REDIS_URL } from './env';

export type CliRun = { code: number; out: string; err: string };

/** The environment the `crm` CLI gets in a test: the file's own database, Redis prefix and data folder. */
export function cliEnv(databaseName: string): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: databaseUrl(databaseName),
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `crmtest:${databaseName}`,
    LOG_LEVEL: 'silent',
    DATA_DIR: `/tmp/crm-test/${databaseName}`,
  };
}

/** Runs `crm <argv>` in-process and collects what it prints. */
export async function runCrm(
  env: NodeJS.ProcessEnv,
  argv: string[],
  opts: { tty?: boolean; migrations?: Parameters<typeof runCli>[1]['migrations'] } = {},
): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { env, migrations: opts.migrations, io: { out: (s) => (out += s), err: (s) => (err += s), errIsTTY: opts.tty ?? false } });
  return { code, out, err };
}
