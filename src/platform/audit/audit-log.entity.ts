import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type AuditAction = 'create' | 'update' | 'delete' | 'restore' | (string & {});

/** A field-level diff: only the fields that changed, secrets redacted. */
export type AuditChanges = Record<string, { from: unknown; to: unknown }>;

/** One change to one record, appended in the transaction of the change itself (never updated). */
@Entity({ schema: 'platform', name: 'audit_log' })
@Index('audit_log_record_idx', ['resource', 'recordId', 'occurredAt', 'id'])
@Index('audit_log_actor_idx', ['actorId', 'occurredAt', 'id'])
@Index('audit_log_occurred_idx', ['occurredAt', 'id'])
export class AuditLogEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'audit_log_pkey' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  @Column({ type: 'varchar', length: 16 })
  actorType: string;

  @Column({ type: 'varchar', length: 64 })
  actorId: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  requestId: string | null;

  @Column({ type: 'varchar', length: 64 })
  resource: string;

  @Column({ type: 'uuid', nullable: true })
  recordId: string | null;

  @Column({ type: 'varchar', length: 32 })
  action: string;

  @Column({ type: 'jsonb', nullable: true })
  changes: AuditChanges | null;
}
