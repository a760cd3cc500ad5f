import cors from '@fastify/cors';
import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyHttpOptions, LogController } from 'fastify';
import type { Server } from 'node:http';
import { ClsService } from 'nestjs-cls';
import type { Logger } from 'pino';
import { AppConfig } from '../config/config';
import { buildOpenApiDocument, mountDocs } from '../docs/openapi';
import { DomainError } from '../errors/domain-error';
import { lazyChildLoggerFactory } from '../logging/logger';
import { HealthService } from '../ops/health.service';
import { registerProbeFastPath } from '../ops/probe-fast-path';
import { DeclaredInputGuard } from './declared-input';
import { registerIdempotencyHook } from './idempotency/idempotency.interceptor';
import { registerJsonBodyParser } from './json-body';
import { notFoundHandler, RouteTable } from './not-found';
import { clientErrorHandler, sendProblem } from './problem.filter';
import { registerRateLimit } from './rate-limit';
import { requestIdFrom } from './request-id';
import { registerRequestContext } from './request-context';
import { registerSecurityHeaders } from './security-headers';

export interface HttpAppOptions {
  config: AppConfig;
  rootLogger: Logger;
  nestLogger: LoggerService | false;
}

/**
 * Nest installs its own Fastify error and not-found handlers during init; its error handler
 * turns Fastify's errors (body too large, malformed JSON, …) into bare HttpExceptions and
 * loses their codes. This adapter installs ours in their place when Nest asks, so each is set
 * once (no FSTWRN004) and every failure reaches sendProblem as it was raised.
 */
export class ProblemFastifyAdapter extends FastifyAdapter {
  /** Known routes, so an unknown method on a known path is a 405 rather than a 404. */
  readonly routes = new RouteTable();

  constructor(options: FastifyHttpOptions<Server>) {
    super(options);
    this.routes.attach(this.getInstance());
  }

  override setErrorHandler(): ReturnType<FastifyAdapter['setErrorHandler']> {
    return this.getInstance().setErrorHandler((err, request, reply) => sendProblem(err, request, reply));
  }

  override setNotFoundHandler(): ReturnType<FastifyAdapter['setNotFoundHandler']> {
    return this.getInstance().setNotFoundHandler(notFoundHandler(this.routes));
  }
}

export function createFastifyAdapter(config: AppConfig, rootLogger: Logger): FastifyAdapter {
  return new ProblemFastifyAdapter({
    loggerInstance: rootLogger.child({ component: 'http' }),
    childLoggerFactory: lazyChildLoggerFactory as unknown as FastifyHttpOptions<Server>['childLoggerFactory'],
    bodyLimit: config.http.bodyLimit,
    trustProxy: config.http.trustProxy,
    genReqId: requestIdFrom,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    // Requests that arrive while the server drains get our 503 problem (configureHttpApp), not Fastify's plain one.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // Fastify's defaults, stated: a body with `__proto__` or `constructor.prototype` is a 400.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    clientErrorHandler,
    // Malformed URLs and over-long path parameters, which Fastify answers before any route or hook.
    frameworkErrors: (err, request, reply) => sendProblem(err, request, reply),
    // OpsModule writes one line per request (route, status, duration) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  });
}

/** Everything about the HTTP edge that is not a route: body parsing, headers, CORS, rate limits, docs. */
export async function configureHttpApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  // Callback-style hooks here and below: an async hook costs a promise and a microtask per request.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    if (closing) done(new DomainError('SHUTTING_DOWN', 'unavailable', 'This server is shutting down; retry and another will answer.', [], { 'Retry-After': '1' }));
    else done();
  });
  registerJsonBodyParser(fastify);
  registerIdempotencyHook(fastify);
  // After the global guards modules provide (APP_GUARD: authentication first), before everything else of a route.
  app.useGlobalGuards(new DeclaredInputGuard());
  registerRequestContext(fastify, app.get(ClsService));
  registerSecurityHeaders(fastify, {
    // Swagger UI needs inline scripts and styles on /docs; everything else is JSON.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        scriptSrc: ["'self'", "'unsafe-inline'"],
      },
    },
  });
  await app.register(cors, {
    origin: config.http.corsOrigins.length ? config.http.corsOrigins : false,
    // Callers authenticate with a header (bearer token or API key), never a cookie.
    credentials: false,
    exposedHeaders: [
      'X-Request-Id',
      'ETag',
      'Location',
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Idempotent-Replayed',
      'Allow',
    ],
    allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type', 'Idempotency-Key', 'If-Match', 'X-Request-Id'],
    methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'],
    maxAge: 600,
  });
  // After CORS, so that a 429 carries CORS headers and a browser can read it.
  await registerRateLimit(fastify, config);
  registerProbeFastPath(fastify, () => app.get(HealthService, { strict: false }));
  mountDocs(app as unknown as INestApplication, () => buildOpenApiDocument(app as unknown as INestApplication, config.http.publicUrl));
}

export async function createHttpApp(module: unknown, opts: HttpAppOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module as never, createFastifyAdapter(opts.config, opts.rootLogger), {
    logger: opts.nestLogger,
    bufferLogs: false,
    // JSON only, parsed by registerJsonBodyParser (Nest's parsers would also accept urlencoded forms).
    bodyParser: false,
    abortOnError: false,
  });
  await configureHttpApp(app, opts.config);
  return app;
}
