import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { mapError, PROBLEM_CONTENT_TYPE, toProblem } from '../errors/problem';
import { sendProblem } from '../http/problem.filter';

/**
 * A failed readiness probe is an expected answer, not a crash: it is written as the usual
 * problem document but logged as one warning line naming the failing parts, without the stack
 * trace the global filter logs for every 5xx (probes repeat every few seconds).
 */
@Catch()
export class NotReadyFilter implements ExceptionFilter {
  private readonly logger = new Logger('health');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    if (reply.sent) return;
    if (!(exception instanceof DomainError) || exception.code !== 'NOT_READY') {
      sendProblem(exception, request, reply);
      return;
    }
    this.logger.warn({ requestId: request.id, failing: exception.errors }, exception.message);
    const mapped = mapError(exception);
    for (const [k, v] of Object.entries(mapped.headers)) reply.header(k, v);
    reply.status(mapped.status).type(PROBLEM_CONTENT_TYPE).send(toProblem(mapped, request.url.split('?')[0], String(request.id)));
  }
}
