import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor, StreamableFile } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, mergeMap, Observable, of, throwError } from 'rxjs';
import { catchError } from 'rxjs/operators';
import type { Actor } from '../../access/actor';
import { PROBLEM_CONTENT_TYPE } from '../../errors/problem';
import { problemOf } from '../problem.filter';
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

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/** Headers of the first answer that a replay repeats (besides Content-Type). */
const REPLAYED_HEADERS = ['location', 'etag'];

type Request = FastifyRequest & { actor?: Actor };

/** Thrown out of a handler whose body digest finds the key answered already: the interceptor replays that answer. */
class Replay extends Error {
  constructor(readonly response: StoredResponse) {
    super('Idempotency-Key replay');
  }
}

/**
 * Idempotency-Key on routes marked `@Idempotent()`. Runs after the guards, so the key is
 * scoped to the authenticated actor (`anonymous` on public routes), and around the pipes and
 * the handler, so the answer it stores is the one the caller got: the handler's value, or the
 * problem document of the error it threw.
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
      path = request.url.split('?')[0];
      base = { actorId: request.actor?.id ?? 'anonymous', key: parseIdempotencyKey(header), method: request.method, path: path.slice(0, 2048) };
    } catch (err) {
      return throwError(() => err);
    }

    if (body === 'digest') {
      // The handler reads the body itself; it claims the key once it has (claimIdempotencyKey).
      let claimed: { req: IdempotentRequest; claimId: string } | null = null;
      setBodyClaim(request, async (digest) => {
        if (claimed) throw new Error('Idempotency-Key claimed twice in one request');
        const req = { ...base, hash: requestHash(request.method, path, request.query, digest) };
        const claim = await this.store.claim(req);
        if (claim.outcome === 'replay') throw new Replay(claim.response);
        if (claim.outcome !== 'claimed') throw claim.outcome === 'mismatch' ? idempotencyKeyReused() : idempotencyKeyInFlight();
        claimed = { req, claimId: claim.claimId };
      });
      return this.settled(next.handle(), request, reply, () => claimed);
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
        return this.settled(next.handle(), request, reply, () => ({ req, claimId: claim.claimId }));
      }),
    );
  }

  /** The handler's answer, stored under the claim (once there is one) as the caller gets it. */
  private settled(answer: Observable<unknown>, request: Request, reply: FastifyReply, claimOf: () => { req: IdempotentRequest; claimId: string } | null): Observable<unknown> {
    return answer.pipe(
      mergeMap(async (body: unknown) => {
        const claimed = claimOf();
        if (claimed) await this.settle(claimed.req, claimed.claimId, this.storable(reply, body));
        return body;
      }),
      catchError((err: unknown) => {
        if (err instanceof Replay) return of(this.replay(reply, err.response));
        const claimed = claimOf();
        if (!claimed) return throwError(() => err);
        const { mapped, problem } = problemOf(err, request);
        // 5xx: our failure, worth a retry. 400: malformed, nothing was done; the caller may fix the body and reuse the key.
        const keep = mapped.status < 500 && mapped.status !== 400;
        const response: StoredResponse | null = keep
          ? { status: mapped.status, headers: { ...mapped.headers, 'content-type': PROBLEM_CONTENT_TYPE }, body: JSON.stringify(problem) }
          : null;
        return from(this.settle(claimed.req, claimed.claimId, response)).pipe(mergeMap(() => throwError(() => err)));
      }),
    );
  }

  /**
   * The answer as the caller gets it, or null when it cannot be replayed: a body that is not
   * JSON (files, streams), or a reply the handler sent itself through `@Res()`.
   */
  private storable(reply: FastifyReply, body: unknown): StoredResponse | null {
    if (reply.sent) return null;
    if (body instanceof StreamableFile || Buffer.isBuffer(body) || typeof (body as { pipe?: unknown } | null)?.pipe === 'function') return null;
    const headers: StoredHeaders = {};
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    if (body === undefined) return { status: reply.statusCode, headers, body: null };
    headers['content-type'] = JSON_CONTENT_TYPE;
    // Fastify serialises a handler's value with JSON.stringify too: the replay is byte-identical.
    return { status: reply.statusCode, headers, body: JSON.stringify(body) };
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
