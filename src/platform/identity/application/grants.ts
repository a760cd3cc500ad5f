import { Actor } from '../../access/actor';
import { grantsBeyond } from '../../access/permissions';
import { grantBeyondOwnRights } from '../domain/identity.errors';
import { ADMIN_ROLE } from '../persistence/actor-loader';
import { RoleEntity } from '../persistence/role.entity';

/**
 * A caller hands out (to a user, an API key, a role it edits) only rights it holds itself;
 * the admin role only an admin can hand out. `what` completes "You may not …".
 */
export function assertMayGrant(actor: Actor, role: Pick<RoleEntity, 'name' | 'builtIn' | 'permissions'>, what: string): void {
  if (actor.isAdmin) return;
  if (role.builtIn && role.name === ADMIN_ROLE) throw grantBeyondOwnRights(what, ['the admin role']);
  const beyond = grantsBeyond(actor, role.permissions);
  if (beyond.length) throw grantBeyondOwnRights(what, beyond);
}
