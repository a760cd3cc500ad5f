import { Actor, Scope } from '../access/actor';
import { ParamBinder } from '../query/sql';

/**
 * The SQL condition of a scope over an owned table: all → every row; team → rows of the actor's
 * teams or owned by the actor; own → rows the actor owns; none → no row.
 */
export function scopeCondition(scope: Scope, actor: Actor, alias: string, params: ParamBinder): string {
  const owner = `"${alias}"."owner_id"`;
  const team = `"${alias}"."team_id"`;
  switch (scope) {
    case 'all':
      return 'TRUE';
    case 'none':
      return 'FALSE';
    case 'own':
      return actor.userId ? `(${owner} = ${params.bind(actor.userId)})` : 'FALSE';
    case 'team': {
      const parts: string[] = [];
      if (actor.teamIds.length) parts.push(`${team} = ANY(${params.bind(actor.teamIds)})`);
      if (actor.userId) parts.push(`${owner} = ${params.bind(actor.userId)}`);
      return parts.length ? `(${parts.join(' OR ')})` : 'FALSE';
    }
  }
}

/** scopeCondition for one record in memory: whether `scope` lets `actor` reach a record with this owner and team. */
export function withinScope(scope: Scope, actor: Actor, ownerId: string | null, teamId: string | null): boolean {
  const owns = actor.userId !== null && ownerId === actor.userId;
  switch (scope) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'own':
      return owns;
    case 'team':
      return owns || (teamId !== null && actor.teamIds.includes(teamId));
  }
}

/**
 * Whether the actor may give a record this owner and team. Stricter than reading: besides
 * ending up within the scope, a record is never pushed into a team the actor is not part of.
 * all → anything; team → one of the actor's teams (or no team, owned by the actor);
 * own → owned by the actor, in one of its teams or none.
 */
export function assignableWithin(scope: Scope, actor: Actor, ownerId: string | null, teamId: string | null): boolean {
  const ownTeam = teamId !== null && actor.teamIds.includes(teamId);
  const self = actor.userId !== null && ownerId === actor.userId;
  switch (scope) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'own':
      return self && (teamId === null || ownTeam);
    case 'team':
      return ownTeam || (teamId === null && self);
  }
}
