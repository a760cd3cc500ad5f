import { createHash } from 'node:crypto';
import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { badRequest, DomainError } from '../../errors/domain-error';
import { ApiProblems } from '../../query/swagger';

export const IDEMPOTENT = 'crm:idempotent';
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on an answer that is a replay of the key's first answer. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

const KEY = /^[\x21-\x7e]{1,255}$/;

const DESCRIPTION =
  'Makes the request safe to retry. A retry with the same key and the same request (method, path, query and JSON body) ' +
  'within the retention period (24 h by default) is not run again: it gets the first answer replayed, with the same status, ' +
  'body, Location and ETag, and the header `Idempotent-Replayed: true`. Answers with status 2xx and 4xx are kept, except 400 ' +
  '(the request was malformed and did nothing; fix it and reuse the key); after a 5xx the key is released and a retry runs ' +
  'again. The same key with a different request is a 422; while the first request is still running, a retry gets 409 with ' +
  'Retry-After. Keys are per caller (user or API key): 1 to 255 visible ASCII characters, e.g. a UUID.';

/**
 * Opts a route in to Idempotency-Key handling (API.md "Writes"): put it on every POST that
 * creates or acts. Opt-in rather than global so that the OpenAPI document lists the header
 * exactly where the server honours it, and responses that must never be replayed (tokens,
 * file downloads) are never stored. The request hash covers JSON bodies: on a multipart upload
 * route the key alone identifies the request.
 */
export const Idempotent = (): MethodDecorator =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, true),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: DESCRIPTION,
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$', example: '0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11' },
    }),
    ApiProblems(409, 422),
  );

/** The key from the header, or a 400 naming the header. */
export function parseIdempotencyKey(header: string | string[]): string {
  if (typeof header === 'string' && KEY.test(header)) return header;
  throw badRequest(
    'Idempotency-Key must be one value of 1 to 255 visible ASCII characters.',
    [{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }],
    'INVALID_IDEMPOTENCY_KEY',
  );
}

/** JSON with object keys sorted, so that `{"a":1,"b":2}` and `{"b":2,"a":1}` are one request. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? '';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const entries = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
  return `{${entries.join(',')}}`;
}

/** What makes two requests "the same" for a key: method, path, query and body. */
export function requestHash(method: string, path: string, query: unknown, body: unknown): string {
  return createHash('sha256').update(`${method}\n${path}\n${canonicalJson(query)}\n${canonicalJson(body)}`).digest('hex');
}

export const idempotencyKeyReused = (): DomainError =>
  new DomainError(
    'IDEMPOTENCY_KEY_REUSED',
    'unprocessable',
    'This Idempotency-Key was already used with a different request; send a new key for a new request.',
    [{ field: 'Idempotency-Key', message: 'was used with a different request' }],
  );

export const idempotencyKeyInFlight = (): DomainError =>
  new DomainError(
    'IDEMPOTENCY_KEY_IN_USE',
    'conflict',
    'A request with this Idempotency-Key is still running; retry once it has finished.',
    [{ field: 'Idempotency-Key', message: 'is in use by a request still running' }],
    { 'Retry-After': '1' },
  );
