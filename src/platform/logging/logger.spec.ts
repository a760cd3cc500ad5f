import { Writable } from 'node:stream';
import { createRootLogger, lazyChildLoggerFactory, PinoNestLogger } from './logger';

function capture() {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

describe('root logger', () => {
  it('writes one JSON object per line with an ISO time and a level label', () => {
    const { lines, stream } = capture();
    createRootLogger('info', stream).info({ route: '/x' }, 'hello');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', service: 'crm', route: '/x', msg: 'hello' });
    expect(new Date(lines[0].time).toISOString()).toBe(lines[0].time);
  });

  it('redacts credentials in request headers, bodies and failed-query parameters', () => {
    const { lines, stream } = capture();
    const log = createRootLogger('info', stream);
    log.info({ req: { headers: { authorization: 'Bearer abc.def', 'x-api-key': 'crm_live_123', cookie: 's=1', accept: 'json' } } }, 'r');
    log.info({ body: { email: 'a@b.c', password: 'hunter2hunter2' }, refreshToken: 'rt', user: { apiKey: 'k' } }, 'b');
    log.error({ err: { message: 'duplicate key', parameters: ['a@b.c', '$argon2id$v=19$hash'] } }, 'q');
    const text = JSON.stringify(lines);
    for (const secret of ['abc.def', 'crm_live_123', 's=1', 'hunter2hunter2', '"rt"', '"k"', 'argon2id']) expect(text).not.toContain(secret);
    expect(lines[0].req.headers).toEqual({ authorization: '[redacted]', 'x-api-key': '[redacted]', cookie: '[redacted]', accept: 'json' });
    expect(lines[1].body).toEqual({ email: 'a@b.c', password: '[redacted]' });
    expect(lines[2].err).toMatchObject({ message: 'duplicate key', parameters: '[redacted]' });
  });

  it('respects the level', () => {
    const { lines, stream } = capture();
    const log = createRootLogger('warn', stream);
    log.info('no');
    log.warn('yes');
    expect(lines.map((l) => l.msg)).toEqual(['yes']);
  });
});

describe('PinoNestLogger', () => {
  it('keeps Nest context and error stacks as fields of the same JSON line', () => {
    const { lines, stream } = capture();
    const nest = new PinoNestLogger(createRootLogger('debug', stream));
    nest.log('Mapped route', 'RoutesResolver');
    nest.error('boom', 'Error: boom\n    at x', 'ExceptionsHandler');
    nest.warn({ jobId: 'j1' }, 'slow job', 'Queue');
    expect(lines[0]).toMatchObject({ level: 'info', context: 'RoutesResolver', msg: 'Mapped route' });
    expect(lines[1]).toMatchObject({ level: 'error', context: 'ExceptionsHandler', msg: 'boom', stack: 'Error: boom\n    at x' });
    expect(lines[2]).toMatchObject({ level: 'warn', context: 'Queue', jobId: 'j1', msg: 'slow job' });
  });
});

describe('lazy request logger', () => {
  it('builds no child for lines the level filters out', () => {
    const { lines, stream } = capture();
    const root = createRootLogger('warn', stream);
    const child = jest.spyOn(root, 'child');
    const log = lazyChildLoggerFactory(root, { reqId: 'r-1' }, { level: '' });
    log.info({ route: '/health/ready' }, 'request completed');
    log.debug('quiet');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });

  it('writes enabled lines through a real child: bindings and redaction included', () => {
    const { lines, stream } = capture();
    const root = createRootLogger('info', stream);
    const log = lazyChildLoggerFactory(root, { reqId: 'r-2' }, {});
    log.info({ body: { password: 'hunter2hunter2' } }, 'first');
    log.error('second');
    expect(lines).toMatchObject([
      { level: 'info', reqId: 'r-2', body: { password: '[redacted]' }, msg: 'first' },
      { level: 'error', reqId: 'r-2', msg: 'second' },
    ]);
    expect(log.child({ job: 'x' }).bindings()).toMatchObject({ reqId: 'r-2', job: 'x' });
  });

  it('gives a route with its own level a real child at that level', () => {
    const { lines, stream } = capture();
    const root = createRootLogger('warn', stream);
    const log = lazyChildLoggerFactory(root, { reqId: 'r-3' }, { level: 'debug' });
    log.debug('shown');
    expect(lines).toMatchObject([{ level: 'debug', reqId: 'r-3', msg: 'shown' }]);
  });
});
