import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { Actor } from '../access/actor';
import { newId } from '../database/columns';
import { AuditAction, AuditChanges, AuditLogEntity } from './audit-log.entity';
import { auditDiff, AuditPolicy } from './diff';

export interface AuditEntry {
  actor: Actor;
  /** The resource name as in permissions (`contacts`, `users`, `api-keys`). */
  resource: string;
  recordId: string | null;
  action: AuditAction;
  /** A ready diff, or `before`/`after` snapshots to diff under `policy`. */
  changes?: AuditChanges | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  policy?: AuditPolicy;
}

/**
 * Appends to platform.audit_log in the caller's transaction: the entry commits or rolls back
 * with the change it describes. ScopedRepository calls it for every write of a primary record;
 * code that writes elsewhere (users, roles, API keys) calls `record` itself.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.recordMany([entry]);
  }

  /** Several entries in one statement (a change that touches many records: a merge moving links). */
  async recordMany(entries: readonly AuditEntry[]): Promise<void> {
    if (!entries.length) return;
    if (!this.txHost.isTransactionActive()) {
      // Outside a transaction the entry could commit without the change, or the change without it.
      throw new Error(`audit ${entries[0].resource}.${entries[0].action}: call AuditService.record inside a @Transactional() method`);
    }
    await this.txHost.tx.insert(AuditLogEntity, entries.map((e) => this.toRow(e)) as never);
  }

  private toRow(entry: AuditEntry): Partial<AuditLogEntity> {
    const changes =
      entry.changes !== undefined ? entry.changes : entry.before !== undefined || entry.after !== undefined ? auditDiff(entry.before ?? null, entry.after ?? null, entry.policy) : null;
    const requestId = entry.actor.requestId ?? (this.cls.isActive() ? (this.cls.getId() as string | undefined) : undefined) ?? null;
    return {
      id: newId(),
      actorType: entry.actor.type,
      actorId: entry.actor.id.slice(0, 64),
      requestId: requestId ? String(requestId).slice(0, 128) : null,
      resource: entry.resource,
      recordId: entry.recordId,
      action: entry.action,
      changes: changes && Object.keys(changes).length ? changes : null,
    };
  }

  /**
   * Erasure of personal data: the record's past diffs keep which fields changed and when, but
   * their values become `replacement`, except for the fields in `keep` (owner, stage… not about
   * the person) and empty values (null, [], {}, ""). Entries that record an erasure (action `erase`) are left alone: they hold no
   * personal data by construction, and a later erasure must not blank the first one's account.
   * Returns how many entries were rewritten.
   */
  async scrubValues(resource: string, recordId: string, replacement: string, keep: readonly string[] = []): Promise<number> {
    const [, affected]: [unknown, number] = await this.txHost.tx.query(
      `UPDATE platform.audit_log a SET changes = (
         SELECT jsonb_object_agg(e.key, CASE WHEN e.key = ANY($4::text[]) THEN e.value ELSE jsonb_build_object(
           'from', CASE WHEN e.value->'from' IS NULL THEN 'null'::jsonb WHEN e.value->'from' IN ('null', '[]', '{}', '""') THEN e.value->'from' ELSE to_jsonb($3::text) END,
           'to', CASE WHEN e.value->'to' IS NULL THEN 'null'::jsonb WHEN e.value->'to' IN ('null', '[]', '{}', '""') THEN e.value->'to' ELSE to_jsonb($3::text) END) END)
         FROM jsonb_each(a.changes) e)
       WHERE a.resource = $1 AND a.record_id = $2 AND a.changes IS NOT NULL AND jsonb_typeof(a.changes) = 'object' AND a.action <> 'erase'`,
      [resource, recordId, replacement, [...keep]],
    );
    return affected;
  }

  /**
   * Erasure where the record stays for other people (an activity about several contacts): each
   * past value of the records' diffs goes through `rewrite` (which blanks one person's mentions),
   * except the fields in `keep`. Only entries that change are written, never an `erase` entry
   * (see scrubValues). Returns how many.
   */
  async rewriteValues(resource: string, recordIds: readonly string[], rewrite: (value: unknown) => unknown, keep: readonly string[] = []): Promise<number> {
    if (!recordIds.length) return 0;
    const rows: { id: string; changes: AuditChanges }[] = await this.txHost.tx.query(
      `SELECT id, changes FROM platform.audit_log
       WHERE resource = $1 AND record_id = ANY($2::uuid[]) AND changes IS NOT NULL AND jsonb_typeof(changes) = 'object' AND action <> 'erase' FOR UPDATE`,
      [resource, [...recordIds]],
    );
    let rewritten = 0;
    for (const row of rows) {
      const changes = Object.fromEntries(
        Object.entries(row.changes).map(([field, diff]) => [field, keep.includes(field) || !diff ? diff : { from: rewrite(diff.from), to: rewrite(diff.to) }]),
      ) as AuditChanges;
      if (JSON.stringify(changes) === JSON.stringify(row.changes)) continue;
      await this.txHost.tx.query(`UPDATE platform.audit_log SET changes = $2::jsonb WHERE id = $1`, [row.id, JSON.stringify(changes)]);
      rewritten++;
    }
    return rewritten;
  }
}
