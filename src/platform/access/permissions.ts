import { Action, ACTIONS, Actor, Permissions, Scope, SCOPES, scopeOf } from './actor';
import { allResources, isKnownResource } from './resources';

/** Scopes ordered by reach: a scope covers every scope before it. */
const RANK: Record<Scope, number> = { none: 0, own: 1, team: 2, all: 3 };

export function scopeCovers(granted: Scope, wanted: Scope): boolean {
  return RANK[granted] >= RANK[wanted];
}

export interface PermissionProblem {
  field: string;
  message: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Checks a role's permissions document against the resource registry: known resources,
 * actions and scopes only. Each problem names its field (`permissions.deals.read`).
 */
export function validatePermissions(input: unknown, at = 'permissions'): PermissionProblem[] {
  if (!isPlainObject(input)) return [{ field: at, message: 'must be an object of resource → {action: scope}' }];
  const problems: PermissionProblem[] = [];
  for (const [resource, actions] of Object.entries(input)) {
    const field = `${at}.${resource.slice(0, 64)}`;
    if (!isKnownResource(resource)) {
      problems.push({ field, message: 'is not a known resource' });
      continue;
    }
    if (!isPlainObject(actions)) {
      problems.push({ field, message: 'must be an object of action → scope' });
      continue;
    }
    for (const [action, scope] of Object.entries(actions)) {
      const actionField = `${field}.${action.slice(0, 32)}`;
      if (!(ACTIONS as readonly string[]).includes(action)) problems.push({ field: actionField, message: `is not an action (${ACTIONS.join(', ')})` });
      else if (typeof scope !== 'string' || !(SCOPES as readonly string[]).includes(scope)) {
        problems.push({ field: actionField, message: `must be one of ${SCOPES.join(', ')}` });
      }
    }
  }
  return problems;
}

/** Drops `none` entries (a missing entry means none) and orders resources as the registry does. */
export function normalizePermissions(input: Permissions): Permissions {
  const out: Permissions = {};
  for (const resource of allResources()) {
    const actions = input[resource];
    if (!actions) continue;
    const kept: Partial<Record<Action, Scope>> = {};
    for (const action of ACTIONS) {
      const scope = actions[action];
      if (scope && scope !== 'none') kept[action] = scope;
    }
    if (Object.keys(kept).length) out[resource] = kept;
  }
  return out;
}

/**
 * The grants of `permissions` that `actor` does not hold itself (`users.delete: all > team`).
 * A caller may hand out (to a user or an API key) only a role whose every grant it holds.
 */
export function grantsBeyond(actor: Actor, permissions: Permissions): string[] {
  const beyond: string[] = [];
  for (const [resource, actions] of Object.entries(permissions)) {
    for (const action of ACTIONS) {
      const wanted = actions?.[action] ?? 'none';
      const held = scopeOf(actor, resource, action);
      if (!scopeCovers(held, wanted)) beyond.push(`${resource}.${action}: ${wanted} > ${held}`);
    }
  }
  return beyond;
}
