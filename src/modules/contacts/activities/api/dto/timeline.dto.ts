import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { TimelineItem } from '../../application/timeline.service';
import { ActivityResponseDto, toActivityResponse } from './activity.dto';

export class TimelineQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque; `page.nextCursor` of the previous page' })
  @IsOptional() @IsString() @MaxLength(2048)
  cursor?: string;
}

export class TimelineChangeDto {
  @ApiProperty({ example: 'update', description: 'create, update, delete, restore, or a resource-specific verb (merge, erase)' }) action: string;
  @ApiProperty({ enum: ['user', 'apiKey', 'system'] }) actorType: string;
  @ApiProperty({ description: 'user id, API key id, or `system`' }) actorId: string;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: { type: 'object', properties: { from: {}, to: {} } },
    example: { city: { from: 'Riga', to: 'Tallinn' } },
  })
  changes: Record<string, { from: unknown; to: unknown }> | null;
}

export class TimelineEventDto {
  @ApiProperty({ example: 'deal.won', description: 'The event another module published' }) type: string;
  @ApiProperty({ type: String, nullable: true, example: 'deals', description: 'The record it is about' }) resource: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) recordId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Deal won: Acme renewal, 12,000 EUR' }) summary: string | null;
}

export class TimelineItemDto {
  @ApiProperty({ format: 'uuid', description: 'The activity, audit entry or event entry id' }) id: string;
  @ApiProperty({ enum: ['activity', 'change', 'event'], description: 'Which of activity, change, event is set' }) kind: 'activity' | 'change' | 'event';
  @ApiProperty({ type: String, format: 'date-time' }) occurredAt: string;
  @ApiProperty({ type: ActivityResponseDto, nullable: true }) activity: ActivityResponseDto | null;
  @ApiProperty({ type: TimelineChangeDto, nullable: true }) change: TimelineChangeDto | null;
  @ApiProperty({ type: TimelineEventDto, nullable: true }) event: TimelineEventDto | null;
}

export function toTimelineItem(item: TimelineItem): TimelineItemDto {
  const base = { id: item.id, kind: item.kind, occurredAt: item.occurredAt.toISOString(), activity: null, change: null, event: null };
  switch (item.kind) {
    case 'activity':
      return { ...base, activity: toActivityResponse(item.activity) };
    case 'change':
      return { ...base, change: { action: item.change.action, actorType: item.change.actorType, actorId: item.change.actorId, changes: item.change.changes } };
    case 'event':
      return { ...base, event: { type: item.event.event, resource: item.event.resource, recordId: item.event.recordId, summary: item.event.summary } };
  }
}
