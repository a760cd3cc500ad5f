import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Actor, scopeOf } from '../access/actor';
import { forbidden, notFound } from '../errors/domain-error';
import { CursorCodec } from '../query/cursor';
import { requiredConditions } from '../query/filter';
import { ListQuery, Page } from '../query/list-query';
import { defineListSpec } from '../query/list-spec';
import { fetchPage } from '../query/paginate';
import { AuditAccessRegistry } from './audit-access.registry';
import { AuditLogEntity } from './audit-log.entity';

export const AUDIT_LIST_SPEC = defineListSpec({
  resource: 'audit',
  defaultSort: '-occurredAt',
  fields: {
    id: { type: 'uuid', sortable: true, nullable: false, ops: ['eq', 'in'] },
    occurredAt: { type: 'timestamp', sortable: true, nullable: false, ops: ['gt', 'gte', 'lt', 'lte'], description: 'time range: filter[occurredAt][gte]=…&filter[occurredAt][lt]=…' },
    resource: { type: 'string', ops: ['eq', 'in'], nullable: false },
    recordId: { type: 'uuid', ops: ['eq', 'in'] },
    actorId: { type: 'string', ops: ['eq', 'in'], nullable: false },
    actorType: { type: 'enum', values: ['user', 'apiKey', 'system'], ops: ['eq', 'in'] },
    action: { type: 'string', ops: ['eq', 'in'], nullable: false },
    requestId: { type: 'string', ops: ['eq'] },
  },
});

/** occurred_at as sortable text with its microseconds (ISO, UTC): a keyset position that survives JSON. */
const POSITION_SQL = `to_char(a.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface AuditHistoryItem {
  entry: AuditLogEntity;
  /** occurredAt with microseconds, `2026-03-01T09:30:00.123456Z`: compares as text, usable in `before`. */
  position: string;
}

/**
 * Reading the audit log. Admins (or a role with `audit: read all`) read everything. Everyone
 * else reads the history of one record they can read: the filter must pin
 * `filter[resource][eq]` and `filter[recordId][eq]` (403 otherwise), and the record must be
 * within their read scope (404 otherwise, as for the record itself).
 */
@Injectable()
export class AuditQueryService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cursors: CursorCodec,
    private readonly registry: AuditAccessRegistry,
  ) {}

  async list(actor: Actor, query: ListQuery): Promise<Page<AuditLogEntity>> {
    if (scopeOf(actor, 'audit', 'read') !== 'all') await this.assertRecordReadable(actor, query);
    const qb = this.txHost.tx.createQueryBuilder(AuditLogEntity, 'a');
    return fetchPage(qb, 'a', AUDIT_LIST_SPEC, query, this.cursors);
  }

  /**
   * One record's history, newest first, for views that merge it with other sources (timelines).
   * `before` is a keyset position (occurredAt as `positionOf` gives it, id). The caller has
   * already decided that the actor may read the record; this reads no scope.
   */
  async historyOf(resource: string, recordId: string, opts: { limit: number; before?: { at: string; id: string } | null }): Promise<AuditHistoryItem[]> {
    const qb = this.txHost.tx
      .createQueryBuilder(AuditLogEntity, 'a')
      .where('a.resource = :resource AND a.record_id = :recordId', { resource, recordId })
      .addSelect(POSITION_SQL, 'position')
      .orderBy('a.occurred_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(opts.limit);
    if (opts.before) qb.andWhere('(a.occurred_at, a.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))', { at: opts.before.at, id: opts.before.id });
    const { raw, entities } = await qb.getRawAndEntities();
    const positions = new Map((raw as { a_id: string; position: string }[]).map((r) => [r.a_id, r.position]));
    return entities.map((entry) => ({ entry, position: positions.get(entry.id) as string }));
  }

  private async assertRecordReadable(actor: Actor, query: ListQuery): Promise<void> {
    const pinned = requiredConditions(query.filter);
    const resource = pinned.find((c) => c.field.name === 'resource' && c.op === 'eq')?.value;
    const recordId = pinned.find((c) => c.field.name === 'recordId' && c.op === 'eq')?.value;
    if (typeof resource !== 'string' || typeof recordId !== 'string') {
      throw forbidden('Only administrators read the whole audit log; filter by filter[resource][eq] and filter[recordId][eq] of a record you can read.');
    }
    if (!(await this.registry.canRead(actor, resource, recordId))) throw notFound('record');
  }
}
