import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { SubjectMoveReceipt } from '../../activities/activities.facade';

export interface MergeReceipt {
  activities: SubjectMoveReceipt;
  /** Consent entry ids moved to the primary, by the duplicate they came from. */
  consents: { fromId: string; entryIds: string[] }[];
}

/** One merge: who did it, full snapshots of every contact before it, and what moved. */
@Entity({ schema: 'contacts', name: 'contact_merges' })
@Index('contact_merges_primary_idx', ['primaryId'])
export class ContactMergeEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'contact_merges_pkey' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'uuid' }) primaryId: string;
  @Column({ type: 'uuid', array: true }) duplicateIds: string[];
  @Column({ type: 'varchar', length: 16 }) actorType: string;
  @Column({ type: 'varchar', length: 64 }) actorId: string;
  @Column({ type: 'varchar', length: 128, nullable: true }) requestId: string | null;
  /** Contact id → the contact's columns before the merge. */
  @Column({ type: 'jsonb' }) snapshots: Record<string, Record<string, unknown>>;
  @Column({ type: 'jsonb' }) receipt: MergeReceipt;
  /** The primary's version right after the merge: an undo after later edits would lose them. */
  @Column({ type: 'integer' }) primaryVersion: number;
  @Column({ type: 'timestamptz', nullable: true }) undoneAt: Date | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) undoneBy: string | null;
}
