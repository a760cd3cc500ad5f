/**
 * Issue 2: Postgres and Redis restarted under the running api. While one is gone the api must
 * answer 503 problem documents (never a 500 or a stack trace), and once it is back the api must
 * recover by itself. The outage is simulated with TCP proxies in front of the real servers, which
 * other spec files share and must keep.
 */
import supertest from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { AppConfig } from '../../src/platform/config/config';
import { createHttpApp } from '../../src/platform/http/create-app';
import { createRootLogger } from '../../src/platform/logging/logger';
import { cloneDatabase, dropDatabase, TestApp, testConfig } from '../support/app';
import { loginAs, SeededUser, seedUser } from '../support/auth';
import { TEST_ADMIN_DATABASE_URL, TEST_REDIS_URL } from '../support/env';
import { startTcpProxy, TcpProxy } from '../support/tcp-proxy';

/** Recovery is awaited, not timed: the bound only keeps a broken build from hanging the suite. */
const RECOVERY_BOUND_MS = 20_000;
const POLL_MS = 250;

function target(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || defaultPort) };
}

function viaProxy(url: string, proxy: TcpProxy): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}

async function eventually(what: string, probe: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + RECOVERY_BOUND_MS;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > until) throw new Error(`${what} did not happen within ${RECOVERY_BOUND_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function expectUnavailableProblem(res: supertest.Response): void {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
  expect(res.headers['retry-after']).toBeDefined();
  expect(res.text).not.toMatch(/\bat \S+ \(|\.ts:\d+|stack/i);
}

describe('ops: the api through a Postgres or Redis outage', () => {
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let t: TestApp;
  let auth: { Authorization: string };
  let user: SeededUser;

  beforeAll(async () => {
    pgProxy = await startTcpProxy(target(TEST_ADMIN_DATABASE_URL, 5432));
    redisProxy = await startTcpProxy(target(TEST_REDIS_URL, 6379));
    const databaseName = await cloneDatabase();
    const base = testConfig(databaseName);
    const config: AppConfig = testConfig(databaseName, {
      env: { DATABASE_URL: viaProxy(base.database.url as string, pgProxy), REDIS_URL: viaProxy(base.redis.url as string, redisProxy) },
    });
    const app = await createHttpApp(AppModule.forRoot(config), { config, rootLogger: createRootLogger(config.logLevel), nestLogger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    t = {
      app,
      http: () => supertest.agent(app.getHttpServer()),
      config,
      dataSource: app.get(DataSource),
      databaseName,
      async close() {
        await app.close();
        await dropDatabase(databaseName);
      },
    };
    // Signed in before any outage: the token stays valid throughout.
    user = await seedUser(t, { role: 'admin' });
    auth = await loginAs(t, user);
  });

  afterAll(async () => {
    pgProxy?.restore();
    redisProxy?.restore();
    await t?.close();
    await pgProxy?.close();
    await redisProxy?.close();
  });

  const ready = () => t.http().get('/health/ready');
  const listUsers = () => t.http().get('/api/v1/users').set(auth);
  const signIn = () => t.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });

  it('is ready and serves the api through the proxies', async () => {
    expect((await ready()).status).toBe(200);
    expect((await listUsers()).status).toBe(200);
  });

  it('answers 503 while Postgres is gone, then recovers by itself', async () => {
    pgProxy.cut();
    try {
      const probe = await ready();
      expectUnavailableProblem(probe);
      expect(probe.body).toMatchObject({ code: 'NOT_READY', checks: { database: 'down', redis: 'up' } });
      expect(probe.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'database' })]));

      const api = await listUsers();
      expectUnavailableProblem(api);
      expect(api.body.code).toBe('DEPENDENCY_UNAVAILABLE');
    } finally {
      pgProxy.restore();
    }
    await eventually('readiness after Postgres came back', async () => (await ready()).status === 200);
    await eventually('the api after Postgres came back', async () => (await listUsers()).status === 200);
  });

  it('answers 503 while Redis is gone, then recovers by itself', async () => {
    redisProxy.cut();
    try {
      const probe = await ready();
      expectUnavailableProblem(probe);
      expect(probe.body).toMatchObject({ code: 'NOT_READY', checks: { database: 'up', redis: 'down' } });
      expect(probe.body.errors).toEqual([expect.objectContaining({ field: 'redis' })]);

      // Sign-in counts failures in Redis: without it the api cannot decide, and says so.
      const login = await signIn();
      expectUnavailableProblem(login);
      expect(login.body.code).toBe('DEPENDENCY_UNAVAILABLE');

      // Rate limits fail open by design (a request is never held up by the limiter's Redis).
      const api = await listUsers();
      expect(api.status).toBe(200);
    } finally {
      redisProxy.restore();
    }
    await eventually('readiness after Redis came back', async () => (await ready()).status === 200);
    await eventually('sign-in after Redis came back', async () => (await signIn()).status === 200);
  });
});
