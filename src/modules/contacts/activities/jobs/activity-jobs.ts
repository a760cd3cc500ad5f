import { defineJob, JobDefinition } from '../../../../platform/queue/job-definition';
import { TIMELINE_EVENTS, TimelineEventPayload } from '../domain/timeline-events';

/** Fires at a task's remindAt. Carries the remindAt it was scheduled for: a moved reminder makes it a no-op. */
export const TaskReminderJob = defineJob<{ activityId: string; remindAt: string }>('contacts.task-reminder', { attempts: 5 });

/** Mails one reminder notification to its user (after the notification committed). */
export const ReminderEmailJob = defineJob<{ notificationId: string }>('contacts.reminder-email', { attempts: 5 });

/**
 * One ingest job per timeline event (`contacts.timeline.deal.won`): a fanned-out job knows its
 * payload, not the event that caused it, so the job's name carries the event's.
 */
export const TIMELINE_INGEST_JOBS: { event: string; job: JobDefinition<TimelineEventPayload> }[] = TIMELINE_EVENTS.map((event) => ({
  event: event.name,
  job: defineJob<TimelineEventPayload>(`contacts.timeline.${event.name}`, { attempts: 5, on: [event] }),
}));

export const ACTIVITY_JOBS: JobDefinition[] = [TaskReminderJob, ReminderEmailJob, ...TIMELINE_INGEST_JOBS.map((t) => t.job as JobDefinition)];
