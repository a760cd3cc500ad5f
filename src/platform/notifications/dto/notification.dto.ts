import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { NotificationEntity } from '../notification.entity';

export class NotificationResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'contacts.task_reminder', description: 'What the notification is about; clients choose icon and link by it' }) kind: string;
  @ApiProperty({ example: 'Reminder: Call back about the renewal' }) title: string;
  @ApiProperty({ type: String, nullable: true, example: 'Due 2026-03-02T10:00:00.000Z' }) body: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'activities', description: 'Resource of the record it points at' }) resource: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) recordId: string | null;
  @ApiProperty({ example: false }) read: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null }) readAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-03-01T09:30:00.000Z' }) createdAt: string;
}

export class MarkNotificationDto {
  @ApiProperty({ example: true, description: 'true marks the notification read, false unread again' })
  @IsBoolean()
  read: boolean;
}

export function toNotificationResponse(n: NotificationEntity): NotificationResponseDto {
  return {
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    resource: n.resource,
    recordId: n.recordId,
    read: n.readAt !== null,
    readAt: n.readAt?.toISOString() ?? null,
    createdAt: n.createdAt.toISOString(),
  };
}
