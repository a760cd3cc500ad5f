import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppConfig } from '../config/config';
import { buildOpenApiDocument, mountDocs } from '../docs/openapi';
import { sendProblem } from './problem.filter';
import { requestIdFrom } from './request-id';

export interface HttpAppOptions {
  config: AppConfig;
  rootLogger: Logger;
  nestLogger: LoggerService | false;
}

export function createFastifyAdapter(config: AppConfig, rootLogger: Logger): FastifyAdapter {
  return new FastifyAdapter({
    loggerInstance: rootLogger.child({ component: 'http' }),
    bodyLimit: config.http.bodyLimit,
    trustProxy: config.http.trustProxy,
    genReqId: requestIdFrom,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
}

/** Everything about the HTTP edge that is not a route: errors, headers, CORS, docs. */
export async function configureHttpApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.setErrorHandler((err, request, reply) => sendProblem(err, request, reply));
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });
  await app.register(helmet, {
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
    credentials: true,
    exposedHeaders: ['X-Request-Id', 'ETag', 'Location', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'],
    allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type', 'Idempotency-Key', 'If-Match', 'X-Request-Id'],
    methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'],
  });
  const document = buildOpenApiDocument(app as unknown as INestApplication);
  mountDocs(app as unknown as INestApplication, document);
}

export async function createHttpApp(module: unknown, opts: HttpAppOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module as never, createFastifyAdapter(opts.config, opts.rootLogger), {
    logger: opts.nestLogger,
    bufferLogs: false,
    abortOnError: false,
  });
  await configureHttpApp(app, opts.config);
  return app;
}
