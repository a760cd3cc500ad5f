import { ApiProperty } from '@nestjs/swagger';
import { AuditLogEntity } from '../audit-log.entity';

export class AuditEntryResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-03-01T09:30:00.000Z' }) occurredAt: string;
  @ApiProperty({ enum: ['user', 'apiKey', 'system'] }) actorType: string;
  @ApiProperty({ description: 'user id, API key id, or `system`' }) actorId: string;
  @ApiProperty({ type: String, nullable: true, description: 'X-Request-Id of the request (or the job id)' }) requestId: string | null;
  @ApiProperty({ example: 'contacts' }) resource: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) recordId: string | null;
  @ApiProperty({ example: 'update', description: 'create, update, delete, restore, or a resource-specific verb' }) action: string;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: { type: 'object', properties: { from: {}, to: {} } },
    description: 'Changed fields: {field: {from, to}}; secret values show as "[redacted]"',
    example: { city: { from: 'Riga', to: 'Tallinn' } },
  })
  changes: Record<string, { from: unknown; to: unknown }> | null;
}

export function toAuditEntryResponse(e: AuditLogEntity): AuditEntryResponseDto {
  return {
    id: e.id,
    occurredAt: e.occurredAt.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    requestId: e.requestId,
    resource: e.resource,
    recordId: e.recordId,
    action: e.action,
    changes: e.changes,
  };
}
