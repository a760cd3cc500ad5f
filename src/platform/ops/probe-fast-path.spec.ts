import Fastify, { FastifyInstance } from 'fastify';
import { DomainError } from '../errors/domain-error';
import type { HealthService } from './health.service';
import { registerProbeFastPath } from './probe-fast-path';

describe('registerProbeFastPath', () => {
  let app: FastifyInstance;
  let ready: jest.Mock;
  const handled: string[] = [];
  let base: string;
  // A real socket: Fastify's inject() needs an ES module jest does not load.
  const call = async (method: string, url: string) => {
    const res = await fetch(`${base}${url}`, { method });
    const text = await res.text();
    return { statusCode: res.status, headers: Object.fromEntries(res.headers), json: () => JSON.parse(text) as Record<string, unknown> };
  };

  beforeEach(async () => {
    handled.length = 0;
    ready = jest.fn().mockResolvedValue({ database: 'up', redis: 'up', migrations: 'up' });
    app = Fastify();
    registerProbeFastPath(app, () => ({ ready, uptimeSeconds: () => 42 }) as unknown as HealthService);
    // Stand-ins for Nest's routes: reached only when the fast path lets a request through.
    for (const url of ['/health/live', '/health/ready', '/health/other']) {
      app.get(url, async (request) => {
        handled.push(`${request.method} ${url}`);
        return { from: 'handler' };
      });
      app.post(url, async () => {
        handled.push(`POST ${url}`);
        return { from: 'handler' };
      });
    }
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    base = `http://127.0.0.1:${port}`;
  });
  afterEach(() => app.close());

  it('answers GET /health/live and /health/ready from the hook, never reaching the handler', async () => {
    const live = await call('GET', '/health/live');
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok', uptimeSeconds: 42 });
    expect(live.headers['cache-control']).toBe('no-store');
    const res = await call('GET', '/health/ready?x=1');
    expect(res.json()).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up', migrations: 'up' } });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(handled).toEqual([]);
  });

  it('leaves other methods and routes to their handlers', async () => {
    await call('POST', '/health/ready');
    await call('HEAD', '/health/ready');
    await call('GET', '/health/other');
    expect(handled).toEqual(['POST /health/ready', 'HEAD /health/ready', 'GET /health/other']);
  });

  it('writes a failed readiness as the 503 problem document naming the failing parts', async () => {
    ready.mockRejectedValue(
      new DomainError('NOT_READY', 'unavailable', 'Not ready: redis.', [{ field: 'redis', message: 'did not answer within 1000 ms' }], { 'Retry-After': '5' }, {
        checks: { database: 'up', redis: 'down', migrations: 'up' },
      }),
    );
    const res = await call('GET', '/health/ready');
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toMatchObject({ status: 503, code: 'NOT_READY', checks: { redis: 'down' }, errors: [{ field: 'redis' }] });
    expect(handled).toEqual([]);
  });
});
