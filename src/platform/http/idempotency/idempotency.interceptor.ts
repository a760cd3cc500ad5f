import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { from, mergeMap, Observable, of, throwError } from 'rxjs';
import { catchError } from 'rxjs/operators';
import type { Actor } from '../../access/actor';
import { StoredHeaders } from './idempotency-key.entity';
import { IdempotencyStore, IdempotentRequest, StoredResponse } from './idempotency.store';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT,
  IDEMPOTENT_REPLAYED_HEADER,
  IdempotentBody,
  idempotencyKeyInFlight,
  idempotencyKeyReused,
  parseIdempotencyKey,
  requestHash,
  setBodyClaim,
} from './idempotency-key';

/** Headers of the first answer that a replay repeats. */
const REPLAYED_HEADERS = ['content-type', 'location', 'etag', 'retry-after', 'www-authenticate', 'allow'];

type Request = FastifyRequest & { actor?: Actor };

/** What settles a claimed key once its answer goes out (set on the request by the interceptor). */
const SETTLE_ON_SEND = Symbol('idempotency settle on send');
type WithSettle = { [SETTLE_ON_SEND]?: (reply: FastifyReply, payload: unknown) => Promise<void> };
/** Set on the Fastify instance by registerIdempotencyHook. */
const HOOKED = Symbol('idempotency onSend hook');

/**
 * The Fastify `onSend` hook that stores the answer of a request holding an Idempotency-Key
 * claim as the caller gets it: after every interceptor, filter and serializer, so headers set
 * around the handler (Location, ETag by their interceptors, in any decorator order) are part of
 * it. It runs before the first byte goes out: a retry sent once the answer arrived gets the replay.
 */
export function registerIdempotencyHook(fastify: FastifyInstance): void {
  (fastify as unknown as Record<symbol, boolean>)[HOOKED] = true;
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const settle = (request as WithSettle)[SETTLE_ON_SEND];
    if (!settle) return done(null, payload);
    (request as WithSettle)[SETTLE_ON_SEND] = undefined;
    // settle never rejects (it logs), and never holds the answer back beyond its own statement.
    void settle(reply, payload).then(() => done(null, payload));
  });
}

/** Thrown out of a handler whose body digest finds the key answered already: the interceptor replays that answer. */
class Replay extends Error {
  constructor(readonly response: StoredResponse) {
    super('Idempotency-Key replay');
  }
}

/**
 * Idempotency-Key on routes marked `@Idempotent()`. Runs after the guards, so the key is
 * scoped to the authenticated actor (`anonymous` on public routes), and around the pipes and
 * the handler. The answer it stores is the one the caller got (the handler's value or the
 * problem document of the error it threw, with the headers every interceptor set): it is taken
 * from the reply as it goes out (registerIdempotencyHook), whatever the order of the route's
 * interceptors.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('idempotency');

  constructor(
    private readonly reflector: Reflector,
    private readonly store: IdempotencyStore,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const body = ctx.getType() === 'http' ? this.reflector.get<IdempotentBody | undefined>(IDEMPOTENT, ctx.getHandler()) : undefined;
    if (!body) return next.handle();
    const http = ctx.switchToHttp();
    const request = http.getRequest<Request>();
    const reply = http.getResponse<FastifyReply>();
    const header = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (header === undefined) return next.handle();

    let base: Omit<IdempotentRequest, 'hash'>;
    let path: string;
    try {
      if (!(request.server as unknown as Record<symbol, boolean | undefined>)[HOOKED]) {
        throw new Error('Idempotency-Key needs registerIdempotencyHook on the Fastify instance (configureHttpApp)');
      }
      path = request.url.split('?')[0];
      base = { actorId: request.actor?.id ?? 'anonymous', key: parseIdempotencyKey(header), method: request.method, path: path.slice(0, 2048) };
    } catch (err) {
      return throwError(() => err);
    }

    if (body === 'digest') {
      // The handler reads the body itself; it claims the key once it has (claimIdempotencyKey).
      let claimed = false;
      setBodyClaim(request, async (digest) => {
        if (claimed) throw new Error('Idempotency-Key claimed twice in one request');
        const req = { ...base, hash: requestHash(request.method, path, request.query, digest) };
        const claim = await this.store.claim(req);
        if (claim.outcome === 'replay') throw new Replay(claim.response);
        if (claim.outcome !== 'claimed') throw claim.outcome === 'mismatch' ? idempotencyKeyReused() : idempotencyKeyInFlight();
        claimed = true;
        this.settleOnSend(request, req, claim.claimId);
      });
      return next.handle().pipe(
        catchError((err: unknown) => (err instanceof Replay ? of(this.replay(reply, err.response)) : throwError(() => err))),
      );
    }

    const req = { ...base, hash: requestHash(request.method, path, request.query, request.body) };
    return from(this.store.claim(req)).pipe(
      mergeMap((claim) => {
        switch (claim.outcome) {
          case 'mismatch':
            return throwError(() => idempotencyKeyReused());
          case 'in_flight':
            return throwError(() => idempotencyKeyInFlight());
          case 'replay':
            return of(this.replay(reply, claim.response));
        }
        this.settleOnSend(request, req, claim.claimId);
        return next.handle();
      }),
    );
  }

  /**
   * Whatever answer the request gets, success or problem, is stored under the claim when it is
   * sent (registerIdempotencyHook), or the key released when it is not worth replaying.
   */
  private settleOnSend(request: Request, req: IdempotentRequest, claimId: string): void {
    (request as WithSettle)[SETTLE_ON_SEND] = (reply, payload) => this.settle(req, claimId, this.storable(reply, payload));
  }

  /**
   * The answer as the caller gets it, or null when it is not kept: a 5xx (our failure, worth a
   * retry), a 400 (malformed, nothing was done; the caller may fix the body and reuse the key),
   * or a body that is not text (files, streams).
   */
  private storable(reply: FastifyReply, payload: unknown): StoredResponse | null {
    const status = reply.statusCode;
    if (status >= 500 || status === 400) return null;
    if (payload !== undefined && payload !== null && typeof payload !== 'string') return null;
    const headers: StoredHeaders = {};
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    // Fastify hands onSend the serialized body: the replay is byte-identical.
    return { status, headers, body: typeof payload === 'string' ? payload : null };
  }

  /** Stores the answer, or releases the key when there is none worth replaying. Never fails the request. */
  private async settle(req: IdempotentRequest, claimId: string, response: StoredResponse | null): Promise<void> {
    try {
      if (response) await this.store.complete(req, claimId, response);
      else await this.store.release(req, claimId);
    } catch (err) {
      // The request itself is done; the key stays claimed until its lease lapses, then a retry runs again.
      this.logger.warn(`could not settle Idempotency-Key of ${req.method} ${req.path}: ${(err as Error).message}`);
    }
  }

  private replay(reply: FastifyReply, stored: StoredResponse): string | undefined {
    reply.status(stored.status);
    for (const [name, value] of Object.entries(stored.headers)) reply.header(name, value);
    reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
    return stored.body ?? undefined;
  }
}
