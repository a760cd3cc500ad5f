import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { mapError, PROBLEM_CONTENT_TYPE, toProblem } from '../errors/problem';
import { sendProblem } from '../http/problem.filter';
import type { HealthService } from './health.service';

const logger = new Logger('health');

/**
 * A failed readiness probe is an expected answer, not a crash: it is written as the usual
 * problem document but logged as one warning line naming the failing parts, without the stack
 * trace the global filter logs for every 5xx (probes repeat every few seconds).
 */
export function replyNotReady(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
  if (reply.sent) return;
  if (!(exception instanceof DomainError) || exception.code !== 'NOT_READY') {
    sendProblem(exception, request, reply);
    return;
  }
  logger.warn({ requestId: request.id, failing: exception.errors }, exception.message);
  const mapped = mapError(exception);
  for (const [k, v] of Object.entries(mapped.headers)) reply.header(k, v);
  reply.status(mapped.status).type(PROBLEM_CONTENT_TYPE).send(toProblem(mapped, request.url.split('?')[0], String(request.id)));
}

/**
 * Orchestrators and load balancers call the probes every few seconds on every replica, and a
 * probe needs none of what an API route goes through (authentication, the request context,
 * parameter pipes, Nest's router and response handling). The probes stay Nest routes (HealthController: their
 * OpenAPI documentation, HEAD), but a GET is answered from a route-level onRequest hook, after
 * the global ones (request id, security headers, CORS), with the same body, headers and problem
 * documents. Registered before Nest adds its routes.
 */
export function registerProbeFastPath(fastify: FastifyInstance, resolveHealth: () => HealthService): void {
  let service: HealthService | undefined;
  const health = () => (service ??= resolveHealth());
  const probes: Record<string, onRequestHookHandler> = {
    // A hook that answers does not call `done`: the request ends with its reply.
    '/health/live': (_request, reply) => {
      reply.header('Cache-Control', 'no-store').send({ status: 'ok', uptimeSeconds: health().uptimeSeconds() });
    },
    '/health/ready': (request, reply) => {
      health()
        .ready()
        .then(
          (checks) => reply.header('Cache-Control', 'no-store').send({ status: 'ok', checks }),
          (err: unknown) => replyNotReady(err, request, reply),
        );
    },
  };
  fastify.addHook('onRoute', (route) => {
    const probe = probes[route.url];
    if (!probe || route.method !== 'GET') return;
    const own = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    route.onRequest = [...own, probe];
  });
}
