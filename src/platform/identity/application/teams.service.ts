import { Injectable } from '@nestjs/common';
import { Transactional } from '@nestjs-cls/transactional';
import { Actor, scopeOf } from '../../access/actor';
import { AuditService } from '../../audit/audit.service';
import { newId } from '../../database/columns';
import { conflict, DomainError, forbidden, notFound } from '../../errors/domain-error';
import { CursorCodec } from '../../query/cursor';
import { filterMentions } from '../../query/filter';
import { ListQuery, Page } from '../../query/list-query';
import { DELETED_FIELD } from '../../query/list-spec';
import { fetchPage } from '../../query/paginate';
import { preconditionFailed } from '../../records/etag';
import { TeamView } from '../domain/views';
import { TEAM_LIST_SPEC } from '../persistence/identity-lists';
import { DeletedFilter, IdentityStore, UUID } from '../persistence/identity-store';
import { TeamMemberEntity } from '../persistence/team-member.entity';
import { TeamEntity } from '../persistence/team.entity';

export interface TeamInput {
  name?: string;
  description?: string | null;
}

type TeamAction = 'read' | 'update' | 'delete';

const nameTaken = () => new DomainError('TEAM_NAME_TAKEN', 'conflict', 'Another team has this name.', [{ field: 'name', message: 'is taken' }]);

/**
 * Teams and their members. A `teams` scope other than `all` reaches the caller's own teams.
 * Adding or removing a member is an update of the team.
 */
@Injectable()
export class TeamsService {
  constructor(
    private readonly store: IdentityStore,
    private readonly audit: AuditService,
    private readonly cursors: CursorCodec,
  ) {}

  async list(actor: Actor, query: ListQuery): Promise<Page<TeamView>> {
    const deleted = filterMentions(query.filter, DELETED_FIELD) ? 'any' : 'live';
    const page = await fetchPage(this.store.teams(actor, scopeOf(actor, 'teams', 'read'), deleted), 't', TEAM_LIST_SPEC, query, this.cursors);
    return { data: await this.store.teamViews(page.data), page: page.page };
  }

  async get(actor: Actor, id: string): Promise<TeamView> {
    return (await this.store.teamViews([await this.find(actor, id, 'read', 'live')]))[0];
  }

  @Transactional()
  async create(actor: Actor, input: Required<Pick<TeamInput, 'name'>> & TeamInput): Promise<TeamView> {
    if (scopeOf(actor, 'teams', 'create') !== 'all' && !actor.isAdmin) {
      // A new team has no members yet: only callers who reach every team can create one.
      throw forbidden('Your role may not create teams.');
    }
    const name = input.name.trim();
    await this.assertNameFree(name, null);
    const team = this.store.tx.create(TeamEntity, { id: newId(), name, description: input.description ?? null });
    await this.store.tx.insert(TeamEntity, team);
    const saved = await this.reload(team.id);
    await this.audit.record({ actor, resource: 'teams', recordId: saved.id, action: 'create', before: null, after: { ...saved } });
    return { team: saved, memberIds: [] };
  }

  @Transactional()
  async update(actor: Actor, id: string, input: TeamInput, ifMatch?: number): Promise<TeamView> {
    const current = await this.lock(actor, id, 'update', 'live', ifMatch);
    const values: Partial<TeamEntity> = {};
    if (input.name !== undefined && input.name.trim() !== current.name) {
      values.name = input.name.trim();
      await this.assertNameFree(values.name, id);
    }
    if (input.description !== undefined && input.description !== current.description) values.description = input.description;
    if (Object.keys(values).length) {
      await this.versionedUpdate(current, values);
      const saved = await this.reload(id);
      await this.audit.record({ actor, resource: 'teams', recordId: id, action: 'update', before: { ...current }, after: { ...saved } });
    }
    return this.get(actor, id);
  }

  @Transactional()
  async remove(actor: Actor, id: string, ifMatch?: number): Promise<TeamView> {
    const current = await this.lock(actor, id, 'delete', 'live', ifMatch);
    await this.versionedUpdate(current, { deletedAt: () => 'now()' });
    const saved = await this.reload(id);
    await this.audit.record({ actor, resource: 'teams', recordId: id, action: 'delete', before: { ...current }, after: { ...saved } });
    return (await this.store.teamViews([saved]))[0];
  }

  @Transactional()
  async restore(actor: Actor, id: string, ifMatch?: number): Promise<TeamView> {
    const current = await this.lock(actor, id, 'delete', 'any');
    if (current.deletedAt === null) throw conflict('NOT_DELETED', 'The team is not deleted: there is nothing to restore.');
    if (ifMatch !== undefined && ifMatch !== current.version) throw preconditionFailed(current.version);
    if (await this.nameInUse(current.name, id)) throw nameTaken();
    await this.versionedUpdate(current, { deletedAt: null });
    const saved = await this.reload(id);
    await this.audit.record({ actor, resource: 'teams', recordId: id, action: 'restore', before: { ...current }, after: { ...saved } });
    return (await this.store.teamViews([saved]))[0];
  }

