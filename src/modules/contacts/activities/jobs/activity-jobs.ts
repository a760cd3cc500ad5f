import { defineJob, JobDefinition } from '../../../../platform/queue/job-definition';
import { defineSchedule, ScheduleDefinition } from '../../../../platform/queue/schedules';
import { TIMELINE_EVENTS, TimelineEventPayload } from '../domain/timeline-events';

/** Fires at a task's remindAt. Carries the remindAt it was scheduled for: a moved reminder makes it a no-op. */
export const TaskReminderJob = defineJob<{ activityId: string; remindAt: string }>('contacts.task-reminder', { attempts: 5 });

/** Mails one reminder notification to its user (after the notification committed). */
export const ReminderEmailJob = defineJob<{ notificationId: string }>('contacts.reminder-email', { attempts: 5 });

/**
 * Re-queues overdue unsent reminders (see ReminderSweep). One attempt: the next tick is the retry.
 */
export const ReminderSweepJob = defineJob<Record<string, never>>('contacts.reminder-sweep', { attempts: 1 });

/**
 * One ingest job per timeline event (`contacts.timeline.deal.won`): a fanned-out job knows its
 * payload, not the event that caused it, so the job's name carries the event's.
 */
export const TIMELINE_INGEST_JOBS: { event: string; job: JobDefinition<TimelineEventPayload> }[] = TIMELINE_EVENTS.map((event) => ({
  event: event.name,
  job: defineJob<TimelineEventPayload>(`contacts.timeline.${event.name}`, { attempts: 5, on: [event] }),
}));

export const ACTIVITY_JOBS: JobDefinition[] = [TaskReminderJob, ReminderEmailJob, ReminderSweepJob as JobDefinition, ...TIMELINE_INGEST_JOBS.map((t) => t.job as JobDefinition)];

/**
 * Every 5 minutes, so a reminder whose job was lost with Redis goes out at most that late even
 * when no worker restarts. An interval, not a cron: it does not depend on TIMEZONE.
 */
export const ACTIVITY_SCHEDULES: ScheduleDefinition[] = [defineSchedule(ReminderSweepJob, { every: 5 * 60_000 })];
