import { Injectable } from '@nestjs/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { Actor, CLS_ACTOR, SYSTEM_ACTOR } from '../access/actor';
import { AppConfig } from '../config/config';
import { DomainError, invalid } from '../errors/domain-error';
import { TeamsService } from './application/teams.service';
import { UsersService } from './application/users.service';
import { RolesService } from './application/roles.service';
import { UserView } from './domain/views';
import { ActorLoader } from './persistence/actor-loader';
import { UUID } from './persistence/identity-store';
import { RoleEntity } from './persistence/role.entity';

export interface IdentityUser {
  id: string;
  email: string;
  displayName: string;
  role: string;
  teamIds: string[];
}

export interface IdentityTeam {
  id: string;
  name: string;
}

export interface IdentityRole {
  id: string;
  name: string;
  builtIn: boolean;
}

export interface CreateUserCommand {
  email: string;
  /** Omitted: one is generated and returned once. */
  password?: string;
  /** A role name (`admin`, `sales`, …). */
  role: string;
  displayName?: string;
  teamIds?: string[];
}

export interface FirstAdminResult {
  created: boolean;
  email?: string;
  generatedPassword?: string;
}

/** Where no ADMIN_EMAIL is configured, the first admin signs in with this address. */
export const DEFAULT_ADMIN_EMAIL = 'admin@crm.local';

const toUser = (v: UserView): IdentityUser => ({ id: v.user.id, email: v.user.email, displayName: v.user.displayName, role: v.roleName, teamIds: v.teamIds });
const toRole = (r: RoleEntity): IdentityRole => ({ id: r.id, name: r.name, builtIn: r.builtIn });

/**
 * What the rest of the box (CLI, box bootstrap, demo seeders) may ask of identity. Runs as the
 * system actor, opening a request context of its own when called outside one.
 */
@Injectable()
export class IdentityFacade {
  constructor(
    private readonly cls: ClsService,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: UsersService,
    private readonly teams: TeamsService,
    private readonly roles: RolesService,
    private readonly actors: ActorLoader,
  ) {}

  createUser(cmd: CreateUserCommand): Promise<{ user: IdentityUser; generatedPassword?: string }> {
    return this.inContext(async () => {
      const role = await this.roles.findByName(cmd.role);
      if (!role) throw invalid('role', `is not an existing role (${cmd.role})`);
      const created = await this.users.create(SYSTEM_ACTOR, { email: cmd.email, password: cmd.password, displayName: cmd.displayName, roleId: role.id, teamIds: cmd.teamIds });
      return { user: toUser(created.view), generatedPassword: created.generatedPassword };
    });
  }

  /** Creates a team, or returns the live team of that name. */
  createTeam(name: string): Promise<IdentityTeam> {
    return this.inContext(async () => {
      const existing = await this.teams.findByName(name);
      if (existing) return { id: existing.id, name: existing.name };
      const created = await this.teams.create(SYSTEM_ACTOR, { name });
      return { id: created.team.id, name: created.team.name };
    });
  }

  findRoleByName(name: string): Promise<IdentityRole | null> {
    return this.inContext(async () => {
      const role = await this.roles.findByName(name);
      return role ? toRole(role) : null;
    });
  }

  /** A live user by id (task assignees, notification recipients); null when absent or deleted. */
  findUserById(id: string): Promise<IdentityUser | null> {
    return this.inContext(async () => {
      try {
        return toUser(await this.users.get(SYSTEM_ACTOR, id));
      } catch (err) {
        if (err instanceof DomainError && err.kind === 'not_found') return null;
        throw err;
      }
    });
  }

  /**
   * A user `caller` may give a record to (as its owner, as a task's assignee): live, active, and
   * one the caller may see, as GET /users/{id} shows them (the caller's own user always). Returned
   * as the Actor that user acts as, so the record's rules can ask what they may reach; null when
   * the user does not exist, is disabled or deleted, or is hidden from the caller.
   */
  assignableUser(caller: Actor, id: string): Promise<Actor | null> {
    return this.inContext(async () => {
      if (!UUID.test(id) || (caller.userId !== id && !(await this.users.canRead(caller, id)))) return null;
      return this.actors.forUser(id);
    });
  }

  /** The Actor an active, live user acts as (a job acting for them, or asking what they may reach); null otherwise. */
  actorOf(userId: string): Promise<Actor | null> {
    return this.inContext(async () => (UUID.test(userId) ? this.actors.forUser(userId) : null));
  }

  /** Whether `id` is a live team (a record's teamId). */
  teamExists(id: string): Promise<boolean> {
    return this.inContext(async () => {
      try {
        await this.teams.get(SYSTEM_ACTOR, id);
        return true;
      } catch (err) {
        if (err instanceof DomainError && err.kind === 'not_found') return false;
        throw err;
      }
    });
  }

  findUserByEmail(email: string): Promise<IdentityUser | null> {
    return this.inContext(async () => {
      const found = await this.users.findByEmail(email);
      return found ? toUser(found) : null;
    });
  }

  /**
   * On a box with no users at all, creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD
   * (a generated password when none is set). Does nothing once any user exists.
   */
  ensureFirstAdmin(config: Pick<AppConfig, 'admin'>): Promise<FirstAdminResult> {
    return this.inContext(() => this.firstAdmin(config));
  }

  @Transactional()
  private async firstAdmin(config: Pick<AppConfig, 'admin'>): Promise<FirstAdminResult> {
    // Two processes starting at once on an empty box create one admin, not two.
    await this.txHost.tx.query(`SELECT pg_advisory_xact_lock(727100002)`);
    const [{ n }] = await this.txHost.tx.query(`SELECT count(*)::int AS n FROM platform.users`);
    if (n > 0) return { created: false };
    const email = config.admin.email ?? DEFAULT_ADMIN_EMAIL;
    const { user, generatedPassword } = await this.createUser({ email, password: config.admin.password, role: 'admin', displayName: 'Administrator' });
    return { created: true, email: user.email, generatedPassword };
  }

  private inContext<T>(fn: () => Promise<T>): Promise<T> {
    if (this.cls.isActive()) return fn();
    return this.cls.run(() => {
      this.cls.set(CLS_ACTOR, SYSTEM_ACTOR);
      return fn();
    });
  }
}
