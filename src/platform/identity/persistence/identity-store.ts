import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { Actor, Scope } from '../../access/actor';
import { poolQuery } from '../../database/pool-query';
import { SqlParams } from '../../query/sql';
import { rowHydrator } from '../../records/hydrate';
import { TeamView, UserView } from '../domain/views';
import { ADMIN_ROLE } from './actor-loader';
import { RoleEntity } from './role.entity';
import { TeamMemberEntity } from './team-member.entity';
import { TeamEntity } from './team.entity';
import { UserEntity } from './user.entity';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type DeletedFilter = 'live' | 'deleted' | 'any';

/**
 * Reads of the identity tables shared by the services: scoped query builders (the scope of
 * `users` and `teams` is about team membership, not record owners), and the views the API shows.
 */
@Injectable()
export class IdentityStore {
  private userRows?: ((raw: Record<string, unknown>[]) => UserEntity[]) | null;

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  get tx(): EntityManager {
    return this.txHost.tx;
  }

  /** Raw rows of `users()` (alias `u`) → entities, for fetchPage (see rowHydrator). */
  get userHydrator(): ((raw: Record<string, unknown>[]) => UserEntity[]) | undefined {
    if (this.userRows === undefined) {
      const ds = this.tx.connection;
      this.userRows = rowHydrator<UserEntity>(ds, ds.getMetadata(UserEntity), 'u');
    }
    return this.userRows ?? undefined;
  }

  /**
   * Users the actor reaches with `scope`: all; team → users sharing one of the actor's teams
   * (and the actor); own → the actor alone.
   */
  users(actor: Actor, scope: Scope, deleted: DeletedFilter = 'live'): SelectQueryBuilder<UserEntity> {
    const params = new SqlParams('us_');
    const qb = this.tx.createQueryBuilder(UserEntity, 'u').withDeleted();
    const self = actor.userId ? `"u"."id" = ${params.bind(actor.userId)}` : 'FALSE';
    let condition: string;
    if (scope === 'all') condition = 'TRUE';
    else if (scope === 'none') condition = 'FALSE';
    else if (scope === 'own' || !actor.teamIds.length) condition = self;
    else {
      condition = `(${self} OR EXISTS (SELECT 1 FROM platform.team_members tm WHERE tm.user_id = "u"."id" AND tm.team_id = ANY(${params.bind(actor.teamIds)})))`;
    }
    qb.where(condition).setParameters(params.values);
    if (deleted === 'live') qb.andWhere('"u"."deleted_at" IS NULL');
    if (deleted === 'deleted') qb.andWhere('"u"."deleted_at" IS NOT NULL');
    return qb;
  }

  /** Teams the actor reaches with `scope`: all, or (team/own) the actor's own teams. */
  teams(actor: Actor, scope: Scope, deleted: DeletedFilter = 'live'): SelectQueryBuilder<TeamEntity> {
    const qb = this.tx.createQueryBuilder(TeamEntity, 't').withDeleted();
    if (scope === 'none' || (scope !== 'all' && !actor.teamIds.length)) qb.where('FALSE');
    else if (scope === 'all') qb.where('TRUE');
    else qb.where('"t"."id" = ANY(:teamScope)', { teamScope: actor.teamIds });
    if (deleted === 'live') qb.andWhere('"t"."deleted_at" IS NULL');
    if (deleted === 'deleted') qb.andWhere('"t"."deleted_at" IS NOT NULL');
    return qb;
  }

  async roleById(id: string): Promise<RoleEntity | null> {
    return UUID.test(id) ? this.tx.findOne(RoleEntity, { where: { id } }) : null;
  }

  async roleByName(name: string): Promise<RoleEntity | null> {
    return this.tx.findOne(RoleEntity, { where: { name } });
  }

  isAdminRole(role: RoleEntity): boolean {
    return role.builtIn && role.name === ADMIN_ROLE;
  }

