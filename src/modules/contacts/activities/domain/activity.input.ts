import type { ActivityType, CallDirection, MeetingAttendee, TaskPriority, TaskStatus } from './activity.types';

/** A create or patch as the service takes it (the API's DTO has this shape, validated). */
export interface ActivityInput {
  type?: ActivityType;
  subject?: string | null;
  body?: string | null;
  occurredAt?: string;
  contactIds?: string[];
  companyIds?: string[];
  direction?: CallDirection | null;
  durationSeconds?: number | null;
  outcome?: string | null;
  startAt?: string | null;
  endAt?: string | null;
  attendees?: MeetingAttendee[];
  from?: string | null;
  to?: string[];
  assigneeId?: string | null;
  dueAt?: string | null;
  status?: TaskStatus;
  priority?: TaskPriority;
  remindAt?: string | null;
  ownerId?: string;
  teamId?: string | null;
}
