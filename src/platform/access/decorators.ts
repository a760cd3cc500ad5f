import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { forbidden } from '../errors/domain-error';
import { Action, Actor, scopeOf } from './actor';

export const IS_PUBLIC = 'crm:public';
export const REQUIRED_PERMISSION = 'crm:permission';

export interface RequiredPermission {
  resource: string;
  action: Action;
}

/** No credentials needed (login, refresh, health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * The caller's role must grant `action` on `resource` with a scope other than `none` (else 403).
 * Which records it reaches is then decided by the scope, in the query (ScopedRepository).
 */
export const RequirePermission = (resource: string, action: Action) =>
  SetMetadata(REQUIRED_PERMISSION, { resource, action } satisfies RequiredPermission);

/** What @RequirePermission demands, checked: a scope of `none` is a 403 (AccessGuard; `crm` commands acting `--as` a user). */
export function assertPermission(actor: Actor, required: RequiredPermission): void {
  if (scopeOf(actor, required.resource, required.action) === 'none') throw forbidden(`Your role may not ${required.action} ${required.resource}.`);
}

/** The authenticated caller, set on the request by the auth guard. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<{ actor?: Actor }>();
  if (!req.actor) throw new Error('CurrentActor used on a route without authentication');
  return req.actor;
});
