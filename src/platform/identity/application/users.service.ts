import { Injectable } from '@nestjs/common';
import { Transactional } from '@nestjs-cls/transactional';
import { Actor, scopeOf } from '../../access/actor';
import { AuditService } from '../../audit/audit.service';
import { AuditPolicy } from '../../audit/diff';
import { newId } from '../../database/columns';
import { conflict, DomainError, forbidden, invalid, notFound } from '../../errors/domain-error';
import { filterMentions } from '../../query/filter';
import { DELETED_FIELD } from '../../query/list-spec';
import { ListQuery, Page } from '../../query/list-query';
import { fetchPage } from '../../query/paginate';
import { CursorCodec } from '../../query/cursor';
import { preconditionFailed } from '../../records/etag';
import { lastAdmin } from '../domain/identity.errors';
import { generatePassword } from '../domain/secrets';
import { UserView } from '../domain/views';
import { USER_LIST_SPEC } from '../persistence/identity-lists';
import { DeletedFilter, IdentityStore, UUID } from '../persistence/identity-store';
import { RoleEntity } from '../persistence/role.entity';
import { UserEntity, UserStatus } from '../persistence/user.entity';
import { AuthService } from './auth.service';
import { assertMayGrant } from './grants';
import { PasswordHasher } from './password-hasher';

export interface CreateUserInput {
  email: string;
  password?: string;
  displayName?: string;
  roleId: string;
  teamIds?: string[];
}

export interface UpdateUserInput {
  email?: string;
  displayName?: string;
  roleId?: string;
  teamIds?: string[];
  status?: UserStatus;
  password?: string;
  currentPassword?: string;
}

export interface CreatedUser {
  view: UserView;
  /** Set when no password was given: shown once, never stored in clear. */
  generatedPassword?: string;
}

const AUDIT_POLICY: AuditPolicy = { exclude: ['failedLoginCount', 'lockedUntil', 'lastLoginAt'] };
/** What a user may change about themself without any users permission. */
const SELF_SERVICE = new Set(['displayName', 'password', 'currentPassword']);

const notFoundUser = () => notFound('user');

