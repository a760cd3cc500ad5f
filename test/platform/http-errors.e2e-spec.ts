import { createTestApp, TestApp } from '../support/app';

describe('HTTP edge: every failure is problem+json', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers an unknown route with a 404 problem and a request id', async () => {
    const res = await t.http().get('/api/v1/nope').set('X-Request-Id', 'abc-123');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found', instance: '/api/v1/nope', requestId: 'abc-123', errors: [] });
  });

  it('replaces an insane request id with its own', async () => {
    const res = await t.http().get('/api/v1/nope').set('X-Request-Id', 'x'.repeat(500));
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets helmet headers', async () => {
    const res = await t.http().get('/api/v1/nope');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
  });
});
