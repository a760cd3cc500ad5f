import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsTimestamp } from '../../../../../platform/http/is-timestamp';
import { CONSENT_CHANNELS, CONSENT_STATUSES, ChannelConsent, ConsentChannel, ConsentStatus, LEGAL_BASES, LegalBasis } from '../../domain/consent.types';
import { ConsentEntryEntity } from '../../persistence/consent-entry.entity';

export class RecordConsentDto {
  @ApiProperty({ enum: CONSENT_CHANNELS, example: 'email' })
  @IsIn(CONSENT_CHANNELS)
  channel: ConsentChannel;

  @ApiProperty({ enum: CONSENT_STATUSES, example: 'granted' })
  @IsIn(CONSENT_STATUSES)
  status: ConsentStatus;

  @ApiProperty({ enum: LEGAL_BASES, example: 'consent', description: 'The lawful basis (GDPR art. 6(1)) the grant or withdrawal rests on' })
  @IsIn(LEGAL_BASES)
  legalBasis: LegalBasis;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'newsletter form, /pricing', description: 'Where it was given or withdrawn: a form, a call, an email reply… Not personal data.' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  source: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-03-01T09:30:00.000Z', description: 'When the person gave or withdrew it (default: now); not in the future' })
  @IsOptional()
  @IsTimestamp()
  occurredAt?: string;
}

export class ConsentEntryResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) contactId: string;
  @ApiProperty({ enum: CONSENT_CHANNELS }) channel: ConsentChannel;
  @ApiProperty({ enum: CONSENT_STATUSES }) status: ConsentStatus;
  @ApiProperty({ enum: LEGAL_BASES }) legalBasis: LegalBasis;
  @ApiProperty() source: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ format: 'date-time', description: 'When the server recorded it' }) recordedAt: string;
  @ApiProperty({ type: String, nullable: true, description: 'The request that recorded it' }) requestId: string | null;
  @ApiProperty({ enum: ['user', 'apiKey', 'system'] }) actorType: string;
  @ApiProperty({ description: 'The user, API key or `system` that recorded it' }) actorId: string;
}

export class ChannelConsentDto {
  @ApiProperty({ enum: CONSENT_CHANNELS }) channel: ConsentChannel;
  @ApiProperty({ enum: [...CONSENT_STATUSES, 'unknown'], description: 'The latest entry wins; `unknown` when none was recorded (not a grant)' })
  status: ConsentStatus | 'unknown';
  @ApiProperty({ enum: LEGAL_BASES, nullable: true }) legalBasis: LegalBasis | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) since: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The ledger entry the status comes from' }) entryId: string | null;
}

export class ConsentLedgerResponseDto {
  @ApiProperty({ type: [ChannelConsentDto], description: 'One per channel, in channel order' }) current: ChannelConsentDto[];
  @ApiProperty({ type: [ConsentEntryResponseDto], description: 'Every entry, oldest first' }) entries: ConsentEntryResponseDto[];
}

export function toConsentEntryResponse(e: ConsentEntryEntity): ConsentEntryResponseDto {
  return {
    id: e.id,
    contactId: e.contactId,
    channel: e.channel,
    status: e.status,
    legalBasis: e.legalBasis,
    source: e.source,
    occurredAt: e.occurredAt.toISOString(),
    recordedAt: e.recordedAt.toISOString(),
    requestId: e.requestId,
    actorType: e.actorType,
    actorId: e.actorId,
  };
}

export function toChannelConsentResponse(c: ChannelConsent): ChannelConsentDto {
  return { channel: c.channel, status: c.status, legalBasis: c.legalBasis, since: c.since ? c.since.toISOString() : null, entryId: c.entryId };
}
