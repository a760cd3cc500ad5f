import * as net from 'node:net';
import { BadRequestException, NotFoundException, PayloadTooLargeException, ServiceUnavailableException } from '@nestjs/common';
import { errorCodes } from 'fastify';
import { ReplyError } from 'ioredis';
import { Client } from 'pg';
import { QueryFailedError } from 'typeorm';
import { conflict, DomainError } from './domain-error';
import { isDependencyUnavailable, mapError, toProblem } from './problem';

/** A pg error as the driver raises it, wrapped by TypeORM. */
const pgError = (code: string, message = 'boom') =>
  new QueryFailedError('INSERT INTO platform.users (email) VALUES ($1)', ['a@b.c'], Object.assign(new Error(message), { code, severity: 'ERROR', table: 'users' }));

const LEAKS = /INSERT|platform\.|users|a@b\.c|boom|secret/;

describe('mapError', () => {
  describe('domain errors', () => {
    it('map kind to status and keep code, detail, field errors, headers and extensions', () => {
      const mapped = mapError(new DomainError('DEAL_LOCKED', 'conflict', 'The deal is locked.', [{ field: 'stageId', message: 'locked' }], { 'X-A': '1' }, { candidates: [1] }));
      expect(mapped).toEqual({
        status: 409,
        code: 'DEAL_LOCKED',
        detail: 'The deal is locked.',
        errors: [{ field: 'stageId', message: 'locked' }],
        headers: { 'X-A': '1' },
        extensions: { candidates: [1] },
        internal: false,
      });
      expect(mapError(conflict('X', 'y')).status).toBe(409);
      expect(mapError(new DomainError('DOWN', 'unavailable', 'x')).internal).toBe(true);
    });
  });

  describe('Postgres errors', () => {
    it.each([
      ['23505', 409, 'UNIQUE_VIOLATION'],
      ['23503', 409, 'REFERENCE_VIOLATION'],
      ['23514', 400, 'INVALID_VALUE'],
      ['22P02', 400, 'INVALID_VALUE'],
      ['22001', 400, 'INVALID_VALUE'],
      ['40001', 409, 'CONCURRENT_UPDATE'],
      ['40P01', 409, 'CONCURRENT_UPDATE'],
      ['57014', 503, 'QUERY_TIMEOUT'],
      ['55P03', 503, 'LOCK_TIMEOUT'],
    ])('SQLSTATE %s → %i %s, with no SQL or names in the detail', (code, status, appCode) => {
      const mapped = mapError(pgError(code, 'duplicate key value violates unique constraint "users_email_key" secret'));
      expect(mapped).toMatchObject({ status, code: appCode });
      expect(mapped.detail).not.toMatch(LEAKS);
    });

    it.each(['08006', '08001', '08003', '57P01', '57P02', '57P03', '53300', '53100', '25006'])('SQLSTATE %s (server gone or full) → 503', (code) => {
      const mapped = mapError(pgError(code));
      expect(mapped).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', internal: true });
      expect(mapped.headers['Retry-After']).toBeDefined();
    });

    it('maps SQLSTATEs of our own bugs to a bare 500', () => {
      for (const code of ['42P01', '42703', '42601', '23502']) {
        const mapped = mapError(pgError(code, 'relation "platform.users" does not exist'));
        expect(mapped).toMatchObject({ status: 500, code: 'INTERNAL', internal: true });
        expect(mapped.detail).not.toMatch(LEAKS);
      }
    });

    it('maps a refused connection from the real pg driver to 503', async () => {
      // A port nobody listens on: what pg raises when Postgres is down.
      const server = net.createServer();
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as net.AddressInfo).port;
      await new Promise((r) => server.close(r));
      const client = new Client({ host: '127.0.0.1', port, user: 'x', database: 'x', connectionTimeoutMillis: 2000 });
      const err = await client.connect().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeDefined();
      expect(mapError(err)).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE' });
      expect(mapError(new QueryFailedError('SELECT 1', [], err as Error)).status).toBe(503);
    });

    it.each([
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'timeout exceeded when trying to connect',
      'Client has encountered a connection error and is not queryable',
      'sorry, too many clients already',
      'the database system is shutting down',
    ])('maps pg / pg-pool "%s" to 503', (message) => {
      expect(mapError(new Error(message)).status).toBe(503);
    });
  });

  describe('unique violations (23505)', () => {
    /** A unique violation as pg raises it: the detail holds the column list and the value. */
    const taken = (detail: string | undefined, constraint = 'contacts_external_id_uq') =>
      new QueryFailedError(
        'INSERT INTO contacts.contacts (external_id) VALUES ($1)',
        ['ext-dup-1'],
        Object.assign(new Error(`duplicate key value violates unique constraint "${constraint}"`), { code: '23505', detail, constraint, table: 'contacts', schema: 'contacts' }),
      );

    it('names the field in camelCase, never the value, constraint, table or SQL', () => {
      const mapped = mapError(taken('Key (external_id)=(ext-dup-1) already exists.'));
      expect(mapped).toMatchObject({ status: 409, code: 'UNIQUE_VIOLATION', errors: [{ field: 'externalId', message: 'is taken' }], internal: false });
      const problem = JSON.stringify(toProblem(mapped, '/api/v1/contacts', 'r1'));
      expect(problem).not.toMatch(/ext-dup-1|external_id|contacts_external_id_uq|INSERT|Key \(/);
      expect(mapped.detail).toBe('A record with this externalId already exists.');
    });

    it.each([
      ['Key (lower(email::text))=(a@b.c) already exists.', ['email']],
      ['Key (lower((email)::text))=(a@b.c) already exists.', ['email']],
      ['Key (team_id, lower(name))=(00000000-0000-0000-0000-000000000001, x)=(y) already exists.', ['teamId', 'name']],
      ['Key (entity, key)=(contact, vip) already exists.', ['entity', 'key']],
      [`Key (COALESCE(team_id, '00000000-0000-0000-0000-000000000000'::uuid), name)=(x, y) already exists.`, ['teamId', 'name']],
      ['Key ((name)::character varying)=(x) already exists.', ['name']],
    ])('reads the fields of %s', (detail, fields) => {
      const mapped = mapError(taken(detail));
      expect(mapped.errors.map((e) => e.field)).toEqual(fields);
      if (fields.length > 1) expect(mapped.errors[0].message).toBe(`is taken together with ${fields.slice(1).join(', ')}`);
    });

    it('keeps the generic answer when pg gives no column list', () => {
      for (const detail of [undefined, 'something else']) {
        expect(mapError(taken(detail))).toMatchObject({ status: 409, code: 'UNIQUE_VIOLATION', detail: 'A record with this value already exists.', errors: [] });
      }
    });
  });

  describe('Redis errors', () => {
    it.each([
      Object.assign(new Error('Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.'), { name: 'MaxRetriesPerRequestError' }),
      new Error('Connection is closed.'),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      new Error('Command timed out'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' }),
      new ReplyError('LOADING Redis is loading the dataset in memory'),
      new ReplyError("READONLY You can't write against a read only replica."),
      new ReplyError('OOM command not allowed when used memory > maxmemory.'),
    ])('maps %s to 503', (err) => {
      const mapped = mapError(err);
      expect(mapped).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', internal: true });
      expect(mapped.detail).not.toMatch(/6379|maxRetries|READONLY/);
    });

    it('maps a Redis reply error that is a bug of ours to 500', () => {
      expect(mapError(new ReplyError("ERR unknown command 'FOO'")).status).toBe(500);
    });
  });

  describe('Fastify errors', () => {
    it.each([
      [new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), 413, 'PAYLOAD_TOO_LARGE'],
      [new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [new errorCodes.FST_ERR_CTP_INVALID_TYPE(), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(), 400, 'MALFORMED_BODY'],
      [new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(), 400, 'MALFORMED_BODY'],
      [new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH(), 400, 'MALFORMED_BODY'],
      [new errorCodes.FST_ERR_BAD_URL('/%E0'), 400, 'BAD_URL'],
      [new errorCodes.FST_ERR_MAX_PARAM_LENGTH('/x'), 414, 'URI_TOO_LONG'],
      [new errorCodes.FST_ERR_NOT_FOUND(), 404, 'ROUTE_NOT_FOUND'],
    ])('%s → %i %s', (err, status, code) => {
      expect(mapError(err)).toMatchObject({ status, code, internal: false });
    });

    it('maps an unknown Fastify or plugin 4xx by its status, without its message', () => {
      const err = Object.assign(new Error('reach parts limit at /tmp/upload-1234'), { code: 'FST_SOMETHING_NEW', statusCode: 406 });
      expect(mapError(err)).toEqual(expect.objectContaining({ status: 406, detail: 'Not Acceptable.' }));
    });

    it('maps a Fastify 5xx to a bare 500', () => {
      const err = Object.assign(new Error('serializer failed for /internal/thing'), { code: 'FST_ERR_FAILED_ERROR_SERIALIZATION', statusCode: 500 });
      expect(mapError(err)).toMatchObject({ status: 500, code: 'INTERNAL', detail: 'An unexpected error occurred.' });
    });
  });

  describe('Nest HttpExceptions', () => {
    it('keep their status and message below 500', () => {
      expect(mapError(new BadRequestException('Validation failed (uuid is expected)'))).toMatchObject({ status: 400, code: 'BAD_REQUEST', detail: 'Validation failed (uuid is expected)' });
      expect(mapError(new NotFoundException())).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
      expect(mapError(new PayloadTooLargeException())).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    });
    it('lose their message from 500 on', () => {
      expect(mapError(new ServiceUnavailableException('redis at 10.0.0.5 down'))).toMatchObject({ status: 503, detail: 'An unexpected error occurred.', internal: true });
    });
  });

  describe('anything else', () => {
    it.each([
      new TypeError("Cannot read properties of undefined (reading 'secret')"),
      new RangeError('Maximum call stack size exceeded'),
      'a thrown string with a secret',
      null,
      undefined,
      { message: 'secret object' },
      Object.assign(new Error('secret'), { statusCode: 200 }),
      Object.assign(new Error('secret'), { statusCode: 4.5 }),
    ])('%p → bare 500', (err) => {
      const mapped = mapError(err);
      expect(mapped).toMatchObject({ status: 500, code: 'INTERNAL', detail: 'An unexpected error occurred.', internal: true });
      expect(JSON.stringify(toProblem(mapped, '/x', 'r'))).not.toMatch(/secret|Cannot read|call stack/);
    });
  });
});

describe('isDependencyUnavailable', () => {
  it('follows causes: TypeORM driverError, Error.cause, AggregateError', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' });
    expect(isDependencyUnavailable(new AggregateError([refused, refused], 'all addresses failed'))).toBe(true);
    expect(isDependencyUnavailable(new Error('wrapped', { cause: refused }))).toBe(true);
    expect(isDependencyUnavailable({ driverError: { code: '57P01' } })).toBe(true);
    expect(isDependencyUnavailable(new Error('plain'))).toBe(false);
    expect(isDependencyUnavailable(undefined)).toBe(false);
  });

  it('stops on cyclic causes', () => {
    const a: { cause?: unknown; message: string } = { message: 'a' };
    a.cause = a;
    expect(isDependencyUnavailable(a)).toBe(false);
  });
});

describe('toProblem', () => {
  it('builds an RFC 9457 document', () => {
    const problem = toProblem(mapError(new DomainError('NAME_TAKEN', 'conflict', 'Taken.', [{ field: 'name', message: 'taken' }])), '/api/v1/x', 'req-1');
    expect(problem).toEqual({
      type: 'urn:crm:problem:name-taken',
      title: 'Conflict',
      status: 409,
      detail: 'Taken.',
      instance: '/api/v1/x',
      requestId: 'req-1',
      code: 'NAME_TAKEN',
      errors: [{ field: 'name', message: 'taken' }],
    });
  });
});
