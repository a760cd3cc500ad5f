import { applyDecorators, CallHandler, createParamDecorator, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';
import { badRequest, DomainError } from '../errors/domain-error';
import { ApiProblems } from '../query/swagger';

/**
 * ETags are strong and carry the record's version: `"7"`. If-Match accepts `"7"` (and, leniently,
 * `W/"7"` since some clients weaken tags they were given) or `*`.
 */
export const etagOf = (version: number): string => `"${version}"`;

const ETAG = /^(?:W\/)?"(\d{1,10})"$/;

/** The version an If-Match header demands: undefined when absent or `*` (any version). */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (value === '' || value === '*') return undefined;
  const m = ETAG.exec(value);
  if (!m) {
    throw badRequest('If-Match must be one ETag of this record, as returned by GET (e.g. "3").', [{ field: 'If-Match', message: 'must be one ETag such as "3"' }], 'INVALID_IF_MATCH');
  }
  return Number(m[1]);
}

/** `@IfMatch() ifMatch: number | undefined` — the version a PATCH/DELETE/restore requires. */
export const IfMatch = createParamDecorator((_: unknown, ctx: ExecutionContext): number | undefined =>
  parseIfMatch(ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers['if-match']),
);

export function preconditionFailed(currentVersion: number): DomainError {
  return new DomainError(
    'PRECONDITION_FAILED',
    'precondition_failed',
    'The record changed since the ETag given in If-Match; fetch it again and retry.',
    [{ field: 'If-Match', message: 'does not match the current version' }],
    { ETag: etagOf(currentVersion) },
  );
}

/** Sets `ETag` from the `version` of the response body (a record DTO). */
@Injectable()
export class ETagInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body: unknown) => {
        const version = (body as { version?: unknown } | null)?.version;
        if (typeof version === 'number') ctx.switchToHttp().getResponse<FastifyReply>().header('ETag', etagOf(version));
        return body;
      }),
    );
  }
}

/** On an endpoint returning one record: answer with its ETag. */
export const WithETag = (): MethodDecorator & ClassDecorator => UseInterceptors(ETagInterceptor);

/** Documents If-Match and its 412 on PATCH/DELETE/restore. */
export const ApiIfMatch = (): MethodDecorator =>
  applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'ETag from GET (e.g. "3"): the write happens only if the record is still at that version, else 412',
      schema: { type: 'string', example: '"3"' },
    }),
    ApiProblems(412),
  );
