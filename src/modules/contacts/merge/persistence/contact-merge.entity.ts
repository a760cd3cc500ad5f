import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { SubjectMoveReceipt } from '../../activities/activities.facade';
import { MergeRecord } from './merge-record';

export interface MergeReceipt {
  activities: SubjectMoveReceipt;
  /** Consent entry ids moved to the primary, by the duplicate they came from. */
  consents: { fromId: string; entryIds: string[] }[];
}

/** One merge of contacts: who did it, full snapshots of every contact before it, and what moved. */
@Entity({ schema: 'contacts', name: 'contact_merges' })
@Index('contact_merges_primary_idx', ['primaryId'])
export class ContactMergeEntity extends MergeRecord<MergeReceipt> {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'contact_merges_pkey' })
  id: string;

  /** When a person the merge joined was erased: such a merge is never undone (MERGE_ERASED). */
  @Column({ type: 'timestamptz', nullable: true })
  erasedAt: Date | null;
}
