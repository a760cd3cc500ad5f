import { ApiProperty } from '@nestjs/swagger';
import { ContactMergeEntity } from '../../persistence/contact-merge.entity';
import { ChoiceProperty, MergeRequestDto, MergeSummaryDto, toMergeSummary } from './merge-common.dto';

export class FieldChoicesDto {
  @ChoiceProperty('The contact whose first name the primary keeps') firstName?: string;
  @ChoiceProperty() lastName?: string;
  @ChoiceProperty() jobTitle?: string;
  @ChoiceProperty('The whole address comes from one contact') address?: string;
  @ChoiceProperty() lifecycleStage?: string;
  @ChoiceProperty() source?: string;
}

export class MergeContactsDto extends MergeRequestDto(
  'contact',
  'contacts',
  FieldChoicesDto,
  'Per field, which contact\'s value the primary keeps. Unnamed fields keep the primary\'s value, or the first duplicate\'s when the primary has none. Emails, phones, tags, company links and custom field values are united.',
) {}

export class MergeResponseDto extends MergeSummaryDto {
  @ApiProperty({ description: 'Consent ledger entries moved to the primary' }) movedConsents: number;
}

export function toMergeResponse(m: ContactMergeEntity): MergeResponseDto {
  return { ...toMergeSummary(m), movedConsents: m.receipt.consents.reduce((n, x) => n + x.entryIds.length, 0) };
}
