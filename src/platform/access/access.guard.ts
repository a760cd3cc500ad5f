import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ClsService } from 'nestjs-cls';
import { CacheVersionSnapshot, CLS_CACHE_VERSIONS } from '../database/cache-versions';
import { DomainError } from '../errors/domain-error';
import { Actor, CLS_ACTOR } from './actor';
import { assertPermission, IS_PUBLIC, REQUIRED_PERMISSION, RequiredPermission } from './decorators';

/** Passport strategy names; identity registers the strategies under them. */
export const BEARER_STRATEGY = 'jwt';
export const API_KEY_STRATEGY = 'api-key';

interface AuthRequest {
  id?: string;
  headers: Record<string, string | string[] | undefined>;
  user?: Actor;
  actor?: Actor;
}

const challenge = (error?: string) => (error ? `Bearer realm="crm", error="${error}"` : 'Bearer realm="crm"');

function unauthenticated(req: AuthRequest): DomainError {
  if (req.headers.authorization !== undefined) {
    return new DomainError('INVALID_TOKEN', 'unauthenticated', 'The access token is missing, malformed, expired or no longer valid.', [], {
      'WWW-Authenticate': challenge('invalid_token'),
    });
  }
  if (req.headers['x-api-key'] !== undefined) {
    return new DomainError('INVALID_API_KEY', 'unauthenticated', 'The API key is not valid, revoked or expired.', [], { 'WWW-Authenticate': challenge('invalid_token') });
  }
  return new DomainError('UNAUTHENTICATED', 'unauthenticated', 'Authentication is required: send Authorization: Bearer <token> or X-API-Key.', [], {
    'WWW-Authenticate': challenge(),
  });
}

/**
 * The global guard: every route needs a caller unless marked @Public().
 * It authenticates a Bearer JWT or an X-API-Key through passport, puts the Actor on
 * `request.actor` and in the request context (CLS_ACTOR; the context is open around the whole
 * handler, guards included: http/request-context.ts), and enforces @RequirePermission: a scope
 * of `none` is a 403. Which records the caller reaches is the scope's business, in the query.
 */
@Injectable()
export class AccessGuard extends AuthGuard([BEARER_STRATEGY, API_KEY_STRATEGY]) {
  constructor(
    private readonly reflector: Reflector,
    private readonly cls: ClsService,
  ) {
    super();
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    await super.canActivate(ctx);
    const req = ctx.switchToHttp().getRequest<AuthRequest>();
    // The strategies' actor carries the cache versions its statement read (identity's ActorLoader).
    const { cacheVersions, ...loaded } = req.user as Actor & { cacheVersions?: CacheVersionSnapshot };
    const actor: Actor = { ...loaded, requestId: req.id ? String(req.id) : undefined };
    req.actor = actor;
    if (this.cls.isActive()) {
      this.cls.set(CLS_ACTOR, actor);
      this.cls.set(CLS_CACHE_VERSIONS, cacheVersions);
    }
    const required = this.reflector.getAllAndOverride<RequiredPermission | undefined>(REQUIRED_PERMISSION, targets);
    if (required) assertPermission(actor, required);
    return true;
  }

  override handleRequest<T = Actor>(err: unknown, user: unknown, _info: unknown, ctx: ExecutionContext): T {
    // A failing dependency (database down) is not the caller's fault: let it surface as 503.
    if (err) throw err;
    if (!user) throw unauthenticated(ctx.switchToHttp().getRequest<AuthRequest>());
    return user as T;
  }
}
