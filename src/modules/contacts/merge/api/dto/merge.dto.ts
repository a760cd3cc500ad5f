import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { ContactMergeEntity } from '../../persistence/contact-merge.entity';

export const MAX_DUPLICATES = 10;

export class FieldChoicesDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The contact whose first name the primary keeps' })
  @IsOptional()
  @IsUUID('all')
  firstName?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  lastName?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  jobTitle?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The whole address comes from one contact' })
  @IsOptional()
  @IsUUID('all')
  address?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  lifecycleStage?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  source?: string;
}

export class MergeContactsDto {
  @ApiProperty({ format: 'uuid', description: 'The contact that stays' })
  @IsUUID('all')
  primaryId: string;

  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: MAX_DUPLICATES, description: 'The contacts merged into the primary, then moved to the recycle bin' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DUPLICATES)
  @IsUUID('all', { each: true })
  duplicateIds: string[];

  @ApiPropertyOptional({
    type: FieldChoicesDto,
    description: 'Per field, which contact\'s value the primary keeps. Unnamed fields keep the primary\'s value, or the first duplicate\'s when the primary has none. Emails, phones, tags, company links and custom field values are united.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => FieldChoicesDto)
  fieldChoices?: FieldChoicesDto;
}

export class MergeResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'uuid' }) primaryId: string;
  @ApiProperty({ type: [String], format: 'uuid' }) duplicateIds: string[];
  @ApiProperty({ description: 'Activities moved to the primary' }) movedActivities: number;
  @ApiProperty({ description: 'Timeline entries moved to the primary' }) movedTimelineEntries: number;
  @ApiProperty({ description: 'Consent ledger entries moved to the primary' }) movedConsents: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) undoneAt: string | null;
}

export function toMergeResponse(m: ContactMergeEntity): MergeResponseDto {
  return {
    id: m.id,
    createdAt: m.createdAt.toISOString(),
    primaryId: m.primaryId,
    duplicateIds: m.duplicateIds,
    movedActivities: m.receipt.activities.moved.reduce((n, x) => n + x.activityIds.length, 0),
    movedTimelineEntries: m.receipt.activities.moved.reduce((n, x) => n + x.timelineEntryIds.length, 0),
    movedConsents: m.receipt.consents.reduce((n, x) => n + x.entryIds.length, 0),
    undoneAt: m.undoneAt ? m.undoneAt.toISOString() : null,
  };
}