  /** Adds a member (idempotent). The user must be one the caller can see. */
  @Transactional()
  async addMember(actor: Actor, teamId: string, userId: string): Promise<TeamView> {
    const team = await this.lock(actor, teamId, 'update', 'live');
    await this.assertUserVisible(actor, userId);
    const result = await this.store.tx
      .createQueryBuilder()
      .insert()
      .into(TeamMemberEntity)
      .values({ teamId: team.id, userId })
      .orIgnore()
      .execute();
    if (result.raw?.length ?? result.identifiers.length) {
      await this.audit.record({ actor, resource: 'teams', recordId: team.id, action: 'member_added', changes: { memberId: { from: null, to: userId } } });
    }
    return this.get(actor, teamId);
  }

  @Transactional()
  async removeMember(actor: Actor, teamId: string, userId: string): Promise<TeamView> {
    const team = await this.lock(actor, teamId, 'update', 'live');
    await this.assertUserVisible(actor, userId);
    const result = await this.store.tx.delete(TeamMemberEntity, { teamId: team.id, userId });
    if (!result.affected) throw notFound('team member');
    await this.audit.record({ actor, resource: 'teams', recordId: team.id, action: 'member_removed', changes: { memberId: { from: userId, to: null } } });
    return this.get(actor, teamId);
  }

  async canRead(actor: Actor, id: string): Promise<boolean> {
    return UUID.test(id) && this.store.teams(actor, scopeOf(actor, 'teams', 'read'), 'any').andWhere('"t"."id" = :id', { id }).getExists();
  }

  /** Finds a live team by name, case-insensitively (seeders, the CLI). */
  async findByName(name: string): Promise<TeamEntity | null> {
    return this.store.tx.createQueryBuilder(TeamEntity, 't').where('lower(t.name) = lower(:name)', { name: name.trim() }).getOne();
  }

  private async assertUserVisible(actor: Actor, userId: string): Promise<void> {
    const visible = UUID.test(userId) && (await this.store.users(actor, scopeOf(actor, 'users', 'read')).andWhere('"u"."id" = :userId', { userId }).getExists());
    if (!visible) throw notFound('user');
  }

  private async find(actor: Actor, id: string, action: TeamAction, deleted: DeletedFilter): Promise<TeamEntity> {
    if (!UUID.test(id)) throw notFound('team');
    const team = await this.store.teams(actor, scopeOf(actor, 'teams', action), deleted).andWhere('"t"."id" = :id', { id }).getOne();
    if (!team) throw notFound('team');
    return team;
  }

  private async lock(actor: Actor, id: string, action: 'update' | 'delete', deleted: DeletedFilter, ifMatch?: number): Promise<TeamEntity> {
    if (!UUID.test(id)) throw notFound('team');
    const team = await this.store.teams(actor, scopeOf(actor, 'teams', action), deleted).andWhere('"t"."id" = :id', { id }).setLock('pessimistic_write').getOne();
    if (!team) {
      if (await this.store.teams(actor, scopeOf(actor, 'teams', 'read'), deleted).andWhere('"t"."id" = :id', { id }).getExists()) {
        throw forbidden(`Your role may not ${action} this team.`);
      }
      throw notFound('team');
    }
    if (ifMatch !== undefined && ifMatch !== team.version) throw preconditionFailed(team.version);
    return team;
  }

  private async nameInUse(name: string, exceptId: string | null): Promise<boolean> {
    const qb = this.store.tx.createQueryBuilder(TeamEntity, 't').where('lower(t.name) = lower(:name)', { name });
    if (exceptId) qb.andWhere('t.id <> :exceptId', { exceptId });
    return qb.getExists();
  }

  private async assertNameFree(name: string, exceptId: string | null): Promise<void> {
    if (await this.nameInUse(name, exceptId)) throw nameTaken();
  }

  private async versionedUpdate(current: TeamEntity, values: Record<string, unknown>): Promise<void> {
    const result = await this.store.tx
      .createQueryBuilder()
      .update(TeamEntity)
      .set({ updatedAt: () => 'now()', ...values } as never)
      .where('"id" = :id AND "version" = :version', { id: current.id, version: current.version })
      .execute();
    if (result.affected !== 1) throw preconditionFailed(current.version + 1);
  }

  private async reload(id: string): Promise<TeamEntity> {
    const team = await this.store.tx.findOne(TeamEntity, { where: { id }, withDeleted: true });
    if (!team) throw new Error(`team ${id} vanished inside its own transaction`);
    return team;
  }
}
