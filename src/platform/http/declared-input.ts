import { CanActivate, ExecutionContext, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DECORATORS } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { badRequest, FieldError } from '../errors/domain-error';

/** What an operation declares it reads, as its OpenAPI document says. */
export interface DeclaredInputs {
  /** Query parameter names. */
  query: ReadonlySet<string>;
  /**
   * Whether the operation parses its whole query string itself: a list, count or export, whose
   * `filter[<field>][<op>]` keys (custom fields among them) the document describes as one object
   * parameter. Its parser (parseListQueryString) refuses every key it does not know, naming it.
   */
  ownQuery: boolean;
  /** Whether the operation takes a request body. */
  body: boolean;
}

interface ApiParameter {
  in?: string;
  name?: string;
  type?: unknown;
  style?: string;
  schema?: { type?: string };
}

interface RouteArg {
  index: number;
  data?: unknown;
}

/** The properties a DTO documents (`@ApiProperty`), as Swagger lists them for `@Query() dto`. */
function dtoProperties(type: unknown): string[] {
  if (typeof type !== 'function' || !type.prototype) return [];
  const keys = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, type.prototype as object) ?? []) as string[];
  return keys.map((k) => k.replace(/^:/, ''));
}

/**
 * The query parameters and body an operation declares, read from the metadata Swagger builds
 * the OpenAPI document from: `@ApiQuery` / `@ApiBody` (and the decorators built on them, such
 * as ApiListQuery and ApiSearchBody), `@Query('name')`, `@Query() dto` (the DTO's documented
 * properties) and `@Body()`.
 */
export function declaredInputsOf(controller: Type, handler: (...args: never[]) => unknown): DeclaredInputs {
  const query = new Set<string>();
  let ownQuery = false;
  let body = false;
  const params = (Reflect.getMetadata(DECORATORS.API_PARAMETERS, handler) ?? []) as ApiParameter[];
  for (const p of params) {
    if (p.in === 'body') body = true;
    if (p.in !== 'query') continue;
    if (p.name) {
      query.add(p.name);
      if (p.style === 'deepObject') ownQuery = true;
    } else {
      for (const name of dtoProperties(p.type)) query.add(name);
    }
  }
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {}) as Record<string, RouteArg>;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, handler.name) ?? []) as unknown[];
  for (const [key, arg] of Object.entries(args)) {
    const paramtype = Number(key.split(':')[0]);
    if (paramtype === RouteParamtypes.BODY || paramtype === RouteParamtypes.RAW_BODY) body = true;
    if (paramtype !== RouteParamtypes.QUERY) continue;
    if (typeof arg.data === 'string') query.add(arg.data);
    else for (const name of dtoProperties(types[arg.index])) query.add(name);
  }
  return { query, ownQuery, body };
}

const isEmptyBody = (body: unknown): boolean =>
  body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0);

/**
 * The request's body: Fastify parses none on GET and HEAD, so there a body the caller sent
 * (a Content-Length above 0, or a chunked one) counts as one, whatever it holds.
 */
function bodyOf(request: FastifyRequest): unknown {
  if (request.method !== 'GET' && request.method !== 'HEAD') return request.body;
  const length = request.headers['content-length'];
  const sent = (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
  return sent ? true : undefined;
}

/**
 * `{field, message}` for every query parameter the operation does not declare, and for a
 * non-empty body sent to an operation that takes none.
 */
export function undeclaredInputErrors(declared: DeclaredInputs, query: unknown, body: unknown): FieldError[] {
  const errors: FieldError[] = [];
  if (!declared.ownQuery) {
    for (const key of Object.keys((query ?? {}) as object)) {
      if (!declared.query.has(key)) errors.push({ field: key.slice(0, 100), message: 'is not a known query parameter' });
    }
  }
  if (!declared.body && !isEmptyBody(body)) errors.push({ field: 'body', message: 'is not accepted: this operation takes no request body' });
  return errors;
}

/**
 * The API's rule for input an operation does not declare (API.md: nothing is silently
 * ignored): a query parameter it does not declare is a 400 naming it (`INVALID_QUERY`, as list
 * endpoints answer), and a body sent to an operation that takes none is a 400 naming `body`
 * (`UNEXPECTED_BODY`). What is declared is what the OpenAPI document lists, so the document and
 * the server cannot disagree. Every route under /api/ (health, metrics and docs are left alone);
 * the query of a list-like operation is left to its own parser (DeclaredInputs.ownQuery), which
 * holds it to the same rule with messages of its own ("an export has no pages").
 *
 * A global guard, installed after the authentication guard (configureHttpApp), so a caller
 * without credentials still gets 401 first; and before interceptors, pipes and the handler, so
 * nothing runs (an `?dryRun=true` the operation does not know never erases anything for real).
 */
export class DeclaredInputGuard implements CanActivate {
  /** Per controller class and handler (an inherited handler may serve several controllers). */
  private readonly cache = new WeakMap<object, WeakMap<object, DeclaredInputs>>();

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const request = ctx.switchToHttp().getRequest<FastifyRequest>();
    if (!request.url.startsWith('/api/')) return true;
    const controller = ctx.getClass();
    const handler = ctx.getHandler();
    let byHandler = this.cache.get(controller);
    if (!byHandler) this.cache.set(controller, (byHandler = new WeakMap()));
    let declared = byHandler.get(handler);
    if (!declared) {
      declared = declaredInputsOf(controller, handler as (...args: never[]) => unknown);
      byHandler.set(handler, declared);
    }
    const errors = undeclaredInputErrors(declared, request.query, bodyOf(request));
    if (!errors.length) return true;
    const query = errors.filter((e) => e.field !== 'body');
    if (query.length) {
      const names = query.map((e) => e.field).join(', ');
      throw badRequest(`Unknown query parameter${query.length > 1 ? 's' : ''} ${names}.`, errors, 'INVALID_QUERY');
    }
    throw badRequest('This operation takes no request body; send none.', errors, 'UNEXPECTED_BODY');
  }
}
