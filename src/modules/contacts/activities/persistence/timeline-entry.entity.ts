import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/**
 * What another module's event put on a contact's or company's timeline (a deal won, a ticket
 * opened, a campaign email opened). Written only by the timeline-ingest job, one row per subject.
 */
@Entity({ schema: 'contacts', name: 'timeline_entries' })
@Check('timeline_entries_subject_type_check', `subject_type IN ('contact', 'company')`)
@Unique('timeline_entries_source_subject_key', ['sourceEventId', 'subjectType', 'subjectId'])
@Index('timeline_entries_subject_idx', ['subjectType', 'subjectId', 'occurredAt', 'id'])
export class TimelineEntryEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'timeline_entries_pkey' })
  id: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('varchar', { length: 16 })
  subjectType: 'contact' | 'company';

  @Column('uuid')
  subjectId: string;

  @Column('timestamptz')
  occurredAt: Date;

  /** The event's name (`deal.won`). */
  @Column('varchar', { length: 100 })
  event: string;

  /** The job run that ingested it (derived from the outbox row): replays add nothing. */
  @Column('uuid')
  sourceEventId: string;

  /** The record the event is about, as its module names it (`deals` + id). */
  @Column('varchar', { length: 64, nullable: true })
  resource: string | null;

  @Column('uuid', { nullable: true })
  recordId: string | null;

  /** Owner and team of that record when the event was published: the entry's read scope. */
  @Column('uuid', { nullable: true })
  ownerId: string | null;

  @Column('uuid', { nullable: true })
  teamId: string | null;

  @Column('varchar', { length: 500, nullable: true })
  summary: string | null;
}