  /** Live teams among `ids` (so callers can name the missing ones). */
  async liveTeamIds(ids: string[]): Promise<Set<string>> {
    const valid = ids.filter((id) => UUID.test(id));
    if (!valid.length) return new Set();
    const rows = await this.tx.find(TeamEntity, { where: { id: In(valid) }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }

  async setMemberships(userId: string, teamIds: string[]): Promise<void> {
    await this.tx.delete(TeamMemberEntity, { userId });
    if (teamIds.length) await this.tx.insert(TeamMemberEntity, teamIds.map((teamId) => ({ teamId, userId })));
  }

  /** Live team ids per user, for a page of users. */
  async teamIdsOf(userIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>(userIds.map((id) => [id, []]));
    if (!userIds.length) return out;
    const rows: { user_id: string; team_id: string }[] = await this.tx.query(
      `SELECT tm.user_id, tm.team_id FROM platform.team_members tm
         JOIN platform.teams t ON t.id = tm.team_id AND t.deleted_at IS NULL
        WHERE tm.user_id = ANY($1) ORDER BY tm.team_id`,
      [userIds],
    );
    for (const r of rows) out.get(r.user_id)?.push(r.team_id);
    return out;
  }

  /** Live member ids per team. */
  async memberIdsOf(teamIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>(teamIds.map((id) => [id, []]));
    if (!teamIds.length) return out;
    const rows: { user_id: string; team_id: string }[] = await this.tx.query(
      `SELECT tm.user_id, tm.team_id FROM platform.team_members tm
         JOIN platform.users u ON u.id = tm.user_id AND u.deleted_at IS NULL
        WHERE tm.team_id = ANY($1) ORDER BY tm.user_id`,
      [teamIds],
    );
    for (const r of rows) out.get(r.team_id)?.push(r.user_id);
    return out;
  }

  async roleNames(roleIds: string[]): Promise<Map<string, string>> {
    const ids = [...new Set(roleIds)];
    if (!ids.length) return new Map();
    const rows = await this.tx.find(RoleEntity, { where: { id: In(ids) }, select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /**
   * Role names and live team ids for a page of users, in one round trip (the same rows as
   * roleNames and teamIdsOf): listing users is frequent and each query costs a pool checkout and
   * its network writes.
   */
  async userViews(users: UserEntity[]): Promise<UserView[]> {
    if (!users.length) return [];
    const rows = await poolQuery<{ kind: 'role' | 'team'; key: string; value: string }>(
      this.tx,
      `SELECT kind, key, value FROM (
         SELECT 'role' AS kind, r.id::text AS key, r.name::text AS value FROM platform.roles r WHERE r.id = ANY($1::uuid[])
         UNION ALL
         SELECT 'team', tm.user_id::text, tm.team_id::text FROM platform.team_members tm
           JOIN platform.teams t ON t.id = tm.team_id AND t.deleted_at IS NULL
          WHERE tm.user_id = ANY($2::uuid[])
       ) v ORDER BY kind, value COLLATE "C"`,
      [[...new Set(users.map((u) => u.roleId))], users.map((u) => u.id)],
      { prepare: true },
    );
    const roles = new Map<string, string>();
    const teams = new Map<string, string[]>(users.map((u) => [u.id, []]));
    for (const r of rows) {
      if (r.kind === 'role') roles.set(r.key, r.value);
      else teams.get(r.key)?.push(r.value);
    }
    return users.map((user) => ({ user, roleName: roles.get(user.roleId) ?? '', teamIds: teams.get(user.id) ?? [] }));
  }

  async userView(user: UserEntity): Promise<UserView> {
    return (await this.userViews([user]))[0];
  }

  async teamViews(teams: TeamEntity[]): Promise<TeamView[]> {
    const members = await this.memberIdsOf(teams.map((t) => t.id));
    return teams.map((team) => ({ team, memberIds: members.get(team.id) ?? [] }));
  }

  /** Active, live administrators other than `exceptUserId`. */
  async otherActiveAdmins(exceptUserId: string): Promise<number> {
    const rows: { n: string }[] = await this.tx.query(
      `SELECT count(*) AS n FROM platform.users u JOIN platform.roles r ON r.id = u.role_id
        WHERE r.built_in AND r.name = $1 AND u.status = 'active' AND u.deleted_at IS NULL AND u.id <> $2`,
      [ADMIN_ROLE, exceptUserId],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
