import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MetricsService } from './metrics.service';

/** Probes hit these every few seconds: they stay in metrics but only reach the log at debug level. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/** Label for requests no route matched: raw URLs would give every scanner probe its own time series. */
export const UNMATCHED_ROUTE = '(unmatched)';

/** The route pattern (`/api/v1/users/:id`), never the raw URL. */
export function routeLabel(request: FastifyRequest): string {
  return request.routeOptions?.url ?? UNMATCHED_ROUTE;
}

/**
 * One log line and one histogram sample per request, from a Fastify onResponse hook. Registered
 * here rather than in create-app so the HTTP edge stays free of ops concerns; in processes without
 * HTTP (worker, CLI) there is no adapter and nothing is registered.
 */
@Injectable()
export class HttpTelemetry implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify || typeof fastify.addHook !== 'function') return;
    // Callback style: an async hook costs a promise and a microtask per request.
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      try {
        this.record(request, reply);
      } finally {
        done();
      }
    });
  }

  private record(request: FastifyRequest, reply: FastifyReply): void {
    const route = routeLabel(request);
    const durationMs = reply.elapsedTime;
    this.metrics.observeHttp(request.method, route, reply.statusCode, durationMs / 1000);
    const level = QUIET_ROUTES.has(route) ? 'debug' : 'info';
    // The line is only built when it will be written (probes log at debug).
    if ((request.log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.(level) === false) return;
    const line = {
      method: request.method,
      route,
      path: request.url.split('?')[0],
      statusCode: reply.statusCode,
      durationMs: Math.round(durationMs * 100) / 100,
    };
    request.log[level](line, 'request completed');
  }
}
