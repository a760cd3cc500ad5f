/**
 * Errors carry a code and a kind, never an HTTP status: services throw them from HTTP handlers,
 * BullMQ processors and the CLI alike. The problem+json filter maps the kind to a status.
 */
export type ErrorKind =
  | 'bad_request'
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'precondition_failed'
  | 'precondition_required'
  | 'payload_too_large'
  | 'uri_too_long'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
    /** Extra members of the problem document (e.g. duplicate candidates). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what = 'record') => new DomainError('NOT_FOUND', 'not_found', `The ${what} does not exist.`);
export const forbidden = (message = 'You are not allowed to do this.') => new DomainError('FORBIDDEN', 'forbidden', message);
export const unauthenticated = (message = 'Authentication is required.') =>
  new DomainError('UNAUTHENTICATED', 'unauthenticated', message, [], { 'WWW-Authenticate': 'Bearer' });
export const conflict = (code: string, message: string, extensions: Record<string, unknown> = {}) =>
  new DomainError(code, 'conflict', message, [], {}, extensions);
export const invalid = (field: string, message: string, code = 'VALIDATION_FAILED') =>
  new DomainError(code, 'validation', `Invalid value for ${field}: ${message}`, [{ field, message }]);
export const badRequest = (message: string, errors: FieldError[] = [], code = 'BAD_REQUEST') =>
  new DomainError(code, 'bad_request', message, errors);
