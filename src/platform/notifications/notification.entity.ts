import { Column, Entity, Index, Unique } from 'typeorm';
import { BaseEntity } from '../database/columns';

/** One message to one user (a task reminder, …), listed at GET /api/v1/notifications. */
@Entity({ schema: 'platform', name: 'notifications' })
@Index('notifications_user_created_idx', ['userId', 'createdAt', 'id'])
@Unique('notifications_dedupe_key_key', ['dedupeKey'])
export class NotificationEntity extends BaseEntity {
  @Column('uuid')
  userId: string;

  /** What it is about, `<module>.<what>` (`contacts.task_reminder`): clients pick icons and routes by it. */
  @Column('varchar', { length: 64 })
  kind: string;

  @Column('varchar', { length: 300 })
  title: string;

  @Column('text', { nullable: true })
  body: string | null;

  /** The record it points at (`activities` + id), for a link in the client. */
  @Column('varchar', { length: 64, nullable: true })
  resource: string | null;

  @Column('uuid', { nullable: true })
  recordId: string | null;

  /** Makes notify() idempotent: a retried job with the same key adds nothing. */
  @Column('varchar', { length: 200, nullable: true })
  dedupeKey: string | null;

  @Column('timestamptz', { nullable: true })
  readAt: Date | null;
}
