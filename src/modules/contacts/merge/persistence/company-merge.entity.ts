import { Entity, Index, PrimaryColumn } from 'typeorm';
import { SubjectMoveReceipt } from '../../activities/activities.facade';
import { ContactLinkMove } from '../domain/company-merge.rules';
import { MergeRecord } from './merge-record';

export interface CompanyMergeReceipt {
  activities: SubjectMoveReceipt;
  /** Contacts whose links to a duplicate moved to the primary. */
  contactLinks: ContactLinkMove[];
  /** Subsidiaries whose parent was a duplicate and is now the primary. */
  subsidiaries: { companyId: string; fromId: string }[];
}

/** One merge of companies: who did it, full snapshots of every company before it, and what moved. */
@Entity({ schema: 'contacts', name: 'company_merges' })
@Index('company_merges_primary_idx', ['primaryId'])
export class CompanyMergeEntity extends MergeRecord<CompanyMergeReceipt> {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'company_merges_pkey' })
  id: string;
}
