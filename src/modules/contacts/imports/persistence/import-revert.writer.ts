import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Actor } from '../../../../platform/access/actor';
import { CompanyEntity } from '../../persistence/company.entity';
import { ContactEntity } from '../../persistence/contact.entity';
import { ImportEntity } from '../domain/import-options';
import { COMPANY_AUDIT_EXCLUDE, CONTACT_AUDIT_EXCLUDE, refreshContactSearchText } from './import-batch.writer';
import { auditDeleteDiffSql, auditSnapshotSql, auditUpdateDiffSql, SQL_UUID_V7 } from './import-sql';

/**
 * A created contact that has since gained consent evidence cannot be deleted for good (the ledger
 * is append-only and points at it): it goes to the recycle bin instead.
 */
const KEPT_EVIDENCE: Record<ImportEntity, string> = {
  contact: 'EXISTS (SELECT 1 FROM contacts.consent_entries ce WHERE ce.contact_id = t.id)',
  company: 'FALSE',
};

/**
 * Columns a revert puts back from the before-image: the record's data, not its identity or
 * bookkeeping; a column added since the import (absent from the image) is left as it is.
 */
const NOT_RESTORED = new Set(['id', 'created_at', 'updated_at', 'version', 'deleted_at']);

/**
 * Undoes one slice of an import's receipt (contacts.import_changes) in the caller's transaction:
 * records it created are deleted for good (they did not exist before), records it updated get
 * their columns back from the before-image; every change is audited, and the slice's receipt
 * rows are removed, so a revert that stops half-way resumes with what is left.
 */
@Injectable()
export class ImportRevertWriter {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Reverts up to `limit` changes; returns how many it reverted (0: nothing left). */
  async revertSlice(importId: string, entity: ImportEntity, actor: Actor, limit: number): Promise<number> {
    const tx = this.txHost.tx;
    const metadata = tx.connection.getMetadata(entity === 'contact' ? ContactEntity : CompanyEntity);
    const table = entity === 'contact' ? 'contacts.contacts' : 'contacts.companies';
    const resource = entity === 'contact' ? 'contacts' : 'companies';
    const exclude = entity === 'contact' ? CONTACT_AUDIT_EXCLUDE : COMPANY_AUDIT_EXCLUDE;
    const restored = metadata.columns.map((c) => c.databaseName).filter((c) => !NOT_RESTORED.has(c));
    const rows: { n: number; renamed: string[] | null }[] = await tx.query(
      `WITH slice AS MATERIALIZED (
         SELECT record_id, action, before FROM contacts.import_changes WHERE import_id = $1 ORDER BY record_id LIMIT $2 FOR UPDATE),
       -- Read (and locked) before the statements below change the rows: \`restored\` joins it, so it runs first.
       prev AS MATERIALIZED (
         SELECT t.* FROM ${table} t WHERE t.id IN (SELECT record_id FROM slice) FOR UPDATE OF t),
       removed AS (
         DELETE FROM ${table} t USING slice s WHERE s.action = 'created' AND t.id = s.record_id AND NOT ${KEPT_EVIDENCE[entity]} RETURNING t.*),
       binned AS (
         UPDATE ${table} t SET deleted_at = now(), version = t.version + 1, updated_at = now()
           FROM slice s WHERE s.action = 'created' AND t.id = s.record_id AND t.deleted_at IS NULL AND ${KEPT_EVIDENCE[entity]}
         RETURNING t.*),
       restored AS (
         UPDATE ${table} t SET ${restored.map((c) => `"${c}" = CASE WHEN s.before ? '${c}' THEN b."${c}" ELSE t."${c}" END`).join(', ')}, version = t.version + 1, updated_at = now()
           FROM slice s JOIN prev p ON p.id = s.record_id CROSS JOIN LATERAL jsonb_populate_record(NULL::${table}, s.before) b
          WHERE s.action = 'updated' AND t.id = s.record_id
         RETURNING t.*),
       audit_removed AS (
         INSERT INTO platform.audit_log (id, actor_type, actor_id, request_id, resource, record_id, action, changes)
         SELECT ${SQL_UUID_V7}, $3, $4, $5, '${resource}', r.id, 'delete', ${auditDeleteDiffSql(auditSnapshotSql(metadata, 'r', exclude))} FROM removed r),
       audit_binned AS (
         INSERT INTO platform.audit_log (id, actor_type, actor_id, request_id, resource, record_id, action, changes)
         SELECT ${SQL_UUID_V7}, $3, $4, $5, '${resource}', b.id, 'delete', jsonb_build_object('deletedAt', jsonb_build_object('from', NULL, 'to', to_jsonb(b.deleted_at))) FROM binned b),
       audit_restored AS (
         INSERT INTO platform.audit_log (id, actor_type, actor_id, request_id, resource, record_id, action, changes)
         SELECT ${SQL_UUID_V7}, $3, $4, $5, '${resource}', u.id, 'update',
                ${auditUpdateDiffSql(auditSnapshotSql(metadata, 'p', exclude), auditSnapshotSql(metadata, 'u', exclude))}
           FROM restored u JOIN prev p ON p.id = u.id),
       done AS (
         DELETE FROM contacts.import_changes c USING slice s WHERE c.import_id = $1 AND c.record_id = s.record_id)
       SELECT (SELECT count(*)::int FROM slice) AS n,
              ${entity === 'company' ? `(SELECT array_agg(u.id::text) FROM restored u JOIN prev p ON p.id = u.id WHERE u.name IS DISTINCT FROM p.name)` : 'NULL::text[]'} AS renamed`,
      [importId, limit, actor.type, actor.id.slice(0, 64), `import:${importId}:revert`],
    );
    const renamed = rows[0]?.renamed;
    if (renamed?.length) await refreshContactSearchText(this.txHost, renamed);
    return rows[0]?.n ?? 0;
  }
}
