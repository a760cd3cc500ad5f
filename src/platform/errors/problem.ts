import { HttpException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainError, ErrorKind, FieldError } from './domain-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const STATUS: Record<ErrorKind, number> = {
  bad_request: 400,
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  precondition_failed: 412,
  precondition_required: 428,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

const TITLE: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const titleOf = (status: number): string => TITLE[status] ?? (status >= 500 ? 'Error' : 'Bad Request');

/** Status → kind for errors that carry only a status; the first kind listed wins (400 → bad_request). */
const KIND_BY_STATUS: Record<number, ErrorKind> = {};
for (const [kind, status] of Object.entries(STATUS)) KIND_BY_STATUS[status] ??= kind as ErrorKind;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  code: string;
  errors: FieldError[];
  [extension: string]: unknown;
}

export interface MappedError {
  status: number;
  code: string;
  detail: string;
  errors: FieldError[];
  headers: Record<string, string>;
  extensions: Record<string, unknown>;
  /** true when the cause is ours (a bug or an outage): logged with its stack. */
  internal: boolean;
}

const kebab = (code: string) => code.toLowerCase().replace(/_/g, '-');

/** Fastify's own error codes (parsing, limits, routing) and its plugins', mapped to domain kinds. */
const FASTIFY_CODES: Record<string, [ErrorKind, string, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This content type is not accepted here; send application/json.'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is larger than the limit.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['bad_request', 'MALFORMED_BODY', 'The body is empty but the content type says JSON.'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['bad_request', 'MALFORMED_BODY', 'The body is not valid JSON.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['bad_request', 'MALFORMED_BODY', 'The body length does not match the Content-Length header.'],
  FST_ERR_CTP_INVALID_TYPE: ['unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'The Content-Type header is malformed.'],
  FST_ERR_CTP_EMPTY_TYPE: ['unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'The Content-Type header is empty.'],
  FST_ERR_NOT_FOUND: ['not_found', 'ROUTE_NOT_FOUND', 'No such route.'],
  FST_ERR_BAD_URL: ['bad_request', 'BAD_URL', 'The URL is malformed.'],
  FST_ERR_MAX_PARAM_LENGTH: ['uri_too_long', 'URI_TOO_LONG', 'A path segment is longer than the limit.'],
  FST_ERR_ASYNC_CONSTRAINT: ['bad_request', 'BAD_REQUEST', 'The request could not be routed.'],
  FST_ERR_HANDLER_TIMEOUT: ['unavailable', 'REQUEST_TIMEOUT', 'The request took too long; retry shortly.'],
  FST_REQ_FILE_TOO_LARGE: ['payload_too_large', 'PAYLOAD_TOO_LARGE', 'The uploaded file is larger than the limit.'],
  FST_FILES_LIMIT: ['payload_too_large', 'PAYLOAD_TOO_LARGE', 'Too many files in the upload.'],
  FST_PARTS_LIMIT: ['payload_too_large', 'PAYLOAD_TOO_LARGE', 'Too many parts in the upload.'],
  FST_FIELDS_LIMIT: ['payload_too_large', 'PAYLOAD_TOO_LARGE', 'Too many fields in the upload.'],
  FST_PROTO_VIOLATION: ['bad_request', 'FORBIDDEN_KEY', 'A field name of the upload is not allowed.'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: ['unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data.'],
};

/** Postgres SQLSTATEs that are the caller's fault, mapped to domain kinds. */
const PG_CODES: Record<string, [ErrorKind, string, string]> = {
  '23505': ['conflict', 'UNIQUE_VIOLATION', 'A record with this value already exists.'],
  '23503': ['conflict', 'REFERENCE_VIOLATION', 'The record refers to, or is referred to by, another record.'],
  '23514': ['bad_request', 'INVALID_VALUE', 'A value is not allowed here.'],
  '22P02': ['bad_request', 'INVALID_VALUE', 'A value has the wrong format.'],
  '22003': ['bad_request', 'INVALID_VALUE', 'A number is out of range.'],
  '22007': ['bad_request', 'INVALID_VALUE', 'A date or time is malformed.'],
  '22008': ['bad_request', 'INVALID_VALUE', 'A date or time is out of range.'],
  '22001': ['bad_request', 'INVALID_VALUE', 'A value is too long.'],
  '40001': ['conflict', 'CONCURRENT_UPDATE', 'The record was changed concurrently; retry.'],
  '40P01': ['conflict', 'CONCURRENT_UPDATE', 'The record was changed concurrently; retry.'],
  '55P03': ['unavailable', 'LOCK_TIMEOUT', 'The record is busy; retry shortly.'],
  '57014': ['unavailable', 'QUERY_TIMEOUT', 'The query took too long.'],
};

/**
 * SQLSTATEs meaning "the database is not there for us right now": connection exceptions (class
 * 08), shutdown or start-up (57P0x), exhausted resources (class 53), a replica after failover.
 */
const PG_UNAVAILABLE = /^(08\w{3}|57P0[1-4]|53\w{3}|25006)$/;

/** Socket-level failures from pg, ioredis and Node itself. */
const UNAVAILABLE_NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** What pg, pg-pool and ioredis say when their server is gone or not answering. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connect ECONNREFUSED|Connection is closed|timeout exceeded when trying to connect|Reached the max retries|Stream isn't writeable|Command timed out|Client has encountered a connection error|Client was closed and is not queryable|Driver not Connected|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|sorry, too many clients/i;

/** Redis replies that mean "not now" rather than "bad command". */
const REDIS_UNAVAILABLE_REPLY = /^(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY|OOM|MISCONF)\b/;

interface ErrorLike {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  name?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * Whether an error says Postgres or Redis is unreachable. Drivers wrap each other (TypeORM's
 * QueryFailedError holds pg's error, Node's AggregateError holds one error per address tried),
 * so causes are followed a few levels down.
 */
export function isDependencyUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (UNAVAILABLE_NETWORK.has(code) || PG_UNAVAILABLE.test(code)) return true;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  if (e.name === 'ReplyError' && REDIS_UNAVAILABLE_REPLY.test(message)) return true;
  if (UNAVAILABLE_MESSAGE.test(message)) return true;
  return (
    isDependencyUnavailable(e.driverError, depth + 1) ||
    isDependencyUnavailable(e.cause, depth + 1) ||
    (Array.isArray(e.errors) && e.errors.some((x) => isDependencyUnavailable(x, depth + 1)))
  );
}

/** Words of an index expression that are not column names (`lower(email)`, `(deleted_at IS NULL)`). */
const SQL_WORDS = new Set(['is', 'not', 'null', 'and', 'or', 'true', 'false', 'case', 'when', 'then', 'else', 'end', 'collate']);

const camelCase = (column: string) => column.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * The API field names of a unique violation, from the column list of pg's detail
 * (`Key (external_id)=(…) already exists.`, `Key (lower((email)::text))=(…) already exists.`,
 * `Key (entity, key)=(…) already exists.`), in camelCase; the value is never read. Empty when
 * the detail is not in that form.
 */
export function uniqueViolationFields(detail: unknown): string[] {
  if (typeof detail !== 'string') return [];
  const m = /^Key \((.+?)\)=\(/.exec(detail);
  if (!m) return [];
  // Top-level elements of the column list; an element may be an expression with commas inside.
  const elements: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < m[1].length; i++) {
    const c = m[1][i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      elements.push(m[1].slice(start, i));
      start = i + 1;
    }
  }
  elements.push(m[1].slice(start));
  const fields: string[] = [];
  for (const element of elements) {
    const bare = element
      .replace(/'(?:[^']|'')*'/g, ' ')
      .replace(/::\s*(?:"[^"]*"|[a-z_][a-z0-9_ ]*)(?:\[\])?/gi, ' ');
    for (const id of bare.matchAll(/"?\b([A-Za-z_][A-Za-z0-9_]*)\b"?(?!\s*\()/g)) {
      const name = id[1];
      if (SQL_WORDS.has(name.toLowerCase())) continue;
      const field = camelCase(name.toLowerCase());
      if (!fields.includes(field)) fields.push(field);
    }
  }
  return fields;
}

/** `{field, message}` for each field of a unique violation: the value is taken (alone, or with the others). */
function uniqueViolationErrors(fields: string[]): FieldError[] {
  return fields.map((field) => {
    const others = fields.filter((f) => f !== field);
    return { field, message: others.length ? `is taken together with ${others.join(', ')}` : 'is taken' };
  });
}

const INTERNAL_DETAIL = 'An unexpected error occurred.';
const UNAVAILABLE_DETAIL = 'A service the box depends on is unavailable; retry shortly.';

/**
 * Turns anything thrown into a status, a stable code and a caller-safe detail. Messages of
 * errors we did not write never reach `detail`: they may hold SQL, table names or paths.
 */
export function mapError(err: unknown): MappedError {
  const base = { errors: [] as FieldError[], headers: {} as Record<string, string>, extensions: {} as Record<string, unknown>, internal: false };
  if (err instanceof DomainError) {
    const status = STATUS[err.kind];
    return { ...base, status, code: err.code, detail: err.message, errors: err.errors, headers: err.headers, extensions: err.extensions, internal: status >= 500 };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const response = err.getResponse();
    const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? err.message);
    const detail = Array.isArray(message) ? message.join('; ') : String(message);
    const code = status === 404 ? 'ROUTE_NOT_FOUND' : (KIND_BY_STATUS[status] ?? 'http_error').toUpperCase();
    return { ...base, status, code, detail: status >= 500 ? INTERNAL_DETAIL : detail, internal: status >= 500 };
  }
  const e = (err ?? {}) as ErrorLike & { driverError?: ErrorLike };
  if (err instanceof QueryFailedError || e.driverError) {
    const sqlState = String(e.driverError?.code ?? e.code);
    const pg = PG_CODES[sqlState];
    if (pg) {
      const status = STATUS[pg[0]];
      if (sqlState === '23505') {
        // Name the field(s) whose value is taken, never the value, the constraint or the table.
        const fields = uniqueViolationFields((e.driverError as { detail?: unknown } | undefined)?.detail ?? (err as { detail?: unknown }).detail);
        if (fields.length) {
          const detail = `A record with this ${fields.join(' and ')} already exists.`;
          return { ...base, status, code: pg[1], detail, errors: uniqueViolationErrors(fields) };
        }
      }
      return { ...base, status, code: pg[1], detail: pg[2], headers: status === 503 ? { 'Retry-After': '1' } : {}, internal: status >= 500 };
    }
  }
  if (isDependencyUnavailable(err)) {
    return { ...base, status: 503, code: 'DEPENDENCY_UNAVAILABLE', detail: UNAVAILABLE_DETAIL, headers: { 'Retry-After': '5' }, internal: true };
  }
  if (typeof e.code === 'string' && FASTIFY_CODES[e.code]) {
    const [kind, code, detail] = FASTIFY_CODES[e.code];
    const status = STATUS[kind];
    return { ...base, status, code, detail, internal: status >= 500 };
  }
  if (e.name === 'SyntaxError' && e.statusCode === 400) {
    return { ...base, status: 400, code: 'MALFORMED_BODY', detail: 'The body is not valid JSON.' };
  }
  if (typeof e.statusCode === 'number' && Number.isInteger(e.statusCode) && e.statusCode >= 400 && e.statusCode < 500) {
    const status = e.statusCode;
    return { ...base, status, code: (KIND_BY_STATUS[status] ?? 'bad_request').toUpperCase(), detail: `${titleOf(status)}.` };
  }
  return { ...base, status: 500, code: 'INTERNAL', detail: INTERNAL_DETAIL, internal: true };
}

export function toProblem(mapped: MappedError, instance: string, requestId: string): Problem {
  return {
    type: `urn:crm:problem:${kebab(mapped.code)}`,
    title: titleOf(mapped.status),
    status: mapped.status,
    detail: mapped.detail,
    instance,
    requestId,
    code: mapped.code,
    errors: mapped.errors,
    ...mapped.extensions,
  };
}
