import { randomUUID } from 'node:crypto';
import { requestHash } from '../../src/platform/http/idempotency/idempotent.decorator';
import { IN_FLIGHT_LEASE_SECONDS } from '../../src/platform/http/idempotency/idempotency.store';
import { createTestApp, TestApp } from '../support/app';
import { HttpTestModule, testState } from './support/http-test.module';

const PROBLEM = /^application\/problem\+json/;

describe('Idempotency-Key (API.md "Writes")', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ imports: [HttpTestModule] });
  });
  afterAll(async () => {
    testState.gate.open();
    await t.close();
  });

  const post = (path: string, key: string | undefined, body: unknown, actor?: string) => {
    let req = t.http().post(`/api/v1/test-http/${path}`).set('Content-Type', 'application/json');
    if (key !== undefined) req = req.set('Idempotency-Key', key);
    if (actor) req = req.set('X-Test-Actor', actor);
    return req.send(JSON.stringify(body));
  };
  const row = async (key: string) =>
    (await t.dataSource.query(`SELECT actor_id, state, response_status, request_method, request_path, extract(epoch FROM expires_at - created_at)::int AS ttl_seconds FROM platform.idempotency_keys WHERE key = $1`, [key]))[0];

  it('runs a first request and replays it to a retry: same status, body, Location and ETag', async () => {
    const key = randomUUID();
    const first = await post('things', key, { name: 'Ada', count: 1 });
    expect(first.status).toBe(201);
    expect(first.headers.location).toMatch(/^\/api\/v1\/test-http\/things\//);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    // Same JSON with its keys in another order is the same request.
    const retry = await post('things', key, { count: 1, name: 'Ada' });
    expect(retry.status).toBe(201);
    expect(retry.text).toBe(first.text);
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.headers.etag).toBe(first.headers.etag);
    expect(retry.headers['content-type']).toBe(first.headers['content-type']);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers['x-request-id']).not.toBe(first.headers['x-request-id']);

    expect(await row(key)).toMatchObject({
      actor_id: 'anonymous',
      state: 'completed',
      response_status: 201,
      request_method: 'POST',
      request_path: '/api/v1/test-http/things',
      ttl_seconds: t.config.idempotencyTtlHours * 3600,
    });
  });

  it('runs every request without a key', async () => {
    const a = await post('things', undefined, { name: 'Bob' });
    const b = await post('things', undefined, { name: 'Bob' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('answers the same key with another body with 422', async () => {
    const key = randomUUID();
    expect((await post('things', key, { name: 'Cy' })).status).toBe(201);
    const other = await post('things', key, { name: 'Dee' });
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toMatch(PROBLEM);
    expect(other.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', errors: [{ field: 'Idempotency-Key' }] });
    // …and with another path, too.
    expect((await post('slow', key, { name: 'Cy' })).status).toBe(422);
  });

  it('answers a retry while the first request runs with 409 and Retry-After, then replays', async () => {
    const key = randomUUID();
    testState.gate.close();
    const first = post('slow', key, { name: 'Eve' }).then((r) => r);
    await testState.gate.reached;
    expect(await row(key)).toMatchObject({ state: 'in_flight' });

    const concurrent = await post('slow', key, { name: 'Eve' });
    expect(concurrent.status).toBe(409);
    expect(concurrent.headers['content-type']).toMatch(PROBLEM);
    expect(concurrent.headers['retry-after']).toBe('1');
    expect(concurrent.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');

    testState.gate.open();
    const done = await first;
    expect(done.status).toBe(201);
    const replay = await post('slow', key, { name: 'Eve' });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(done.body);
  });

  it('keeps keys per caller', async () => {
    const key = randomUUID();
    const a = await post('things', key, { name: 'For A' }, '0193b6b2-0000-7000-8000-00000000000a');
    const b = await post('things', key, { name: 'For B' }, '0193b6b2-0000-7000-8000-00000000000b');
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.name).toBe('For B');
    const rows = await t.dataSource.query(`SELECT actor_id FROM platform.idempotency_keys WHERE key = $1 ORDER BY actor_id`, [key]);
    expect(rows.map((r: { actor_id: string }) => r.actor_id)).toEqual(['0193b6b2-0000-7000-8000-00000000000a', '0193b6b2-0000-7000-8000-00000000000b']);
  });

  it('forgets a key once it has expired', async () => {
    const key = randomUUID();
    const first = await post('things', key, { name: 'Old' });
    await t.dataSource.query(`UPDATE platform.idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [key]);
    const again = await post('things', key, { name: 'New' });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(first.body.id);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });

  it('lets a retry take over a key whose first request died (its lease lapsed)', async () => {
    const key = randomUUID();
    const path = '/api/v1/test-http/things';
    // What a process that crashed mid-request leaves behind.
    await t.dataSource.query(
      `INSERT INTO platform.idempotency_keys (actor_id, key, claim_id, request_method, request_path, request_hash, state, created_at, expires_at)
       VALUES ('anonymous', $1, $2, 'POST', $3, $4, 'in_flight', now() - make_interval(secs => $5), now() + interval '1 day')`,
      [key, randomUUID(), path, requestHash('POST', path, {}, { name: 'Kim' }), IN_FLIGHT_LEASE_SECONDS - 5],
    );
    expect((await post('things', key, { name: 'Kim' })).status).toBe(409);
    await t.dataSource.query(`UPDATE platform.idempotency_keys SET created_at = created_at - interval '10 seconds' WHERE key = $1`, [key]);
    const retry = await post('things', key, { name: 'Kim' });
    expect(retry.status).toBe(201);
    expect(await row(key)).toMatchObject({ state: 'completed', response_status: 201 });
  });

  it('releases the key after a 5xx, so a retry runs again', async () => {
    const key = randomUUID();
    testState.failures = 1;
    const failed = await post('flaky', key, { name: 'Flo' });
    expect(failed.status).toBe(500);
    expect(await row(key)).toBeUndefined();
    const retry = await post('flaky', key, { name: 'Flo' });
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
  });

  it('stores and replays a 4xx answer', async () => {
    const key = randomUUID();
    testState.conflicts = 1;
    const first = await post('conflicting', key, { name: 'Gus' });
    expect(first.status).toBe(409);
    expect(first.headers['content-type']).toMatch(PROBLEM);
    const retry = await post('conflicting', key, { name: 'Gus' });
    expect(retry.status).toBe(409);
    expect(retry.text).toBe(first.text);
    expect(retry.headers['content-type']).toBe(first.headers['content-type']);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    // Without the key the same request now succeeds: the 409 above really was a replay.
    expect((await post('conflicting', undefined, { name: 'Gus' })).status).toBe(200);
  });

  it('does not keep a 400 (nothing was done): the caller may fix the body and reuse the key', async () => {
    const key = randomUUID();
    const bad = await post('things', key, { name: 'Hal', extra: true });
    expect(bad.status).toBe(400);
    expect(await row(key)).toBeUndefined();
    expect((await post('things', key, { name: 'Hal' })).status).toBe(201);
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['with a space', 'a b'],
    ['empty', ''],
  ])('answers a key that is %s with 400', async (_what, key) => {
    const res = await post('things', key, { name: 'Ivy' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({ code: 'INVALID_IDEMPOTENCY_KEY', errors: [{ field: 'Idempotency-Key' }] });
  });

  it('accepts a 255-character key', async () => {
    expect((await post('things', 'k'.repeat(255), { name: 'Jo' })).status).toBe(201);
  });

  it('documents the header on idempotent operations in OpenAPI', async () => {
    const doc = (await t.http().get('/docs-json')).body;
    const op = doc.paths['/api/v1/test-http/things'].post;
    expect(op.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }));
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['409', '422']));
    const echo = doc.paths['/api/v1/test-http/echo'].post;
    expect(echo.parameters ?? []).not.toContainEqual(expect.objectContaining({ name: 'Idempotency-Key' }));
  });

  it('matches its migration (no schema drift)', async () => {
    const sql = await t.dataSource.driver.createSchemaBuilder().log();
    const mine = sql.upQueries.map((q) => q.query).filter((q) => q.includes('idempotency_keys'));
    expect(mine).toEqual([]);
  });
});
