import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mapError, PROBLEM_CONTENT_TYPE, toProblem } from '../errors/problem';

const logger = new Logger('http');

/** Writes any error as problem+json. Used by Nest (filters) and by Fastify (its own errors). */
export function sendProblem(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const mapped = mapError(err);
  if (mapped.internal) {
    logger.error({ err, requestId: request.id, route: request.routeOptions?.url }, 'request failed');
  }
  const problem = toProblem(mapped, request.url.split('?')[0], String(request.id));
  for (const [k, v] of Object.entries(mapped.headers)) reply.header(k, v);
  return reply.status(mapped.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    if (reply.sent) return;
    sendProblem(exception, ctx.getRequest<FastifyRequest>(), reply);
  }
}
