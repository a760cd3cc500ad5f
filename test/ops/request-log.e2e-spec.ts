import { Writable } from 'node:stream';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import supertest from 'supertest';
import { AppModule } from '../../src/app.module';
import { createHttpApp } from '../../src/platform/http/create-app';
import { createRootLogger } from '../../src/platform/logging/logger';
import { cloneDatabase, dropDatabase, testConfig } from '../support/app';

/** api mode's request log: one JSON line per request, with its id, route, status and duration, and no credentials. */
describe('ops: request log', () => {
  const lines: Record<string, any>[] = [];
  let app: NestFastifyApplication;
  let databaseName: string;

  beforeAll(async () => {
    databaseName = await cloneDatabase();
    const config = testConfig(databaseName, { env: { LOG_LEVEL: 'info' } });
    const stream = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    app = await createHttpApp(AppModule.forRoot(config), { config, rootLogger: createRootLogger('info', stream), nestLogger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app.close();
    await dropDatabase(databaseName);
  });

  it('writes one line per request with request id, route pattern, status and duration', async () => {
    lines.length = 0;
    await supertest(app.getHttpServer())
      .get('/api/v1/nothing-here?token=abc')
      .set('X-Request-Id', 'req-log-1')
      .set('Authorization', 'Bearer secret-token-value')
      .set('X-API-Key', 'crm_secret_key')
      .expect(404);
    const mine = lines.filter((l) => l.reqId === 'req-log-1');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      level: 'info',
      component: 'http',
      msg: 'request completed',
      method: 'GET',
      route: '(unmatched)',
      path: '/api/v1/nothing-here',
      statusCode: 404,
    });
    expect(typeof mine[0].durationMs).toBe('number');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('secret-token-value');
    expect(text).not.toContain('crm_secret_key');
    expect(text).not.toContain('token=abc');
  });

  it('logs probes only at debug level', async () => {
    lines.length = 0;
    await supertest(app.getHttpServer()).get('/health/live').expect(200);
    expect(lines.filter((l) => l.route === '/health/live')).toEqual([]);
  });
});
