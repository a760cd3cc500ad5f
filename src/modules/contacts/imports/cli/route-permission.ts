import { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Actor } from '../../../../platform/access/actor';
import { assertPermission, REQUIRED_PERMISSION, RequiredPermission } from '../../../../platform/access/decorators';

/**
 * Refuses `actor` as AccessGuard refuses a request to the route `controller[handler]`: the
 * route's own @RequirePermission, read from it, and the same 403 (a DomainError of kind
 * `forbidden`). A command that does what a route does (`crm import`, `crm export`) thus needs
 * exactly what the route needs, and follows it when the route changes.
 */
export function assertMayCall<T>(actor: Actor, controller: Type<T>, handler: keyof T & string): void {
  const required = new Reflector().getAllAndOverride<RequiredPermission | undefined>(REQUIRED_PERMISSION, [controller.prototype[handler] as Function, controller]);
  if (required) assertPermission(actor, required);
}