/**
 * Users and their memberships. The `users` scope decides whom a caller reaches: all, the
 * members of their teams (team), or themself (own). Changing someone else needs rights at least
 * those of their role; nobody changes their own role or status; the last admin stays.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly store: IdentityStore,
    private readonly hasher: PasswordHasher,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly cursors: CursorCodec,
  ) {}

  async list(actor: Actor, query: ListQuery): Promise<Page<UserView>> {
    const deleted = filterMentions(query.filter, DELETED_FIELD) ? 'any' : 'live';
    const users = this.store.users(actor, scopeOf(actor, 'users', 'read'), deleted);
    const page = await fetchPage(users, 'u', USER_LIST_SPEC, query, this.cursors, this.store.userHydrator);
    return { data: await this.store.userViews(page.data), page: page.page };
  }

  async get(actor: Actor, id: string, deleted: DeletedFilter = 'live'): Promise<UserView> {
    return this.store.userView(await this.find(actor, id, 'read', deleted));
  }

  /** The caller's user (GET /me): the signed-in user, or the creator of an API key; null for the system. */
  async self(actor: Actor): Promise<UserView | null> {
    if (!actor.userId) return null;
    const user = await this.store.tx.findOne(UserEntity, { where: { id: actor.userId } });
    return user ? this.store.userView(user) : null;
  }

  /** A live user by email, ignoring case (seeders, the CLI). */
  async findByEmail(email: string): Promise<UserView | null> {
    const user = await this.store.tx.createQueryBuilder(UserEntity, 'u').where('lower(u.email) = lower(:email)', { email: email.trim() }).getOne();
    return user ? this.store.userView(user) : null;
  }

  @Transactional()
  async create(actor: Actor, input: CreateUserInput): Promise<CreatedUser> {
    const scope = scopeOf(actor, 'users', 'create');
    if (scope === 'none') throw forbidden('Your role may not create users.');
    const role = await this.requireRole(input.roleId, 'roleId');
    assertMayGrant(actor, role, 'create a user');
    const teamIds = await this.checkTeams(actor, scope === 'all', input.teamIds ?? [], 'teamIds');
    const email = await this.checkEmail(input.email, null);
    const generatedPassword = input.password === undefined ? generatePassword() : undefined;
    const user = this.store.tx.create(UserEntity, {
      id: newId(),
      email,
      passwordHash: await this.hasher.hash(input.password ?? (generatedPassword as string)),
      displayName: input.displayName?.trim() || email.split('@')[0],
      roleId: role.id,
      status: 'active',
    });
    await this.store.tx.insert(UserEntity, user);
    await this.store.setMemberships(user.id, teamIds);
    const saved = await this.reload(user.id);
    await this.record(actor, saved.id, 'create', null, saved, { before: [], after: teamIds });
    return { view: await this.store.userView(saved), generatedPassword };
  }

  @Transactional()
  async update(actor: Actor, id: string, input: UpdateUserInput, ifMatch?: number): Promise<UserView> {
    const given = Object.keys(input).filter((k) => input[k as keyof UpdateUserInput] !== undefined);
    const isSelf = actor.type === 'user' && actor.userId === id;
    const selfService = isSelf && given.every((k) => SELF_SERVICE.has(k));
    const current = selfService ? await this.lockSelf(id) : await this.lockForWrite(actor, id, 'update', 'live');
    if (ifMatch !== undefined && ifMatch !== current.version) throw preconditionFailed(current.version);
    const beforeTeams = (await this.store.teamIdsOf([id])).get(id) ?? [];

    if (isSelf && (input.roleId !== undefined || input.status !== undefined)) {
      throw new DomainError('CANNOT_CHANGE_OWN_ACCESS', 'forbidden', 'You may not change your own role or status; ask another administrator.');
    }
    if (!isSelf) await this.assertRightsOver(actor, current, 'change this user');

    const values: Partial<UserEntity> = {};
    if (input.displayName !== undefined) values.displayName = input.displayName.trim();
    if (input.email !== undefined) values.email = await this.checkEmail(input.email, id);
    let role: RoleEntity | null = null;
    if (input.roleId !== undefined && input.roleId !== current.roleId) {
      role = await this.requireRole(input.roleId, 'roleId');
      assertMayGrant(actor, role, 'give this role');
      values.roleId = role.id;
    }
    if (input.status !== undefined) values.status = input.status;
    if (input.password !== undefined) {
      if (isSelf) await this.checkCurrentPassword(current, input.currentPassword);
      values.passwordHash = await this.hasher.hash(input.password);
    } else if (input.currentPassword !== undefined) {
      throw invalid('currentPassword', 'is only accepted together with password');
    }
    let teamIds: string[] | null = null;
    if (input.teamIds !== undefined) {
      teamIds = await this.checkTeams(actor, scopeOf(actor, 'users', 'update') === 'all', input.teamIds, 'teamIds', beforeTeams);
    }

    const staysAdmin = (values.status ?? current.status) === 'active' && (role ? this.store.isAdminRole(role) : true);
    if (!staysAdmin && (await this.isActiveAdmin(current)) && (await this.store.otherActiveAdmins(id)) === 0) throw lastAdmin();

    const teamsChanged = teamIds !== null && !sameSet(teamIds, beforeTeams);
    const changed = Object.entries(values).some(([k, v]) => current[k as keyof UserEntity] !== v) || teamsChanged;
    if (!changed) return this.store.userView(current);
    if (teamsChanged) await this.store.setMemberships(id, teamIds as string[]);
    await this.versionedUpdate(current, values);
    if (values.passwordHash !== undefined || values.status === 'disabled') await this.auth.revokeAllSessions(id);
    const saved = await this.reload(id);
    await this.record(actor, id, 'update', current, saved, { before: beforeTeams, after: teamIds ?? beforeTeams });
    return this.store.userView(saved);
  }

  /** Moves the user to the recycle bin: they can no longer sign in, their sessions end. */
  @Transactional()
  async remove(actor: Actor, id: string, ifMatch?: number): Promise<UserView> {
    if (actor.type === 'user' && actor.userId === id) throw new DomainError('CANNOT_DELETE_SELF', 'forbidden', 'You may not delete yourself.');
    const current = await this.lockForWrite(actor, id, 'delete', 'live');
    if (ifMatch !== undefined && ifMatch !== current.version) throw preconditionFailed(current.version);
    await this.assertRightsOver(actor, current, 'delete this user');
    if ((await this.isActiveAdmin(current)) && (await this.store.otherActiveAdmins(id)) === 0) throw lastAdmin();
    await this.versionedUpdate(current, { deletedAt: () => 'now()' } as never);
    await this.auth.revokeAllSessions(id);
    const saved = await this.reload(id);
    await this.record(actor, id, 'delete', current, saved);
    return this.store.userView(saved);
  }

  @Transactional()
  async restore(actor: Actor, id: string, ifMatch?: number): Promise<UserView> {
    const current = await this.lockForWrite(actor, id, 'delete', 'any');
    if (current.deletedAt === null) throw conflict('NOT_DELETED', 'The user is not deleted: there is nothing to restore.');
    if (ifMatch !== undefined && ifMatch !== current.version) throw preconditionFailed(current.version);
    await this.assertRightsOver(actor, current, 'restore this user');
    await this.versionedUpdate(current, { deletedAt: null });
    const saved = await this.reload(id);
    await this.record(actor, id, 'restore', current, saved);
    return this.store.userView(saved);
  }

  /** Whether the actor may read user `id` (audit log access). */
  async canRead(actor: Actor, id: string): Promise<boolean> {
    return UUID.test(id) && this.store.users(actor, scopeOf(actor, 'users', 'read'), 'any').andWhere('"u"."id" = :id', { id }).getExists();
  }

  private async find(actor: Actor, id: string, action: 'read', deleted: DeletedFilter): Promise<UserEntity> {
    if (!UUID.test(id)) throw notFoundUser();
    const user = await this.store.users(actor, scopeOf(actor, 'users', action), deleted).andWhere('"u"."id" = :id', { id }).getOne();
    if (!user) throw notFoundUser();
    return user;
  }

  /** 404 when the user is outside what the caller can see; 403 when seen but not writable. */
  private async lockForWrite(actor: Actor, id: string, action: 'update' | 'delete', deleted: DeletedFilter): Promise<UserEntity> {
    if (!UUID.test(id)) throw notFoundUser();
    const scope = scopeOf(actor, 'users', action);
    const user = await this.store.users(actor, scope, deleted).andWhere('"u"."id" = :id', { id }).setLock('pessimistic_write').getOne();
    if (user) return user;
    if (await this.store.users(actor, scopeOf(actor, 'users', 'read'), deleted).andWhere('"u"."id" = :id', { id }).getExists()) {
      throw forbidden(`Your role may not ${action} this user.`);
    }
    throw notFoundUser();
  }

  private async lockSelf(id: string): Promise<UserEntity> {
    const user = await this.store.tx
      .createQueryBuilder(UserEntity, 'u')
      .where('"u"."id" = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
    if (!user) throw notFoundUser();
    return user;
  }

  private async assertRightsOver(actor: Actor, target: UserEntity, what: string): Promise<void> {
    const role = await this.store.roleById(target.roleId);
    if (role) assertMayGrant(actor, role, what);
  }

  private async isActiveAdmin(user: UserEntity): Promise<boolean> {
    if (user.status !== 'active' || user.deletedAt) return false;
    const role = await this.store.roleById(user.roleId);
    return !!role && this.store.isAdminRole(role);
  }

  private async requireRole(id: string, field: string): Promise<RoleEntity> {
    const role = await this.store.roleById(id);
    if (!role) throw invalid(field, 'is not an existing role');
    return role;
  }

  /**
   * Teams must exist. A caller without `all` scope may only add or remove teams they belong to
   * themself (keeping the target's other memberships as they are).
   */
  private async checkTeams(actor: Actor, anyTeam: boolean, requested: string[], field: string, before: string[] = []): Promise<string[]> {
    const teamIds = [...new Set(requested.map((t) => t.toLowerCase()))];
    const live = await this.store.liveTeamIds(teamIds);
    const missing = teamIds.findIndex((t) => !live.has(t));
    if (missing >= 0) throw invalid(`${field}[${requested.findIndex((t) => t.toLowerCase() === teamIds[missing])}]`, 'is not an existing team');
    if (!anyTeam && !actor.isAdmin) {
      const touched = [...teamIds.filter((t) => !before.includes(t)), ...before.filter((t) => !teamIds.includes(t))];
      if (touched.some((t) => !actor.teamIds.includes(t))) {
        throw new DomainError('TEAM_OUT_OF_SCOPE', 'forbidden', 'You may only add users to, or remove them from, your own teams.', [{ field, message: 'names a team you are not in' }]);
      }
    }
    return teamIds.sort();
  }

  private async checkEmail(raw: string, exceptId: string | null): Promise<string> {
    const email = raw.trim();
    const qb = this.store.tx.createQueryBuilder(UserEntity, 'u').withDeleted().where('lower(u.email) = lower(:email)', { email });
    if (exceptId) qb.andWhere('u.id <> :exceptId', { exceptId });
    if (await qb.getExists()) {
      throw new DomainError('EMAIL_TAKEN', 'conflict', 'Another user has this email address.', [{ field: 'email', message: 'is taken' }]);
    }
    return email;
  }

  private async checkCurrentPassword(user: UserEntity, currentPassword: string | undefined): Promise<void> {
    if (currentPassword === undefined) throw invalid('currentPassword', 'is required to change your own password');
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
      throw new DomainError('WRONG_PASSWORD', 'forbidden', 'The current password is not correct.', [{ field: 'currentPassword', message: 'is not correct' }]);
    }
  }

  private async versionedUpdate(current: UserEntity, values: Record<string, unknown>): Promise<void> {
    const result = await this.store.tx
      .createQueryBuilder()
      .update(UserEntity)
      .set({ updatedAt: () => 'now()', ...values } as never)
      .where('"id" = :id AND "version" = :version', { id: current.id, version: current.version })
      .execute();
    if (result.affected !== 1) throw preconditionFailed(current.version + 1);
  }

  private async reload(id: string): Promise<UserEntity> {
    const user = await this.store.tx.findOne(UserEntity, { where: { id }, withDeleted: true });
    if (!user) throw new Error(`user ${id} vanished inside its own transaction`);
    return user;
  }

  /** Memberships are audited as the user's `teamIds`, when the change touched them. */
  private async record(actor: Actor, id: string, action: string, before: UserEntity | null, after: UserEntity, teams?: { before: string[]; after: string[] }): Promise<void> {
    const snap = (u: UserEntity, teamIds?: string[]) => ({ ...u, ...(teamIds ? { teamIds } : {}) });
    await this.audit.record({
      actor,
      resource: 'users',
      recordId: id,
      action,
      before: before ? snap(before, teams?.before) : null,
      after: snap(after, teams?.after),
      policy: AUDIT_POLICY,
    });
  }
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

