import { CallHandler, ExecutionContext, Injectable, NestInterceptor, ParseUUIDPipe, UseInterceptors } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { invalid } from '../errors/domain-error';

/** A path id that is not a UUID is a 400 naming the parameter. */
export const uuidParam = (name = 'id') => new ParseUUIDPipe({ exceptionFactory: () => invalid(name, 'must be a UUID') });

/** On a 201: `Location: <collection path>/<id of the created record>`. */
@Injectable()
export class LocationInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body: unknown) => {
        const id = (body as { id?: unknown } | null)?.id;
        if (typeof id === 'string') {
          const path = ctx.switchToHttp().getRequest<FastifyRequest>().url.split('?')[0].replace(/\/+$/, '');
          ctx.switchToHttp().getResponse<FastifyReply>().header('Location', `${path}/${id}`);
        }
        return body;
      }),
    );
  }
}

export const WithLocation = (): MethodDecorator => UseInterceptors(LocationInterceptor);
