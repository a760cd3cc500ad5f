import { Injectable } from '@nestjs/common';
import { Transactional } from '@nestjs-cls/transactional';
import { Actor, Permissions, scopeOf } from '../../access/actor';
import { normalizePermissions, validatePermissions } from '../../access/permissions';
import { AuditService } from '../../audit/audit.service';
import { newId } from '../../database/columns';
import { DomainError, notFound } from '../../errors/domain-error';
import { validationFailed } from '../../http/validation';
import { CursorCodec } from '../../query/cursor';
import { ListQuery, Page } from '../../query/list-query';
import { fetchPage } from '../../query/paginate';
import { preconditionFailed } from '../../records/etag';
import { ROLE_LIST_SPEC } from '../persistence/identity-lists';
import { IdentityStore, UUID } from '../persistence/identity-store';
import { RoleEntity } from '../persistence/role.entity';
import { assertMayGrant } from './grants';

export interface RoleInput {
  name?: string;
  description?: string | null;
  permissions?: Record<string, unknown>;
}

const nameTaken = () => new DomainError('ROLE_NAME_TAKEN', 'conflict', 'Another role has this name.', [{ field: 'name', message: 'is taken' }]);

/**
 * Roles are data: per resource, per action, a scope. Reading roles is not scoped (anyone with
 * `roles.read` sees them all). Built-in roles keep their names and cannot be deleted; the admin
 * role cannot be changed at all. A caller edits or creates only roles within their own rights.
 */
@Injectable()
export class RolesService {
  constructor(
    private readonly store: IdentityStore,
    private readonly audit: AuditService,
    private readonly cursors: CursorCodec,
  ) {}

  async list(actor: Actor, query: ListQuery): Promise<Page<RoleEntity>> {
    const qb = this.store.tx.createQueryBuilder(RoleEntity, 'r').where(scopeOf(actor, 'roles', 'read') === 'none' ? 'FALSE' : 'TRUE');
    return fetchPage(qb, 'r', ROLE_LIST_SPEC, query, this.cursors);
  }

  async get(actor: Actor, id: string): Promise<RoleEntity> {
    const role = scopeOf(actor, 'roles', 'read') === 'none' ? null : await this.store.roleById(id);
    if (!role) throw notFound('role');
    return role;
  }

  async findByName(name: string): Promise<RoleEntity | null> {
    return this.store.roleByName(name);
  }

  @Transactional()
  async create(actor: Actor, input: Required<Pick<RoleInput, 'name' | 'permissions'>> & RoleInput): Promise<RoleEntity> {
    const permissions = this.checkPermissions(input.permissions);
    const role = this.store.tx.create(RoleEntity, {
      id: newId(),
      name: input.name.trim(),
      description: input.description ?? null,
      permissions,
      builtIn: false,
    });
    assertMayGrant(actor, role, 'create a role');
    if (await this.store.roleByName(role.name)) throw nameTaken();
    await this.store.tx.insert(RoleEntity, role);
    const saved = await this.reload(role.id);
    await this.audit.record({ actor, resource: 'roles', recordId: saved.id, action: 'create', before: null, after: { ...saved } });
    return saved;
  }

  @Transactional()
  async update(actor: Actor, id: string, input: RoleInput, ifMatch?: number): Promise<RoleEntity> {
    const current = await this.lock(id, ifMatch);
    if (current.builtIn && current.name === 'admin') throw new DomainError('BUILT_IN_ROLE', 'conflict', 'The admin role cannot be changed.');
    assertMayGrant(actor, current, 'change this role');
    const values: Partial<RoleEntity> = {};
    if (input.name !== undefined && input.name.trim() !== current.name) {
      if (current.builtIn) throw new DomainError('BUILT_IN_ROLE', 'conflict', 'Built-in roles keep their names.', [{ field: 'name', message: 'cannot be changed on a built-in role' }]);
      values.name = input.name.trim();
      const other = await this.store.roleByName(values.name);
      if (other && other.id !== id) throw nameTaken();
    }
    if (input.description !== undefined && input.description !== current.description) values.description = input.description;
    if (input.permissions !== undefined) {
      const permissions = this.checkPermissions(input.permissions);
      assertMayGrant(actor, { ...current, permissions }, 'give a role these rights');
      if (JSON.stringify(permissions) !== JSON.stringify(normalizePermissions(current.permissions))) values.permissions = permissions;
    }
    if (!Object.keys(values).length) return current;
    const result = await this.store.tx
      .createQueryBuilder()
      .update(RoleEntity)
      .set({ updatedAt: () => 'now()', ...values } as never)
      .where('"id" = :id AND "version" = :version', { id, version: current.version })
      .execute();
    if (result.affected !== 1) throw preconditionFailed(current.version + 1);
    const saved = await this.reload(id);
    await this.audit.record({ actor, resource: 'roles', recordId: id, action: 'update', before: { ...current }, after: { ...saved } });
    return saved;
  }

  /** Deletes a custom role nobody uses (users and API keys must be moved to another role first). */
  @Transactional()
  async remove(actor: Actor, id: string, ifMatch?: number): Promise<void> {
    const current = await this.lock(id, ifMatch);
    if (current.builtIn) throw new DomainError('BUILT_IN_ROLE', 'conflict', 'Built-in roles cannot be deleted.');
    assertMayGrant(actor, current, 'delete this role');
    const [{ n }] = await this.store.tx.query(
      `SELECT (SELECT count(*) FROM platform.users WHERE role_id = $1) + (SELECT count(*) FROM platform.api_keys WHERE role_id = $1 AND revoked_at IS NULL) AS n`,
      [id],
    );
    if (Number(n) > 0) throw new DomainError('ROLE_IN_USE', 'conflict', `The role is given to ${n} user(s) or API key(s); move them to another role first.`);
    // Revoked keys keep their history but not their role: they can never act again anyway.
    await this.store.tx.query(`DELETE FROM platform.api_keys WHERE role_id = $1 AND revoked_at IS NOT NULL`, [id]);
    await this.store.tx.delete(RoleEntity, { id });
    await this.audit.record({ actor, resource: 'roles', recordId: id, action: 'delete', before: { ...current }, after: null });
  }

  private checkPermissions(input: unknown): Permissions {
    const problems = validatePermissions(input);
    if (problems.length) throw validationFailed(problems);
    return normalizePermissions(input as Permissions);
  }

  private async lock(id: string, ifMatch?: number): Promise<RoleEntity> {
    if (!UUID.test(id)) throw notFound('role');
    const role = await this.store.tx.createQueryBuilder(RoleEntity, 'r').where('r.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (!role) throw notFound('role');
    if (ifMatch !== undefined && ifMatch !== role.version) throw preconditionFailed(role.version);
    return role;
  }

  private async reload(id: string): Promise<RoleEntity> {
    const role = await this.store.roleById(id);
    if (!role) throw new Error(`role ${id} vanished inside its own transaction`);
    return role;
  }
}

