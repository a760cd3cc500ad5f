import { applyDecorators, Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { SubjectMoveReceipt } from '../../../activities/activities.facade';
import { MAX_DUPLICATES } from '../../domain/merge-plan';
import { MergeRecord } from '../../persistence/merge-record';

/** One field of `fieldChoices`: the id of the merged record whose value the primary keeps. */
export function ChoiceProperty(description?: string): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ format: 'uuid', description }), IsOptional(), IsUUID('all'));
}

/** The body of a merge: `noun` names the record (`contact`), `choices` the field choices' class. */
export function MergeRequestDto<C>(noun: string, plural: string, choices: ClassType<C>, choicesDescription: string) {
  class MergeRequest {
    @ApiProperty({ format: 'uuid', description: `The ${noun} that stays` })
    @IsUUID('all')
    primaryId: string;

    @ApiProperty({
      type: [String],
      format: 'uuid',
      minItems: 1,
      maxItems: MAX_DUPLICATES,
      uniqueItems: true,
      description: `The ${plural} merged into the primary, then moved to the recycle bin. Each once (in any letter case) and never the primary: a 400 otherwise.`,
    })
    @IsArray()
    @ArrayMinSize(1)
    @ArrayMaxSize(MAX_DUPLICATES)
    @IsUUID('all', { each: true })
    duplicateIds: string[];

    @ApiPropertyOptional({ type: choices, description: choicesDescription })
    @IsOptional()
    @ValidateNested()
    @Type(() => choices)
    fieldChoices?: C;
  }
  return MergeRequest;
}

/** What every merge answers; each merged resource adds the counts of its own moves. */
export class MergeSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'uuid' }) primaryId: string;
  @ApiProperty({ type: [String], format: 'uuid' }) duplicateIds: string[];
  @ApiProperty({ description: 'Activities moved to the primary' }) movedActivities: number;
  @ApiProperty({ description: 'Timeline entries moved to the primary' }) movedTimelineEntries: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) undoneAt: string | null;
}

export function toMergeSummary(m: MergeRecord<{ activities: SubjectMoveReceipt }>): MergeSummaryDto {
  return {
    id: m.id,
    createdAt: m.createdAt.toISOString(),
    primaryId: m.primaryId,
    duplicateIds: m.duplicateIds,
    movedActivities: m.receipt.activities.moved.reduce((n, x) => n + x.activityIds.length, 0),
    movedTimelineEntries: m.receipt.activities.moved.reduce((n, x) => n + x.timelineEntryIds.length, 0),
    undoneAt: m.undoneAt ? m.undoneAt.toISOString() : null,
  };
}
