import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A domain event (topic) or a job (job_name), written in the transaction of the change that
 * caused it. The relay moves unpublished rows to BullMQ and stamps `published_at`.
 */
@Entity({ schema: 'platform', name: 'outbox' })
@Check('outbox_kind_check', `(topic IS NULL) <> (job_name IS NULL)`)
@Index('outbox_unpublished_idx', ['createdAt', 'id'], { where: 'published_at IS NULL' })
@Index('outbox_published_at_idx', ['publishedAt'])
export class OutboxEntity {
  /** uuid v7: the relay's publishing order and the key of every job it derives. */
  @PrimaryColumn('uuid')
  id: string;

  /** Event name (`contact.created`); null for a job row. */
  @Column('varchar', { length: 100, nullable: true })
  topic: string | null;

  @Column('jsonb', { default: {} })
  payload: Record<string, unknown>;

  /** Job to enqueue; null for an event row (its jobs come from the subscriptions). */
  @Column('varchar', { length: 100, nullable: true })
  jobName: string | null;

  @Column('uuid', { nullable: true })
  jobId: string | null;

  @Column('jsonb', { nullable: true })
  jobOptions: Record<string, unknown> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  publishedAt: Date | null;
}
