import { createHash } from 'node:crypto';
import { badRequest, DomainError } from '../../errors/domain-error';

export const IDEMPOTENT = 'crm:idempotent';

/**
 * What identifies a request for its key, besides method, path and query: its JSON body, or
 * (`digest`) a digest the handler computes of a body it reads itself, such as a multipart
 * upload streamed to storage, and hands over through `claimIdempotencyKey`.
 */
export type IdempotentBody = 'json' | 'digest';

const BODY_CLAIM = Symbol('idempotency body claim');
type WithBodyClaim = { [BODY_CLAIM]?: (digest: string) => Promise<void> };

/** Set by the interceptor on the request of a `digest` route that carries an Idempotency-Key. */
export function setBodyClaim(request: object, claim: (digest: string) => Promise<void>): void {
  (request as WithBodyClaim)[BODY_CLAIM] = claim;
}

/**
 * On a route marked `@Idempotent({ body: 'digest' })`, once the handler has read the body:
 * claims the request's Idempotency-Key for the body `digest` identifies (nothing without a key).
 * Throws what the route answers instead of running: 422 (the key was used with another body),
 * 409 (its first request still runs), or the first answer, which the interceptor replays.
 */
export async function claimIdempotencyKey(request: object, digest: string): Promise<void> {
  await (request as WithBodyClaim)[BODY_CLAIM]?.(digest);
}
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on an answer that is a replay of the key's first answer. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

const KEY = /^[\x21-\x7e]{1,255}$/;

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
