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
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const KIND_BY_STATUS: Record<number, ErrorKind> = Object.fromEntries(
  Object.entries(STATUS).map(([k, v]) => [v, k as ErrorKind]),
) as Record<number, ErrorKind>;

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

/** Fastify's own error codes (parsing, limits, routing) mapped to domain kinds. */
const FASTIFY_CODES: Record<string, [ErrorKind, string, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'This content type is not accepted here; send application/json.'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is larger than the limit.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['bad_request', 'MALFORMED_BODY', 'The body is empty but the content type says JSON.'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['bad_request', 'MALFORMED_BODY', 'The body is not valid JSON.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['bad_request', 'MALFORMED_BODY', 'The Content-Length does not match the body.'],
  FST_ERR_CTP_INVALID_TYPE: ['unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'The Content-Type header is malformed.'],
  FST_ERR_NOT_FOUND: ['not_found', 'ROUTE_NOT_FOUND', 'No such route.'],
  FST_ERR_BAD_URL: ['bad_request', 'BAD_URL', 'The URL is malformed.'],
  FST_ERR_ASYNC_CONSTRAINT: ['bad_request', 'BAD_REQUEST', 'The request could not be routed.'],
  FST_REQ_FILE_TOO_LARGE: ['payload_too_large', 'PAYLOAD_TOO_LARGE', 'The uploaded file is larger than the limit.'],
  FST_FILES_LIMIT: ['payload_too_large', 'PAYLOAD_TOO_LARGE', 'Too many files in the upload.'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: ['unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data.'],
};

/** Postgres SQLSTATEs that are the caller's fault, mapped to domain kinds. */
const PG_CODES: Record<string, [ErrorKind, string, string]> = {
  '23505': ['conflict', 'UNIQUE_VIOLATION', 'A record with this value already exists.'],
  '23503': ['conflict', 'REFERENCE_VIOLATION', 'The record refers to, or is referred to by, another record.'],
  '22P02': ['bad_request', 'INVALID_VALUE', 'A value has the wrong format.'],
  '22003': ['bad_request', 'INVALID_VALUE', 'A number is out of range.'],
  '22007': ['bad_request', 'INVALID_VALUE', 'A date or time is malformed.'],
  '22008': ['bad_request', 'INVALID_VALUE', 'A date or time is out of range.'],
  '22001': ['bad_request', 'INVALID_VALUE', 'A value is too long.'],
  '40001': ['conflict', 'CONCURRENT_UPDATE', 'The record was changed concurrently; retry.'],
  '40P01': ['conflict', 'CONCURRENT_UPDATE', 'The record was changed concurrently; retry.'],
  '57014': ['unavailable', 'QUERY_TIMEOUT', 'The query took too long.'],
};

const UNAVAILABLE_NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

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
    return { ...base, status, code, detail: status >= 500 ? 'An unexpected error occurred.' : detail, internal: status >= 500 };
  }
  const e = err as { code?: string; statusCode?: number; message?: string; driverError?: { code?: string }; name?: string };
  if (err instanceof QueryFailedError || e?.driverError) {
    const pg = PG_CODES[(e.driverError?.code ?? e.code) as string];
    if (pg) return { ...base, status: STATUS[pg[0]], code: pg[1], detail: pg[2], internal: pg[0] === 'unavailable' };
  }
  if (typeof e?.code === 'string' && FASTIFY_CODES[e.code]) {
    const [kind, code, detail] = FASTIFY_CODES[e.code];
    return { ...base, status: STATUS[kind], code, detail };
  }
  if (e?.name === 'SyntaxError' && e.statusCode === 400) {
    return { ...base, status: 400, code: 'MALFORMED_BODY', detail: 'The body is not valid JSON.' };
  }
  if (typeof e?.code === 'string' && (UNAVAILABLE_NETWORK.has(e.code) || e.code === 'ECONNABORTED')) {
    return { ...base, status: 503, code: 'DEPENDENCY_UNAVAILABLE', detail: 'A service the box depends on is unavailable; retry shortly.', internal: true };
  }
  const msg = String(e?.message ?? '');
  if (/Connection terminated|connect ECONNREFUSED|Connection is closed|MaxRetriesPerRequestError|timeout exceeded when trying to connect|Reached the max retries/i.test(msg)) {
    return { ...base, status: 503, code: 'DEPENDENCY_UNAVAILABLE', detail: 'A service the box depends on is unavailable; retry shortly.', internal: true };
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const status = e.statusCode;
    return { ...base, status, code: (KIND_BY_STATUS[status] ?? 'bad_request').toUpperCase(), detail: TITLE[status] ?? 'Bad request.' };
  }
  return { ...base, status: 500, code: 'INTERNAL', detail: 'An unexpected error occurred.', internal: true };
}

export function toProblem(mapped: MappedError, instance: string, requestId: string): Problem {
  return {
    type: `urn:crm:problem:${kebab(mapped.code)}`,
    title: TITLE[mapped.status] ?? 'Error',
    status: mapped.status,
    detail: mapped.detail,
    instance,
    requestId,
    code: mapped.code,
    errors: mapped.errors,
    ...mapped.extensions,
  };
}
