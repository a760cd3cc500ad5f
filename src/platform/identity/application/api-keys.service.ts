import { Injectable } from '@nestjs/common';
import { Transactional } from '@nestjs-cls/transactional';
import { Actor, scopeOf } from '../../access/actor';
import { AuditService } from '../../audit/audit.service';
import { newId } from '../../database/columns';
import { forbidden, invalid, notFound } from '../../errors/domain-error';
import { CursorCodec } from '../../query/cursor';
import { ListQuery, Page } from '../../query/list-query';
import { fetchPage } from '../../query/paginate';
import { newApiKey, sha256Hex } from '../domain/secrets';
import { ApiKeyView } from '../domain/views';
import { ApiKeyEntity } from '../persistence/api-key.entity';
import { API_KEY_LIST_SPEC } from '../persistence/identity-lists';
import { IdentityStore, UUID } from '../persistence/identity-store';
import { assertMayGrant } from './grants';

export interface CreateApiKeyInput {
  name: string;
  roleId: string;
  expiresAt?: string | Date;
}

export interface CreatedApiKey {
  view: ApiKeyView;
  /** The secret, returned once; only its SHA-256 is stored. */
  key: string;
}

/**
 * API keys for integrations. A `api-keys` scope of `all` reaches every key; any narrower scope
 * reaches the keys the caller created. A key acts with a role no stronger than its creator's.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly store: IdentityStore,
    private readonly audit: AuditService,
    private readonly cursors: CursorCodec,
  ) {}

  async list(actor: Actor, query: ListQuery): Promise<Page<ApiKeyView>> {
    const page = await fetchPage(this.scoped(actor, 'read'), 'k', API_KEY_LIST_SPEC, query, this.cursors);
    return { data: await this.views(page.data), page: page.page };
  }

  async get(actor: Actor, id: string): Promise<ApiKeyView> {
    if (!UUID.test(id)) throw notFound('API key');
    const key = await this.scoped(actor, 'read').andWhere('k.id = :id', { id }).getOne();
    if (!key) throw notFound('API key');
    return (await this.views([key]))[0];
  }

  @Transactional()
  async create(actor: Actor, input: CreateApiKeyInput): Promise<CreatedApiKey> {
    if (scopeOf(actor, 'api-keys', 'create') === 'none') throw forbidden('Your role may not create API keys.');
    if (!actor.userId) throw forbidden('API keys are created by a user.');
    const role = await this.store.roleById(input.roleId);
    if (!role) throw invalid('roleId', 'is not an existing role');
    assertMayGrant(actor, role, 'create an API key');
    const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt);
    if (expiresAt && !(expiresAt.getTime() > Date.now())) throw invalid('expiresAt', 'must be a time in the future');
    const { key, prefix } = newApiKey();
    const entity = this.store.tx.create(ApiKeyEntity, {
      id: newId(),
      name: input.name.trim(),
      keyPrefix: prefix,
      keyHash: sha256Hex(key),
      roleId: role.id,
      createdBy: actor.userId,
      expiresAt,
    });
    await this.store.tx.insert(ApiKeyEntity, entity);
    const saved = await this.reload(entity.id);
    await this.audit.record({ actor, resource: 'api-keys', recordId: saved.id, action: 'create', before: null, after: this.snapshot(saved) });
    return { view: { key: saved, roleName: role.name }, key };
  }

  /** Revokes a key at once; revoking twice is a no-op. */
  @Transactional()
  async revoke(actor: Actor, id: string): Promise<void> {
    if (!UUID.test(id)) throw notFound('API key');
    const current = await this.scoped(actor, 'delete').andWhere('k.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (!current) {
      if (await this.scoped(actor, 'read').andWhere('k.id = :id', { id }).getExists()) throw forbidden('Your role may not revoke this API key.');
      throw notFound('API key');
    }
    if (current.revokedAt) return;
    await this.store.tx.update(ApiKeyEntity, { id }, { revokedAt: () => 'now()', updatedAt: () => 'now()' } as never);
    const saved = await this.reload(id);
    await this.audit.record({ actor, resource: 'api-keys', recordId: id, action: 'revoke', before: this.snapshot(current), after: this.snapshot(saved) });
  }

  async canRead(actor: Actor, id: string): Promise<boolean> {
    return UUID.test(id) && this.scoped(actor, 'read').andWhere('k.id = :id', { id }).getExists();
  }

  private scoped(actor: Actor, action: 'read' | 'delete') {
    const scope = scopeOf(actor, 'api-keys', action);
    const qb = this.store.tx.createQueryBuilder(ApiKeyEntity, 'k');
    if (scope === 'all') return qb.where('TRUE');
    if (scope === 'none' || !actor.userId) return qb.where('FALSE');
    return qb.where('k.created_by = :me', { me: actor.userId });
  }

  private async views(keys: ApiKeyEntity[]): Promise<ApiKeyView[]> {
    const roles = await this.store.roleNames(keys.map((k) => k.roleId));
    return keys.map((key) => ({ key, roleName: roles.get(key.roleId) ?? '' }));
  }

  /** The audited fields: never the hash. */
  private snapshot(k: ApiKeyEntity): Record<string, unknown> {
    return { name: k.name, keyPrefix: k.keyPrefix, roleId: k.roleId, createdBy: k.createdBy, expiresAt: k.expiresAt, revokedAt: k.revokedAt };
  }

  private async reload(id: string): Promise<ApiKeyEntity> {
    const key = await this.store.tx.findOne(ApiKeyEntity, { where: { id } });
    if (!key) throw new Error(`API key ${id} vanished inside its own transaction`);
    return key;
  }
}
