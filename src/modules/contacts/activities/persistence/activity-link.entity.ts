import { Check, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { SubjectType } from '../domain/activity.types';
import { ActivityEntity } from './activity.entity';

/** What an activity relates to: a contact, a company, later a deal or a ticket (by id, no FK across modules). */
@Entity({ schema: 'contacts', name: 'activity_links' })
@Check('activity_links_subject_type_check', `subject_type IN ('contact', 'company', 'deal', 'ticket')`)
@Index('activity_links_subject_idx', ['subjectType', 'subjectId', 'activityId'])
export class ActivityLinkEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'activity_links_pkey' })
  activityId: string;

  @PrimaryColumn('varchar', { length: 16, primaryKeyConstraintName: 'activity_links_pkey' })
  subjectType: SubjectType;

  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'activity_links_pkey' })
  subjectId: string;

  @ManyToOne(() => ActivityEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'activity_id', foreignKeyConstraintName: 'activity_links_activity_fk' })
  activity?: ActivityEntity;
}
