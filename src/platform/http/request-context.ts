import type { FastifyInstance } from 'fastify';
import { CLS_ID, ClsService } from 'nestjs-cls';

/**
 * Opens the request context (nestjs-cls: the request id, then the caller and the transaction)
 * around every route handler, from a Fastify preHandler hook.
 *
 * preHandler runs after the body is parsed, and its callback calls Nest's handler synchronously,
 * so everything the handler (guards, interceptors, pipes, the controller) starts inherits the
 * context. Earlier hooks would lose it: the body arrives in the socket's own callbacks. This
 * costs one store object per request, where nestjs-cls's global interceptor cost an rxjs
 * chain, several awaits and two AsyncResource bindings on every route. AccessGuard adds the
 * caller it authenticated (CLS_ACTOR).
 */
export function registerRequestContext(fastify: FastifyInstance, cls: ClsService): void {
  fastify.addHook('preHandler', (request, _reply, done) => {
    cls.runWith({ [CLS_ID]: String(request.id ?? '') }, done);
  });
}
