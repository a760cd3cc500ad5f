import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import { AppConfig } from '../config/config';
import { DomainError } from '../errors/domain-error';
import { batchedRedisStore } from './rate-limit-store';

/** Probes, metrics and the API docs are never limited: an orchestrator must always reach them. */
const EXEMPT = /^\/(health|metrics|docs)(\/|$|-json|-yaml)/;

/** Longest credential worth reading for a key; anything longer is limited by IP. */
const MAX_CREDENTIAL_LENGTH = 8192;

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/** The `sub` claim of a JWT, read without verifying it (the auth guard verifies, later). */
function jwtSubject(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { sub?: unknown };
    return typeof claims?.sub === 'string' && claims.sub.length > 0 && claims.sub.length <= 128 ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whose budget a request spends: the user of a bearer token, the API key, else the client IP
 * (IPv6 grouped by /64, as one host usually owns a whole prefix). The limiter runs before
 * authentication and does not verify credentials: a forged token buys a fresh budget only for
 * requests the auth guard then rejects with 401, at the price of one HMAC check each.
 */
export function rateLimitKey(request: Pick<FastifyRequest, 'headers' | 'ip'>): string {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth.length <= MAX_CREDENTIAL_LENGTH && /^bearer /i.test(auth)) {
    const token = auth.slice(7).trim();
    const sub = jwtSubject(token);
    if (sub) return `user:${sub}`;
    if (token) return `token:${sha(token)}`;
  }
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0 && apiKey.length <= MAX_CREDENTIAL_LENGTH) return `apikey:${sha(apiKey)}`;
  return `ip:${normalizeIP(request.ip)}`;
}

export const isRateLimitExempt = (request: Pick<FastifyRequest, 'url' | 'routeOptions'>): boolean =>
  EXEMPT.test(request.routeOptions?.url ?? request.url.split('?')[0]);

/**
 * A connection of the limiter's own, tuned to never hold a request up: with Redis gone a
 * command fails at once (no offline queue), with Redis hung it times out, and either way the
 * request goes through unlimited (skipOnError) instead of waiting or failing.
 */
export function createRateLimitRedis(url: string): Redis {
  const logger = new Logger('rate-limit');
  const redis = new Redis(url, {
    connectionName: 'crm-rate-limit',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  let up = false;
  redis.on('ready', () => {
    up = true;
  });
  // One line per outage, not one per reconnect attempt.
  redis.on('error', (err) => {
    if (up) logger.warn(`rate limits are off until Redis answers again: ${err.message}`);
    up = false;
  });
  return redis;
}

/**
 * config.http.rateLimit.max requests per window, per caller, counted in Redis so every API
 * replica shares one budget (batchedRedisStore: one Redis command per caller per 50 ms, not per
 * request). Over the limit: 429 problem+json with Retry-After; every limited
 * response carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset.
 */
export async function registerRateLimit(fastify: FastifyInstance, config: AppConfig): Promise<void> {
  const redis = createRateLimitRedis(config.redis.url as string);
  // Commands fail until the connection is up: give it a moment at start-up, but never hold the boot on Redis.
  fastify.addHook('onReady', async () => {
    if (redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, 2000);
      redis.once('ready', done);
    });
  });
  const store = batchedRedisStore(redis, `${config.redis.prefix}:rate-limit:`);
  fastify.addHook('onClose', async () => {
    await store.close();
    await redis.quit().catch(() => redis.disconnect());
  });
  await fastify.register(rateLimit, {
    global: true,
    max: config.http.rateLimit.max,
    timeWindow: config.http.rateLimit.windowSeconds * 1000,
    store: store.Store,
    skipOnError: true,
    enableDraftSpec: true,
    keyGenerator: rateLimitKey,
    allowList: (request) => isRateLimitExempt(request),
    errorResponseBuilder: (_request, context) =>
      new DomainError('RATE_LIMITED', 'rate_limited', `Too many requests: the limit is ${context.max} per ${config.http.rateLimit.windowSeconds} s; retry in ${context.after}.`),
  });
}
