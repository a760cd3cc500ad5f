import Redis from 'ioredis';
import { HealthService as HealthServiceToken } from '../../src/platform/ops/health.service';
import { REDIS } from '../../src/platform/redis/redis.module';
import { createTestApp, TestApp } from '../support/app';

describe('ops: health probes and metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers liveness without credentials', async () => {
    const res = await t.http().get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok' });
    expect(typeof res.body.uptimeSeconds).toBe('number');
  });

  it('is ready when Postgres and Redis answer and migrations are applied', async () => {
    const res = await t.http().get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up', migrations: 'up' } });
  });

  it('answers GET probes (the fast path: probe-fast-path.spec.ts) with the edge headers and metrics of any route', async () => {
    for (const path of ['/health/live', '/health/ready', '/health/ready/', '/health/ready?verbose=1']) {
      const res = await t.http().get(path).set('Origin', 'https://app.example.com');
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-request-id']).toBeTruthy();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
    // HEAD and other methods go through the router, as on any route.
    expect((await t.http().head('/health/ready')).status).toBe(200);
    expect((await t.http().post('/health/ready').send({})).status).toBe(405);
    const metrics = await t.http().get('/metrics');
    expect(metrics.text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/health\/ready"[^}]*\} [1-9]/);
  });

  it('is not ready while a migration is pending, and names it', async () => {
    const [last] = await t.dataSource.query(`SELECT id, timestamp, name FROM public.migrations ORDER BY id DESC LIMIT 1`);
    await t.dataSource.query(`DELETE FROM public.migrations WHERE id = $1`, [last.id]);
    // A fresh process would see it at once; this one re-reads the table once its 10 s cache lapses.
    const health = t.app.get(HealthServiceToken);
    (health as unknown as { migrationsOkUntil: number }).migrationsOkUntil = 0;
    try {
      const res = await t.http().get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        status: 503,
        code: 'NOT_READY',
        checks: { database: 'up', redis: 'up', migrations: 'down' },
        errors: [{ field: 'migrations', message: expect.stringContaining('pending') }],
      });
    } finally {
      await t.dataSource.query(`INSERT INTO public.migrations (id, timestamp, name) VALUES ($1, $2, $3)`, [last.id, last.timestamp, last.name]);
    }
  });

  it('answers 503 naming redis, quickly, when Redis does not answer', async () => {
    const redis = t.app.get<Redis>(REDIS);
    // A paused connection neither answers nor errors: the worst case for a probe.
    const stream = (redis as unknown as { stream: { pause(): void; resume(): void } }).stream;
    stream.pause();
    try {
      const res = await t.http().get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body.checks).toEqual({ database: 'up', redis: 'down', migrations: 'up' });
      expect(res.body.errors).toEqual([{ field: 'redis', message: expect.stringMatching(/did not answer/) }]);
      expect(res.headers['retry-after']).toBe('5');
    } finally {
      stream.resume();
    }
    const again = await t.http().get('/health/ready');
    expect(again.status).toBe(200);
  });

  it('exposes Prometheus metrics with route patterns, pool and process figures', async () => {
    await t.http().get('/health/live');
    await t.http().get('/no/such/route/12345');
    const res = await t.http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/health\/live",status_code="200"\} \d+/);
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\(unmatched\)",status_code="404"\} 1/);
    expect(res.text).not.toContain('12345');
    expect(res.text).toMatch(/crm_db_pool_connections_total \d+/);
    expect(res.text).toMatch(/crm_db_pool_requests_waiting 0/);
    expect(res.text).toContain('process_resident_memory_bytes');
    expect(res.text).toContain("nodejs_eventloop_lag_seconds");
    expect(res.text).toMatch(/crm_queue_jobs\{queue="crm",state="waiting"\} \d+/);
  });
});
