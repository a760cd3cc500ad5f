import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Action, Actor } from './actor';

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

/** The authenticated caller, set on the request by the auth guard. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<{ actor?: Actor }>();
  if (!req.actor) throw new Error('CurrentActor used on a route without authentication');
  return req.actor;
});
