/**
 * The caller of a request, a job or a CLI command, and what its role lets it do.
 * Roles are data (platform.roles): per resource, per action, a scope.
 */
export type Action = 'read' | 'create' | 'update' | 'delete';
export const ACTIONS: readonly Action[] = ['read', 'create', 'update', 'delete'];

/** all: every record; team: records of the caller's teams; own: records the caller owns; none. */
export type Scope = 'all' | 'team' | 'own' | 'none';
export const SCOPES: readonly Scope[] = ['all', 'team', 'own', 'none'];

/** resource name (`contacts`, `deals`, `users`, …) → action → scope. A missing entry is `none`. */
export type Permissions = Record<string, Partial<Record<Action, Scope>>>;

export interface Actor {
  /** user: a person with a session; apiKey: an integration; system: jobs and the CLI. */
  type: 'user' | 'apiKey' | 'system';
  /** The user's id, the API key's id, or `system`. */
  id: string;
  /** The user acting (for an API key: the admin who created it, recorded as the owner of what it creates). */
  userId: string | null;
  roleId: string | null;
  roleName: string;
  isAdmin: boolean;
  teamIds: string[];
  permissions: Permissions;
  /** The request or job this actor acts in, for audit. */
  requestId?: string;
}

export function scopeOf(actor: Actor, resource: string, action: Action): Scope {
  if (actor.isAdmin || actor.type === 'system') return 'all';
  return actor.permissions[resource]?.[action] ?? 'none';
}

/** The actor jobs and CLI commands run as: sees everything, audited as `system`. */
export const SYSTEM_ACTOR: Actor = {
  type: 'system',
  id: 'system',
  userId: null,
  roleId: null,
  roleName: 'system',
  isAdmin: true,
  teamIds: [],
  permissions: {},
};

/** Key under which the current actor lives in the request/job context (nestjs-cls). */
export const CLS_ACTOR = 'actor';
