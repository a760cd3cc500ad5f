import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiProblems } from '../../query/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IDEMPOTENT, IdempotentBody } from './idempotency-key';

export {
  canonicalJson,
  claimIdempotencyKey,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT,
  IDEMPOTENT_REPLAYED_HEADER,
  idempotencyKeyInFlight,
  idempotencyKeyReused,
  parseIdempotencyKey,
  requestHash,
} from './idempotency-key';

const description = (body: IdempotentBody) =>
  'Makes the request safe to retry. A retry with the same key and the same request ' +
  (body === 'json' ? '(method, path, query and JSON body) ' : '(method, path, query, and the form fields, file name and file bytes of the upload) ') +
  'within the retention period (24 h by default) is not run again: it gets the first answer replayed, with the same status, ' +
  'body, Location and ETag, and the header `Idempotent-Replayed: true`. Answers with status 2xx and 4xx are kept, except 400 ' +
  '(the request was malformed and did nothing; fix it and reuse the key); after a 5xx the key is released and a retry runs ' +
  'again. The same key with a different request is a 422; while the first request is still running, a retry gets 409 with ' +
  'Retry-After. Keys are per caller (user or API key): 1 to 255 visible ASCII characters, e.g. a UUID.';

/**
 * Opts a route in to Idempotency-Key handling (API.md "Writes"): put it on every POST that
 * creates or acts. Opt-in rather than global so that the OpenAPI document lists the header
 * exactly where the server honours it, and responses that must never be replayed (tokens,
 * file downloads) are never stored. The request hash covers JSON bodies; a route that reads
 * its body itself (a multipart upload) says `body: 'digest'` and hands the interceptor a digest
 * of what it read through `claimIdempotencyKey`.
 */
export const Idempotent = ({ body = 'json' }: { body?: IdempotentBody } = {}): MethodDecorator =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, body),
    // On the route rather than global: every global interceptor costs every request an
    // AsyncResource.bind and an rxjs chain, and only these routes need this one.
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: description(body),
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$', example: '0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11' },
    }),
    ApiProblems(409, 422),
  );
