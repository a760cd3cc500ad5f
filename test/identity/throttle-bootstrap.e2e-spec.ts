import Redis from 'ioredis';
import { IdentityFacade } from '../../src/platform/identity/identity.facade';
import { DEFAULT_LOGIN_POLICY } from '../../src/platform/identity/domain/login-policy';
import { REDIS, RedisKeys } from '../../src/platform/redis/redis.module';
import { BOX_BOOTSTRAP, BoxBootstrap } from '../../src/platform/runtime/box-bootstrap';
import { createTestApp, TestApp } from '../support/app';

describe('identity: first admin and per-address throttling', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('box bootstrap', () => {
    it('creates the first admin once, with a generated password printed once', async () => {
      const bootstrap = t.app.get<BoxBootstrap>(BOX_BOOTSTRAP);
      const out: string[] = [];
      const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
      try {
        await bootstrap.run({ ...t.config, admin: { email: 'boss@example.test' } });
        await bootstrap.run({ ...t.config, admin: { email: 'someone-else@example.test' } });
      } finally {
        spy.mockRestore();
      }
      const printed = out.join('');
      const password = /Password: (\S+)/.exec(printed)?.[1];
      expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
      expect(printed.match(/First administrator created/g)).toHaveLength(1);
      const users = await t.dataSource.query(`SELECT email FROM platform.users`);
      expect(users).toEqual([{ email: 'boss@example.test' }]);
      const login = await t.http().post('/api/v1/auth/login').send({ email: 'boss@example.test', password });
      expect(login.status).toBe(200);
      const me = await t.http().get('/api/v1/me').set('Authorization', `Bearer ${login.body.accessToken}`);
      expect(me.body).toMatchObject({ isAdmin: true, role: 'admin' });
    });

    it('the facade creates users by role name, and teams by name idempotently', async () => {
      const identity = t.app.get(IdentityFacade);
      const team = await identity.createTeam('Ops');
      expect(await identity.createTeam('ops')).toEqual(team);
      const { user, generatedPassword } = await identity.createUser({ email: 'cli@example.test', role: 'support', teamIds: [team.id] });
      expect(user).toMatchObject({ email: 'cli@example.test', role: 'support', teamIds: [team.id] });
      expect(generatedPassword).toBeDefined();
      await expect(identity.createUser({ email: 'x@example.test', role: 'wizard' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await identity.findRoleByName('sales')).toMatchObject({ name: 'sales', builtIn: true });
      expect(await identity.findUserByEmail('CLI@example.test')).toMatchObject({ id: user.id });
    });
  });

  describe('login throttling per address', () => {
    it('answers 429 with Retry-After once an address has failed too often, even for a right password', async () => {
      const limit = DEFAULT_LOGIN_POLICY.ipMaxFailures;
      for (let i = 0; i < limit; i++) {
        const res = await t.http().post('/api/v1/auth/login').send({ email: `nobody-${i}@example.test`, password: 'wrong-password' });
        expect(res.status).toBe(401);
      }
      const blocked = await t.http().post('/api/v1/auth/login').send({ email: 'boss@example.test', password: 'whatever-it-is' });
      expect(blocked.status).toBe(429);
      expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(DEFAULT_LOGIN_POLICY.ipWindowSeconds);
      expect(blocked.body.code).toBe('TOO_MANY_LOGIN_ATTEMPTS');

      // The counter lives in Redis under this install's prefix, and expires with the window.
      const redis = t.app.get<Redis>(REDIS);
      const keys = await redis.keys(`${t.app.get(RedisKeys).key('auth', 'login-failures')}:*`);
      expect(keys).toHaveLength(1);
      expect(await redis.ttl(keys[0])).toBeGreaterThan(0);
      await redis.del(keys[0]);
      expect((await t.http().post('/api/v1/auth/login').send({ email: 'nobody@example.test', password: 'wrong-password' })).status).toBe(401);
    });
  });
});
