/** What an activity is, and which fields each kind carries. */
export const ACTIVITY_TYPES = ['note', 'call', 'meeting', 'email', 'task'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const CALL_DIRECTIONS = ['in', 'out'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_PRIORITIES = ['low', 'normal', 'high'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/**
 * What an activity can relate to. Contacts and companies are checked on write; deals and
 * tickets attach once their modules offer a check (the link table already takes them).
 */
export const SUBJECT_TYPES = ['contact', 'company', 'deal', 'ticket'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export interface SubjectRef {
  type: SubjectType;
  id: string;
}

export interface MeetingAttendee {
  name?: string | null;
  email?: string | null;
  contactId?: string | null;
}

/** Fields that belong to one type only; setting one on another type is a 400 naming it. */
export const TYPE_FIELDS: Record<ActivityType, readonly string[]> = {
  note: [],
  call: ['direction', 'durationSeconds', 'outcome'],
  meeting: ['startAt', 'endAt', 'attendees'],
  email: ['from', 'to'],
  task: ['assigneeId', 'dueAt', 'status', 'priority', 'remindAt'],
};

export const TYPED_FIELDS: readonly string[] = Object.values(TYPE_FIELDS).flat();

/** The most subjects one activity may relate to (a meeting with a whole buying committee fits). */
export const MAX_SUBJECTS = 50;
