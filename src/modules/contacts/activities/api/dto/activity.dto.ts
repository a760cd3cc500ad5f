import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsTimestamp } from '../../../../../platform/http/is-timestamp';
import { ACTIVITY_TYPES, CALL_DIRECTIONS, MAX_SUBJECTS, TASK_PRIORITIES, TASK_STATUSES } from '../../domain/activity.types';
import type { ActivityType, CallDirection, TaskPriority, TaskStatus } from '../../domain/activity.types';
import { ActivityView } from '../../application/activity.view';

const MAX_BODY = 100_000;

export class MeetingAttendeeDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, example: 'Ann Lee' })
  @IsOptional() @IsString() @MaxLength(200)
  name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'email', example: 'ann@example.com' })
  @IsOptional() @IsEmail() @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', description: 'The attendee as a contact, when they are one (you must be able to see a contact you add). An attendee needs a contactId, a name or an email.' })
  @IsOptional() @IsUUID()
  contactId?: string | null;
}

/**
 * One DTO for every type: which fields a type takes is checked by the service (a field of
 * another type is a 400 naming it), so a client sees one schema and one set of rules.
 */
export class CreateActivityDto {
  @ApiProperty({ enum: ACTIVITY_TYPES, example: 'call' })
  @IsIn(ACTIVITY_TYPES)
  type: ActivityType;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500, example: 'Renewal call', description: 'Title; an email\'s subject. Required for tasks.' })
  @IsOptional() @IsString() @MaxLength(500)
  subject?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: MAX_BODY, example: 'Wants a quote for 20 seats.', description: 'Text; required for notes.' })
  @IsOptional() @IsString() @MaxLength(MAX_BODY)
  body?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'When it happened; defaults to now. A meeting\'s is its startAt and follows it when startAt moves; a different value is a 400.' })
  @IsOptional() @IsTimestamp()
  occurredAt?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_SUBJECTS, description: 'Contacts it relates to (you must be able to see them)' })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_SUBJECTS) @IsUUID('all', { each: true })
  contactIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_SUBJECTS, description: 'Companies it relates to (you must be able to see them)' })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_SUBJECTS) @IsUUID('all', { each: true })
  companyIds?: string[];

  @ApiPropertyOptional({ enum: CALL_DIRECTIONS, nullable: true, description: 'call: required' })
  @IsOptional() @IsIn(CALL_DIRECTIONS)
  direction?: CallDirection | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: 86400, example: 420, description: 'call' })
  @IsOptional() @IsInt() @Min(0) @Max(86_400)
  durationSeconds?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100, example: 'left voicemail', description: 'call' })
  @IsOptional() @IsString() @MaxLength(100)
  outcome?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'meeting: required' })
  @IsOptional() @IsTimestamp()
  startAt?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'meeting: not before startAt' })
  @IsOptional() @IsTimestamp()
  endAt?: string | null;

  @ApiPropertyOptional({ type: [MeetingAttendeeDto], maxItems: 200, description: 'meeting: each with a contactId, a name or an email' })
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => MeetingAttendeeDto)
  attendees?: MeetingAttendeeDto[];

  @ApiPropertyOptional({ type: String, format: 'email', nullable: true, description: 'email: the sender, required' })
  @IsOptional() @IsEmail() @MaxLength(320)
  from?: string | null;

  @ApiPropertyOptional({ type: [String], format: 'email', maxItems: 100, description: 'email: the recipients, at least one' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsEmail({}, { each: true })
  to?: string[];

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'task: the user who does it; defaults to you' })
  @IsOptional() @IsUUID()
  assigneeId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'task' })
  @IsOptional() @IsTimestamp()
  dueAt?: string | null;

  @ApiPropertyOptional({ enum: TASK_STATUSES, description: 'task; defaults to open. done sets completedAt.' })
  @IsOptional() @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ enum: TASK_PRIORITIES, description: 'task; defaults to normal' })
  @IsOptional() @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'task: when to remind the assignee, or the owner when the task is unassigned (a notification and an email, once, if they may still open the task then). Moving it reschedules; null, done, cancelled or deleting cancels.',
  })
  @IsOptional() @IsTimestamp()
  remindAt?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'Defaults to you; another owner needs the scope to assign it' })
  @IsOptional() @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'Defaults to your first team' })
  @IsOptional() @IsUUID()
  teamId?: string | null;
}

/** PATCH: the same fields, all optional; the type of an activity never changes. */
export class UpdateActivityDto extends OmitType(CreateActivityDto, ['type'] as const) {}

export class MeetingAttendeeResponseDto {
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'email' }) email: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) contactId: string | null;
}

export class ActivityResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ACTIVITY_TYPES }) type: ActivityType;
  @ApiProperty({ type: String, nullable: true }) subject: string | null;
  @ApiProperty({ type: String, nullable: true }) body: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) occurredAt: string;
  @ApiProperty({ type: [String], format: 'uuid' }) contactIds: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) companyIds: string[];
  @ApiProperty({ enum: CALL_DIRECTIONS, nullable: true }) direction: CallDirection | null;
  @ApiProperty({ type: 'integer', nullable: true }) durationSeconds: number | null;
  @ApiProperty({ type: String, nullable: true }) outcome: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endAt: string | null;
  @ApiProperty({ type: [MeetingAttendeeResponseDto] }) attendees: MeetingAttendeeResponseDto[];
  @ApiProperty({ type: String, format: 'email', nullable: true }) from: string | null;
  @ApiProperty({ type: [String], format: 'email' }) to: string[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt: string | null;
  @ApiProperty({ enum: TASK_STATUSES, nullable: true }) status: TaskStatus | null;
  @ApiProperty({ enum: TASK_PRIORITIES, nullable: true }) priority: TaskPriority | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) remindAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the reminder went out' }) reminderSentAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ownerId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) teamId: string | null;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set while in the recycle bin' }) deletedAt: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toActivityResponse({ entity: e, subjects }: ActivityView): ActivityResponseDto {
  return {
    id: e.id,
    type: e.type,
    subject: e.subject,
    body: e.body,
    occurredAt: e.occurredAt.toISOString(),
    contactIds: subjects.filter((s) => s.type === 'contact').map((s) => s.id),
    companyIds: subjects.filter((s) => s.type === 'company').map((s) => s.id),
    direction: e.direction,
    durationSeconds: e.durationSeconds,
    outcome: e.outcome,
    startAt: iso(e.startAt),
    endAt: iso(e.endAt),
    attendees: (e.attendees ?? []).map((a) => ({ name: a.name ?? null, email: a.email ?? null, contactId: a.contactId ?? null })),
    from: e.emailFrom,
    to: e.emailTo ?? [],
    assigneeId: e.assigneeId,
    dueAt: iso(e.dueAt),
    status: e.status,
    priority: e.priority,
    remindAt: iso(e.remindAt),
    reminderSentAt: iso(e.reminderSentAt),
    completedAt: iso(e.completedAt),
    ownerId: e.ownerId,
    teamId: e.teamId,
    version: e.version,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
    deletedAt: iso(e.deletedAt),
  };
}
