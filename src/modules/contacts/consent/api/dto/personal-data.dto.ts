import { ApiProperty } from '@nestjs/swagger';
import { AuditLogEntity } from '../../../../../platform/audit/audit-log.entity';
import { ContactActivityData } from '../../../activities/activities.facade';
import { AddressResponseDto } from '../../../api/dto/common.dto';
import { ContactEmailResponseDto, ContactPhoneResponseDto } from '../../../api/dto/contact.dto';
import { ContactPersonalRecord } from '../../../contacts.facade';
import { ErasureReport, PersonalData } from '../../application/personal-data.service';
import { ConsentLedgerResponseDto, toChannelConsentResponse, toConsentEntryResponse } from './consent.dto';

export class PersonalCompanyLinkDto {
  @ApiProperty({ format: 'uuid' }) companyId: string;
  @ApiProperty({ type: String, nullable: true }) role: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Null when the company is outside your scope' }) companyName: string | null;
}

export class PersonalContactDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set while in the recycle bin' }) deletedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) firstName: string | null;
  @ApiProperty({ type: String, nullable: true }) lastName: string | null;
  @ApiProperty({ type: [ContactEmailResponseDto] }) emails: ContactEmailResponseDto[];
  @ApiProperty({ type: [ContactPhoneResponseDto] }) phones: ContactPhoneResponseDto[];
  @ApiProperty({ type: String, nullable: true }) jobTitle: string | null;
  @ApiProperty({ type: AddressResponseDto }) address: AddressResponseDto;
  @ApiProperty({ type: String, nullable: true }) lifecycleStage: string | null;
  @ApiProperty({ type: String, nullable: true }) source: string | null;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ type: [PersonalCompanyLinkDto] }) companyLinks: PersonalCompanyLinkDto[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Every stored custom field value, by key' }) customFields: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ownerId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) teamId: string | null;
}

export class PersonalAttendeeDto {
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) contactId: string | null;
}

export class PersonalActivityDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['note', 'call', 'meeting', 'email', 'task'] }) type: string;
  @ApiProperty({ type: String, nullable: true }) subject: string | null;
  @ApiProperty({ type: String, nullable: true }) body: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ type: String, nullable: true, description: 'Logged emails: the sender' }) from: string | null;
  @ApiProperty({ type: [String], description: 'Logged emails: the recipients' }) to: string[];
  @ApiProperty({ type: [PersonalAttendeeDto], description: 'Meetings' }) attendees: PersonalAttendeeDto[];
}

export class PersonalTimelineEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'deal.won' }) event: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ type: String, nullable: true }) summary: string | null;
}

export class PersonalAuditEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ example: 'update' }) action: string;
  @ApiProperty({ enum: ['user', 'apiKey', 'system'] }) actorType: string;
  @ApiProperty() actorId: string;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: { type: 'object', properties: { from: {}, to: {} } },
    description: 'Field → { from, to }',
  })
  changes: Record<string, { from: unknown; to: unknown }> | null;
}

export class PersonalOtherRecordsDto {
  @ApiProperty({ example: 'contactMerges', description: 'Where the records are kept' }) holder: string;
  @ApiProperty({ description: 'What the records are' }) description: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'The records, as stored' }) records: Record<string, unknown>[];
}

export class PersonalDataResponseDto {
  @ApiProperty({ type: PersonalContactDto }) contact: PersonalContactDto;
  @ApiProperty({ type: ConsentLedgerResponseDto }) consents: ConsentLedgerResponseDto;
  @ApiProperty({ type: [PersonalActivityDto], description: 'Activities related to the contact, recycle bin included' }) activities: PersonalActivityDto[];
  @ApiProperty({ type: [PersonalTimelineEntryDto] }) timelineEntries: PersonalTimelineEntryDto[];
  @ApiProperty({ type: [PersonalAuditEntryDto], description: 'The history of the contact record, oldest first' }) audit: PersonalAuditEntryDto[];
  @ApiProperty({ type: [PersonalOtherRecordsDto], description: 'Other records that hold data about the person (merge snapshots, import receipts, other modules), by where they are kept' })
  otherRecords: PersonalOtherRecordsDto[];
}

export class ErasureResponseDto {
  @ApiProperty({ format: 'uuid' }) contactId: string;
  @ApiProperty({ description: 'Activities from which the person was removed' }) activities: number;
  @ApiProperty({ description: 'Timeline entries whose summary was erased' }) timelineEntries: number;
  @ApiProperty({ description: 'Audit entries of the contact whose values were erased' }) auditEntries: number;
  @ApiProperty({ description: 'Other records (merge snapshots, import receipts, other modules) whose copy of the person was erased' }) otherRecords: number;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Contacts merged into this one (merges not undone), kept in the recycle bin for the undo: the same person, erased with it. Those merges can no longer be undone.',
  })
  mergedContactIds: string[];
}

function toPersonalContact(c: ContactPersonalRecord): PersonalContactDto {
  return {
    id: c.id,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    deletedAt: c.deletedAt ? c.deletedAt.toISOString() : null,
    firstName: c.firstName,
    lastName: c.lastName,
    emails: c.emails.map((e) => ({ email: e.email, primary: e.primary, label: e.label })),
    phones: c.phones.map((p) => ({ number: p.number, primary: p.primary, label: p.label })),
    jobTitle: c.jobTitle,
    address: { ...c.address },
    lifecycleStage: c.lifecycleStage,
    source: c.source,
    tags: c.tags,
    companyLinks: c.companyLinks.map((l) => ({ companyId: l.companyId, role: l.role, companyName: l.companyName })),
    customFields: c.customFields,
    ownerId: c.ownerId,
    teamId: c.teamId,
  };
}

function toAttendee(a: unknown): PersonalAttendeeDto {
  const x = (a ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return { name: str(x.name), email: str(x.email), contactId: str(x.contactId) };
}

function toActivities(a: ContactActivityData): Pick<PersonalDataResponseDto, 'activities' | 'timelineEntries'> {
  return {
    activities: a.activities.map((x) => ({ id: x.id, type: x.type, subject: x.subject, body: x.body, occurredAt: x.occurredAt, from: x.from, to: x.to, attendees: x.attendees.map(toAttendee) })),
    timelineEntries: a.timelineEntries.map((e) => ({ id: e.id, event: e.event, occurredAt: e.occurredAt, summary: e.summary })),
  };
}

function toAuditEntry(e: AuditLogEntity): PersonalAuditEntryDto {
  return { id: e.id, occurredAt: e.occurredAt.toISOString(), action: e.action, actorType: e.actorType, actorId: e.actorId, requestId: e.requestId, changes: e.changes };
}

export function toPersonalDataResponse(d: PersonalData): PersonalDataResponseDto {
  return {
    contact: toPersonalContact(d.contact),
    consents: { current: d.consents.current.map(toChannelConsentResponse), entries: d.consents.entries.map(toConsentEntryResponse) },
    ...toActivities(d.activities),
    audit: d.audit.map(toAuditEntry),
    otherRecords: d.otherRecords.map((o) => ({ holder: o.holder, description: o.description, records: o.records })),
  };
}

export function toErasureResponse(r: ErasureReport): ErasureResponseDto {
  return { contactId: r.contactId, activities: r.activities, timelineEntries: r.timelineEntries, auditEntries: r.auditEntries, otherRecords: r.otherRecords, mergedContactIds: [...r.mergedContactIds] };
}
