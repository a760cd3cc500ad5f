import { FieldError } from '../../../../platform/errors/domain-error';
import { ActivityType, MeetingAttendee, TaskPriority, TaskStatus, TYPE_FIELDS, TYPED_FIELDS } from './activity.types';
import type { ActivityInput } from './activity.input';

/** The columns a write sets (entity property names). */
export interface ActivityValues {
  subject?: string | null;
  body?: string | null;
  occurredAt?: Date;
  direction?: 'in' | 'out' | null;
  durationSeconds?: number | null;
  outcome?: string | null;
  startAt?: Date | null;
  endAt?: Date | null;
  attendees?: MeetingAttendee[];
  emailFrom?: string | null;
  emailTo?: string[];
  assigneeId?: string | null;
  dueAt?: Date | null;
  status?: TaskStatus | null;
  priority?: TaskPriority | null;
  remindAt?: Date | null;
  reminderSentAt?: Date | null;
  completedAt?: Date | null;
}

/** What the rules need of the stored activity on a patch. */
export type ActivityState = Required<Omit<ActivityValues, 'occurredAt'>> & { occurredAt: Date };

const date = (v: string | null | undefined): Date | null | undefined => (v === undefined ? undefined : v === null ? null : new Date(v));
const blank = (v: string | null | undefined) => v === null || v === undefined || v.trim() === '';
const sameTime = (a: Date | null | undefined, b: Date | null | undefined) => (a ?? null)?.getTime() === (b ?? null)?.getTime();

/**
 * Turns a create (current = null) or a patch into column values, checking what each type
 * requires. Returns every problem at once, each naming its field.
 */
export function resolveActivity(
  type: ActivityType,
  current: ActivityState | null,
  input: ActivityInput,
  ctx: { now: Date; actorUserId: string | null },
): { values: ActivityValues; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const allowed = TYPE_FIELDS[type];
  for (const field of TYPED_FIELDS) {
    if ((input as Record<string, unknown>)[field] !== undefined && !allowed.includes(field)) errors.push({ field, message: `is not a field of ${type} activities` });
  }

  const values: ActivityValues = {};
  const put = <K extends keyof ActivityValues>(key: K, value: ActivityValues[K] | undefined) => {
    if (value !== undefined) values[key] = value;
  };
  put('subject', input.subject === undefined ? undefined : blank(input.subject) ? null : (input.subject as string).trim());
  put('body', input.body);
  put('occurredAt', date(input.occurredAt) ?? undefined);
  put('direction', input.direction);
  put('durationSeconds', input.durationSeconds);
  put('outcome', input.outcome);
  put('startAt', date(input.startAt));
  put('endAt', date(input.endAt));
  put(
    'attendees',
    input.attendees?.map((a) => ({ name: blank(a.name) ? null : (a.name as string).trim(), email: a.email?.toLowerCase() ?? null, contactId: a.contactId?.toLowerCase() ?? null })),
  );
  put('emailFrom', input.from === undefined ? undefined : (input.from?.toLowerCase() ?? null));
  put('emailTo', input.to?.map((t) => t.toLowerCase()));
  put('assigneeId', input.assigneeId);
  put('dueAt', date(input.dueAt));
  put('status', input.status);
  put('priority', input.priority);
  put('remindAt', date(input.remindAt));

  if (!current) {
    if (type === 'task') {
      values.status ??= 'open';
      values.priority ??= 'normal';
      if (values.assigneeId === undefined) values.assigneeId = ctx.actorUserId;
    }
    values.occurredAt ??= type === 'meeting' && values.startAt ? values.startAt : ctx.now;
  }
  if (type === 'meeting') {
    // A meeting happens at its start: occurredAt follows startAt on create and on every move.
    const startAt = values.startAt !== undefined ? values.startAt : (current?.startAt ?? null);
    if (startAt && values.occurredAt && !sameTime(values.occurredAt, startAt)) errors.push({ field: 'occurredAt', message: 'of a meeting is its startAt: leave it out or send the same time' });
    if (startAt && (values.startAt !== undefined || values.occurredAt !== undefined)) values.occurredAt = startAt;
  }

  const merged = { ...(current ?? {}), ...values } as Partial<ActivityState>;
  const need = (ok: boolean, field: string, message: string) => {
    if (!ok) errors.push({ field, message });
  };
  switch (type) {
    case 'note':
      need(!blank(merged.body), 'body', 'is required for a note');
      break;
    case 'call':
      need(Boolean(merged.direction), 'direction', 'is required for a call (in or out)');
      break;
    case 'meeting':
      need(Boolean(merged.startAt), 'startAt', 'is required for a meeting');
      if (merged.startAt && merged.endAt) need(merged.endAt >= merged.startAt, 'endAt', 'must not be before startAt');
      (values.attendees ?? []).forEach((a, i) => need(Boolean(a.contactId || a.name || a.email), `attendees[${i}]`, 'needs a contactId, a name or an email'));
      break;
    case 'email':
      need(Boolean(merged.emailFrom), 'from', 'is required for an email');
      need((merged.emailTo ?? []).length > 0, 'to', 'needs at least one recipient for an email');
      break;
    case 'task':
      need(!blank(merged.subject), 'subject', 'is required for a task');
      need(Boolean(merged.status), 'status', 'may not be null for a task');
      need(Boolean(merged.priority), 'priority', 'may not be null for a task');
      break;
  }

  if (type === 'task') {
    const statusChanged = values.status !== undefined && values.status !== (current?.status ?? null);
    if (statusChanged || !current) values.completedAt = merged.status === 'done' ? ctx.now : null;
    // A moved reminder is a new reminder: it goes out again at its new time.
    if (current && values.remindAt !== undefined && !sameTime(values.remindAt, current.remindAt)) values.reminderSentAt = null;
  }
  return { values, errors };
}

/** Whether a task's reminder is still to be sent, given its state. */
export function reminderPending(a: { type: ActivityType; status: TaskStatus | null; remindAt: Date | null; reminderSentAt: Date | null; deletedAt: Date | null }): boolean {
  return a.type === 'task' && a.status === 'open' && a.remindAt !== null && a.reminderSentAt === null && a.deletedAt === null;
}
