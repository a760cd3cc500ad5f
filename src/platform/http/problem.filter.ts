import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { newId } from '../database/columns';
import { MappedError, mapError, Problem, PROBLEM_CONTENT_TYPE, titleOf, toProblem } from '../errors/problem';

const logger = new Logger('http');

/** The problem document for an error raised while serving `request`, and what it maps to. */
export function problemOf(err: unknown, request: FastifyRequest): { mapped: MappedError; problem: Problem } {
  const mapped = mapError(err);
  return { mapped, problem: toProblem(mapped, request.url.split('?')[0], String(request.id)) };
}

/** Writes any error as problem+json. Used by Nest (filters) and by Fastify (its own errors). */
export function sendProblem(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { mapped, problem } = problemOf(err, request);
  if (mapped.internal) {
    logger.error({ err, requestId: request.id, route: request.routeOptions?.url }, 'request failed');
  }
  // Errors raised before the onRequest hooks ran (a malformed URL) would otherwise lack it.
  reply.header('X-Request-Id', String(request.id));
  for (const [k, v] of Object.entries(mapped.headers)) reply.header(k, v);
  return reply.status(mapped.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/**
 * Errors Node's HTTP parser raises before there is a request (a malformed request line or
 * header, headers over the size limit, a bad Content-Length): Fastify hands over the socket
 * only, so the problem document is written by hand, and the connection closed.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const requestId = newId();
  const code = status === 431 ? 'HEADERS_TOO_LARGE' : status === 408 ? 'REQUEST_TIMEOUT' : 'MALFORMED_REQUEST';
  const detail =
    status === 431 ? 'The request line or headers are larger than the limit.' : status === 408 ? 'The request took too long to arrive.' : 'The request is not valid HTTP.';
  const body = JSON.stringify({
    type: `urn:crm:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title: titleOf(status),
    status,
    detail,
    instance: '',
    requestId,
    code,
    errors: [],
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${titleOf(status)}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
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
