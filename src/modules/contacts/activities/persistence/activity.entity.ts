import { Check, Column, Entity, Index } from 'typeorm';
import { OwnedRecordEntity } from '../../../../platform/database/columns';
import type { ActivityType, CallDirection, MeetingAttendee, TaskPriority, TaskStatus } from '../domain/activity.types';

/**
 * One row for every kind of activity: the kinds share most of what matters (who, when, what
 * it relates to, the timeline) and differ in a handful of nullable columns.
 */
@Entity({ schema: 'contacts', name: 'activities' })
@Check('activities_type_check', `type IN ('note', 'call', 'meeting', 'email', 'task')`)
@Check('activities_direction_check', `direction IS NULL OR direction IN ('in', 'out')`)
@Check('activities_duration_check', `duration_seconds IS NULL OR duration_seconds >= 0`)
@Check('activities_status_check', `status IS NULL OR status IN ('open', 'done', 'cancelled')`)
@Check('activities_priority_check', `priority IS NULL OR priority IN ('low', 'normal', 'high')`)
@Check('activities_meeting_span_check', `end_at IS NULL OR start_at IS NULL OR end_at >= start_at`)
@Index('activities_created_at_id_idx', ['createdAt', 'id'])
@Index('activities_occurred_at_id_idx', ['occurredAt', 'id'])
@Index('activities_owner_id_idx', ['ownerId'])
@Index('activities_team_id_idx', ['teamId'])
@Index('activities_assignee_due_idx', ['assigneeId', 'dueAt'])
@Index('activities_pending_reminder_idx', ['remindAt'], { where: 'reminder_sent_at IS NULL AND remind_at IS NOT NULL AND deleted_at IS NULL' })
export class ActivityEntity extends OwnedRecordEntity {
  @Column('varchar', { length: 16 })
  type: ActivityType;

  /** The headline: a note's title, an email's subject, a meeting's or a task's name. */
  @Column('varchar', { length: 500, nullable: true })
  subject: string | null;

  @Column('text', { nullable: true })
  body: string | null;

  /** When it happened (or, for a task, when it was created): the timeline's order. */
  @Column('timestamptz', { default: () => 'now()' })
  occurredAt: Date;

  @Column('varchar', { length: 3, nullable: true })
  direction: CallDirection | null;

  @Column('integer', { nullable: true })
  durationSeconds: number | null;

  @Column('varchar', { length: 100, nullable: true })
  outcome: string | null;

  @Column('timestamptz', { nullable: true })
  startAt: Date | null;

  @Column('timestamptz', { nullable: true })
  endAt: Date | null;

  @Column('jsonb', { default: () => "'[]'" })
  attendees: MeetingAttendee[];

  @Column('varchar', { length: 320, nullable: true })
  emailFrom: string | null;

  @Column('text', { array: true, default: () => "'{}'" })
  emailTo: string[];

  @Column('uuid', { nullable: true })
  assigneeId: string | null;

  @Column('timestamptz', { nullable: true })
  dueAt: Date | null;

  @Column('varchar', { length: 16, nullable: true })
  status: TaskStatus | null;

  @Column('varchar', { length: 8, nullable: true })
  priority: TaskPriority | null;

  @Column('timestamptz', { nullable: true })
  remindAt: Date | null;

  /** Set by the reminder job when it notified the assignee; cleared when remindAt moves. */
  @Column('timestamptz', { nullable: true })
  reminderSentAt: Date | null;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;
}
