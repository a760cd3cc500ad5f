import * as net from 'node:net';
import { AddressInfo } from 'node:net';
import { createTestApp, TestApp } from '../support/app';
import { HttpTestModule, testState } from './support/http-test.module';

describe('HTTP edge while the server shuts down', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ imports: [HttpTestModule] });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    testState.gate.open();
    await t.close();
  });

  it('answers a request that arrives during the drain with a 503 problem', async () => {
    const fastify = t.app.getHttpAdapter().getInstance();
    const port = (t.app.getHttpServer().address() as AddressInfo).port;
    testState.gate.close();
    const body = '{"name":"slow"}';
    // A request holds the connection open; a second one arrives on it once the drain has begun.
    const socket = net.connect(port, '127.0.0.1');
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (c) => (raw += c));
    const ended = new Promise((r) => socket.on('close', r));
    socket.write(`POST /api/v1/test-http/slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await testState.gate.reached;
    const closed = fastify.close();
    while (fastify.server.listening) await new Promise((r) => setImmediate(r));
    socket.write(`GET /api/v1/test-http/things/1 HTTP/1.1\r\nHost: x\r\n\r\n`);
    // Let the bytes arrive while the first request still runs (either order ends in the 503 below).
    await new Promise((r) => setTimeout(r, 50));
    testState.gate.open();
    await closed;
    await ended;

    const [first, second] = raw.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 201 /);
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second).toMatch(/content-type: application\/problem\+json/i);
    expect(second).toMatch(/retry-after: 1/i);
    expect(second).toMatch(/connection: close/i);
    expect(second).toMatch(/x-request-id: /i);
    expect(JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 503, code: 'SHUTTING_DOWN' });
  });
});
