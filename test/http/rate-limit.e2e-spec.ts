import Redis from 'ioredis';
import { createTestApp, TestApp } from '../support/app';
import { TEST_REDIS_URL } from '../support/env';
import { HttpTestModule } from './support/http-test.module';

/** An unsigned JWT-shaped token: the limiter reads its subject, the auth guard would verify it. */
const bearer = (sub: string) => `Bearer ${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub })).toString('base64url')}.sig`;

describe('rate limits (Redis, per caller)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ imports: [HttpTestModule], env: { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '60' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers the 4th request in the window with a 429 problem and Retry-After', async () => {
    for (let i = 1; i <= 3; i++) {
      const ok = await t.http().get('/api/v1/test-http/things/1');
      expect(ok.status).toBe(200);
      expect(ok.headers['ratelimit-limit']).toBe('3');
      expect(ok.headers['ratelimit-remaining']).toBe(String(3 - i));
      expect(Number(ok.headers['ratelimit-reset'])).toBeGreaterThan(0);
    }
    const res = await t.http().get('/api/v1/test-http/things/1');
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['x-request-id']).toBeDefined();
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(res.headers['ratelimit-remaining']).toBe('0');
    expect(res.body).toMatchObject({ status: 429, title: 'Too Many Requests', code: 'RATE_LIMITED', instance: '/api/v1/test-http/things/1' });
  });

  it('counts in Redis under the install prefix', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const keys = await redis.keys(`${t.config.redis.prefix}:rate-limit:*`);
      expect(keys.length).toBeGreaterThan(0);
      expect(await redis.keys('fastify-rate-limit-*')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('gives each authenticated caller a budget of its own', async () => {
    // The anonymous budget of this client is spent (previous test); an API key and a user are not.
    const key = await t.http().get('/api/v1/test-http/things/1').set('X-API-Key', 'crm_test_key_1');
    expect(key.status).not.toBe(429);
    expect(key.headers['ratelimit-remaining']).toBe('2');
    const user = await t.http().get('/api/v1/test-http/things/1').set('Authorization', bearer('0193b6b2-0000-7000-8000-0000000000aa'));
    expect(user.status).not.toBe(429);
    expect(user.headers['ratelimit-remaining']).toBe('2');
    const sameUser = await t.http().get('/api/v1/test-http/things/1').set('Authorization', bearer('0193b6b2-0000-7000-8000-0000000000aa'));
    expect(sameUser.headers['ratelimit-remaining']).toBe('1');
  });

  it('never limits health probes or the docs', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await t.http().get('/health/live')).status).toBe(200);
      expect((await t.http().get('/docs-json')).status).toBe(200);
    }
  });
});
