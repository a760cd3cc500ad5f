import * as http from 'node:http';
import * as net from 'node:net';
import { AddressInfo } from 'node:net';
import { createTestApp, TestApp } from '../support/app';
import { HttpTestModule } from '../http/support/http-test.module';

const PROBLEM = /^application\/problem\+json/;
const ALLOWED_ORIGIN = 'https://app.example.com';

/** Sends raw bytes (for requests supertest refuses to build) and returns the raw answer. */
function rawRequest(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(payload));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
}

const bodyOf = (raw: string) => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));

describe('HTTP edge: every failure is problem+json', () => {
  let t: TestApp;
  let port: number;
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);

  beforeAll(async () => {
    process.on('warning', onWarning);
    t = await createTestApp({ imports: [HttpTestModule], env: { CORS_ORIGINS: `${ALLOWED_ORIGIN},https://other.example.com` } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await t.close();
  });

  it('boots without Fastify warnings about overridden error handlers', async () => {
    await new Promise((r) => setImmediate(r));
    expect(warnings.map((w) => (w as { code?: string }).code)).not.toContain('FSTWRN004');
  });

  describe('routing', () => {
    it('answers an unknown route with a 404 problem and a request id', async () => {
      const res = await t.http().get('/api/v1/nope').set('X-Request-Id', 'abc-123');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.headers['x-request-id']).toBe('abc-123');
      expect(res.body).toMatchObject({ status: 404, title: 'Not Found', code: 'ROUTE_NOT_FOUND', instance: '/api/v1/nope', requestId: 'abc-123', errors: [] });
    });

    it('answers a known path with a wrong method with 405 and Allow', async () => {
      const res = await t.http().delete('/api/v1/test-http/echo');
      expect(res.status).toBe(405);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.headers.allow).toBe('POST');
      expect(res.body).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED', title: 'Method Not Allowed' });

      const withParam = await t.http().put('/api/v1/test-http/things/123');
      expect(withParam.status).toBe(405);
      expect(withParam.headers.allow).toBe('GET, HEAD');
    });

    it('answers a malformed URL with a 400 problem', async () => {
      const res = await t.http().get('/api/v1/test-http/things/%E0%A4%A');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.headers['x-request-id']).toBeDefined();
      expect(res.body).toMatchObject({ status: 400, code: 'BAD_URL' });
    });

    it('answers an over-long path parameter with a 414 problem', async () => {
      const res = await t.http().get(`/api/v1/test-http/things/${'a'.repeat(300)}`);
      expect(res.status).toBe(414);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ status: 414, code: 'URI_TOO_LONG' });
    });

    it('replaces an insane request id with its own', async () => {
      const res = await t.http().get('/api/v1/nope').set('X-Request-Id', 'x'.repeat(500));
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('sends X-Request-Id on successes too', async () => {
      const res = await t.http().get('/api/v1/test-http/things/1');
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('bodies', () => {
    it('answers malformed JSON with a 400 problem', async () => {
      const res = await t.http().post('/api/v1/test-http/echo').set('Content-Type', 'application/json').send('{"name": "a",');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.headers['x-request-id']).toBeDefined();
      expect(res.body).toMatchObject({ status: 400, code: 'MALFORMED_BODY', instance: '/api/v1/test-http/echo' });
      expect(res.body.detail).toMatch(/not valid JSON/);
    });

    it('answers an empty JSON body with a 400 problem', async () => {
      const res = await t.http().post('/api/v1/test-http/echo').set('Content-Type', 'application/json').send('');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('MALFORMED_BODY');
    });

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])('answers Content-Type %s with a 415 problem', async (type) => {
      const res = await t.http().post('/api/v1/test-http/echo').set('Content-Type', type).send('name=a');
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    });

    it('answers a body over the limit (1 MiB) with a 413 problem', async () => {
      const big = JSON.stringify({ name: 'x'.repeat(t.config.http.bodyLimit) });
      const res = await t.http().post('/api/v1/test-http/echo').set('Content-Type', 'application/json').send(big);
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE', title: 'Content Too Large' });
    });

    it('refuses a 50 MB upload from its Content-Length, without reading it', async () => {
      const total = 50 * 1024 * 1024;
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const result = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
        let sent = 0;
        let answered = false;
        const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/test-http/echo', headers: { 'Content-Type': 'application/json', 'Content-Length': total } });
        req.on('response', (res) => {
          answered = true;
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (body += c));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body, sent });
            req.destroy();
          });
        });
        req.on('error', (err) => (answered ? undefined : reject(err)));
        const pump = () => {
          while (!answered && sent < total) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
        };
        pump();
      });
      expect(result.status).toBe(413);
      expect(JSON.parse(result.body)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
      expect(result.sent).toBeLessThan(total);
    });

    it('refuses a chunked upload over the limit while it streams in', async () => {
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/test-http/echo', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } });
        req.on('response', (r) => {
          let body = '';
          r.setEncoding('utf8');
          r.on('data', (c) => (body += c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        for (let i = 0; i < 20; i++) req.write(Buffer.alloc(64 * 1024, 0x20));
        req.end();
      });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body).code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('answers an invalid Content-Length with a 400 problem', async () => {
      const raw = await rawRequest(
        port,
        'POST /api/v1/test-http/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}',
      );
      expect(raw).toMatch(/^HTTP\/1\.1 400 /);
      expect(raw).toMatch(/content-type: application\/problem\+json/i);
      expect(raw).toMatch(/x-request-id: [0-9a-f-]{36}/i);
      expect(bodyOf(raw)).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST' });
    });

    it('answers headers over the size limit with a 431 problem', async () => {
      const raw = await rawRequest(port, `GET /api/v1/test-http/things/1 HTTP/1.1\r\nHost: localhost\r\nX-Junk: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(raw).toMatch(/^HTTP\/1\.1 431 /);
      expect(bodyOf(raw)).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE', title: 'Request Header Fields Too Large' });
    });

    it('answers a query string over the size limit with a 431 problem', async () => {
      const res = await t.http().get(`/api/v1/test-http/things/1?q=${'a'.repeat(20_000)}`);
      expect(res.status).toBe(431);
    });
  });

  describe('hostile bodies', () => {
    const post = (body: string) => t.http().post('/api/v1/test-http/echo').set('Content-Type', 'application/json').send(body);

    it('answers 10,000 levels of nesting with a 400 and keeps serving', async () => {
      const res = await post(`{"name":"a","address":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('BODY_TOO_DEEP');
      const objects = await post(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
      expect(objects.status).toBe(400);
      expect((await post('{"name":"still here"}')).status).toBe(200);
    });

    it('refuses __proto__ keys with a 400 problem', async () => {
      const res = await post('{"name":"a","__proto__":{"isAdmin":true}}');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN_KEY', errors: [{ field: '__proto__', message: 'is a reserved key' }] });
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it('refuses constructor.prototype with a 400 problem', async () => {
      const res = await post('{"name":"a","address":{"constructor":{"prototype":{"isAdmin":true}}}}');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN_KEY', errors: [{ field: 'address.constructor' }] });
    });

    it('refuses Object.prototype names as unknown fields (class-validator lets them pass)', async () => {
      const res = await post('{"name":"a","constructor":"x","hasOwnProperty":1,"address":{"city":"Riga","toString":"x"}}');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'constructor', message: 'is not a known field' },
          { field: 'hasOwnProperty', message: 'is not a known field' },
          { field: 'address.toString', message: 'is not a known field' },
        ]),
      );
    });

    it('names unknown fields, nested ones with dotted paths', async () => {
      const res = await post(JSON.stringify({ name: 'a', isAdmin: true, address: { city: 'Riga', zip: '1' }, addresses: [{ city: 'Oslo' }, { town: 'x' }] }));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['isAdmin', 'address.zip', 'addresses[1].town', 'addresses[1].city']));
      expect(res.body.errors).toContainEqual({ field: 'isAdmin', message: 'is not a known field' });
    });

    it('names fields of the wrong type', async () => {
      const res = await post(JSON.stringify({ name: 12, count: 'many', address: 'Riga' }));
      expect(res.status).toBe(400);
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['name', 'count', 'address']));
    });

    it('answers a JSON array or scalar body with a 400', async () => {
      expect((await post('[1,2,3]')).status).toBe(400);
      expect((await post('"text"')).status).toBe(400);
      expect((await post('null')).status).toBe(400);
    });

    it('answers huge strings with a validation error, not a crash', async () => {
      const res = await post(JSON.stringify({ name: 'x'.repeat(500_000) }));
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'name', message: expect.stringMatching(/shorter than or equal to 100/) }]);
    });
  });

  describe('failures of ours', () => {
    it('answers an unexpected error with a bare 500: no message, stack or internal name', async () => {
      const res = await t.http().get('/api/v1/test-http/fail/bug');
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ status: 500, code: 'INTERNAL', detail: 'An unexpected error occurred.' });
      expect(res.text).not.toMatch(/secretField|TypeError|at .*\.ts/);
    });

    it('never shows SQL or table names', async () => {
      const res = await t.http().get('/api/v1/test-http/fail/sql');
      expect(res.status).toBe(500);
      expect(res.text).not.toMatch(/SELECT|platform\.users|password_hash|42P01/);
    });

    it.each(['pg-down', 'redis-down'])('answers %s with a 503 problem and Retry-After', async (kind) => {
      const res = await t.http().get(`/api/v1/test-http/fail/${kind}`);
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.body).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
      expect(res.text).not.toMatch(/ECONNREFUSED|5432|max retries/);
    });
  });

  describe('headers', () => {
    it('sets helmet headers', async () => {
      const res = await t.http().get('/api/v1/nope');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toBeDefined();
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['x-powered-by']).toBeUndefined();
    });

    it('allows a configured origin and exposes the contract headers', async () => {
      const res = await t.http().get('/api/v1/test-http/things/1').set('Origin', ALLOWED_ORIGIN);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
      expect(res.headers['access-control-expose-headers']).toMatch(/X-Request-Id.*ETag.*Location.*Retry-After.*RateLimit-Remaining/);
      expect(res.headers.vary).toMatch(/Origin/);
    });

    it('does not allow an origin that is not configured', async () => {
      const res = await t.http().get('/api/v1/test-http/things/1').set('Origin', 'https://evil.example.net');
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('answers a preflight from a configured origin', async () => {
      const res = await t
        .http()
        .options('/api/v1/test-http/things')
        .set('Origin', ALLOWED_ORIGIN)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization, content-type, idempotency-key');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
      expect(res.headers['access-control-allow-methods']).toContain('POST');
      expect(res.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/);
      expect(res.headers['access-control-max-age']).toBe('600');
      expect(res.headers['x-request-id']).toBeDefined();
    });

    it('does not allow a preflight from another origin', async () => {
      const res = await t.http().options('/api/v1/test-http/things').set('Origin', 'https://evil.example.net').set('Access-Control-Request-Method', 'POST');
      // Without Access-Control-Allow-Origin the browser refuses the real request.
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });
  });
});
