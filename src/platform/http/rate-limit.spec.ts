import * as net from 'node:net';
import Fastify, { FastifyInstance } from 'fastify';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { loadConfig } from '../config/config';
import { sendProblem } from './problem.filter';
import { isRateLimitExempt, rateLimitKey, registerRateLimit } from './rate-limit';

const jwt = (claims: object) => `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const req = (headers: Record<string, string>, ip = '10.0.0.1') => ({ headers, ip }) as never;

describe('rateLimitKey', () => {
  it('keys a bearer token by its subject', () => {
    expect(rateLimitKey(req({ authorization: `Bearer ${jwt({ sub: 'user-1' })}` }))).toBe('user:user-1');
    // Two sessions of one user share one budget.
    expect(rateLimitKey(req({ authorization: `bearer ${jwt({ sub: 'user-1', iat: 2 })}` }))).toBe('user:user-1');
  });

  it('keys an opaque or subject-less token by its hash, never by the token itself', () => {
    const key = rateLimitKey(req({ authorization: 'Bearer not-a-jwt' }));
    expect(key).toMatch(/^token:[0-9a-f]{32}$/);
    expect(rateLimitKey(req({ authorization: `Bearer ${jwt({ sub: 42 })}` }))).toMatch(/^token:/);
    expect(rateLimitKey(req({ authorization: `Bearer a.${Buffer.from('{oops').toString('base64url')}.c` }))).toMatch(/^token:/);
  });

  it('keys an API key by its hash', () => {
    const key = rateLimitKey(req({ 'x-api-key': 'crm_secret_value' }));
    expect(key).toMatch(/^apikey:[0-9a-f]{32}$/);
    expect(key).not.toContain('secret');
    expect(rateLimitKey(req({ 'x-api-key': 'crm_secret_value' }))).toBe(key);
  });

  it('falls back to the client address, IPv6 grouped by /64', () => {
    expect(rateLimitKey(req({}))).toBe('ip:10.0.0.1');
    expect(rateLimitKey(req({ authorization: 'Basic dXNlcjpwdw==' }))).toBe('ip:10.0.0.1');
    expect(rateLimitKey(req({}, '2001:db8:1:2:aaaa::1'))).toBe(rateLimitKey(req({}, '2001:db8:1:2:bbbb::2')));
    expect(rateLimitKey(req({ authorization: `Bearer ${'a'.repeat(10_000)}` }))).toBe('ip:10.0.0.1');
  });
});

describe('isRateLimitExempt', () => {
  it.each([
    ['/health/live', true],
    ['/health/ready', true],
    ['/metrics', true],
    ['/docs', true],
    ['/docs/', true],
    ['/docs-json', true],
    ['/docs-yaml', true],
    ['/api/v1/contacts', false],
    ['/healthcheck', false],
    ['/api/v1/docs', false],
  ])('%s → %s', (url, exempt) => {
    expect(isRateLimitExempt({ url, routeOptions: { url } } as never)).toBe(exempt);
  });
});

describe('registerRateLimit when Redis is not there', () => {
  let silent: net.Server;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    // Accepts connections and never answers: a hung Redis.
    silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((r) => silent.close(r));
  });

  async function appWith(redisUrl: string): Promise<FastifyInstance> {
    const config = loadConfig('test', { REDIS_URL: redisUrl, RATE_LIMIT_MAX: '1', REDIS_PREFIX: `crmtest-unit-${process.pid}-${Date.now()}` });
    const app = Fastify();
    app.setErrorHandler((err, request, reply) => sendProblem(err, request, reply));
    await registerRateLimit(app, config);
    app.get('/api/v1/x', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app;
  }

  const get = (app: FastifyInstance) => fetch(`http://127.0.0.1:${(app.server.address() as net.AddressInfo).port}/api/v1/x`);

  it('limits with Redis up (the control case)', async () => {
    const app = await appWith(TEST_REDIS_URL);
    try {
      expect((await get(app)).status).toBe(200);
      const limited = await get(app);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    } finally {
      await app.close();
    }
  });

  it.each([
    ['refused', () => 'redis://127.0.0.1:1'],
    ['hung', () => `redis://127.0.0.1:${(silent.address() as net.AddressInfo).port}`],
  ])('lets requests through unlimited when Redis is %s', async (_what, url) => {
    const app = await appWith(url());
    try {
      for (let i = 0; i < 3; i++) {
        expect((await get(app)).status).toBe(200);
      }
    } finally {
      await app.close();
    }
  });
});
