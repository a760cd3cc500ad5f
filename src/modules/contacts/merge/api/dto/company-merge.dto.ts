import { ApiProperty } from '@nestjs/swagger';
import { CompanyMergeEntity } from '../../persistence/company-merge.entity';
import { ChoiceProperty, MergeRequestDto, MergeSummaryDto, toMergeSummary } from './merge-common.dto';

export class CompanyFieldChoicesDto {
  @ChoiceProperty('The company whose name the primary keeps') name?: string;
  @ChoiceProperty() industry?: string;
  @ChoiceProperty('Size: number of employees') employees?: string;
  @ChoiceProperty('Amount and currency come from one company') annualRevenue?: string;
  @ChoiceProperty('The whole address comes from one company') address?: string;
  @ChoiceProperty(
    'The company whose parent the primary takes. A choice that would put the primary under itself (its parent would now be one of its subsidiaries, or one of the merged companies) is a 400.',
  )
  parentCompanyId?: string;
}

export class MergeCompaniesDto extends MergeRequestDto(
  'company',
  'companies',
  CompanyFieldChoicesDto,
  'Per field, which company\'s value the primary keeps. Unnamed fields keep the primary\'s value, or the first duplicate\'s when the primary has none; a default parent that would sit under the primary gives way to the nearest ancestor above it. Domains, tags and custom field values are united.',
) {}

export class CompanyMergeResponseDto extends MergeSummaryDto {
  @ApiProperty({ description: 'Contacts whose link to a duplicate moved to the primary' }) movedContactLinks: number;
  @ApiProperty({ description: 'Subsidiaries of the duplicates now under the primary' }) movedSubsidiaries: number;
}

export function toCompanyMergeResponse(m: CompanyMergeEntity): CompanyMergeResponseDto {
  return { ...toMergeSummary(m), movedContactLinks: m.receipt.contactLinks.length, movedSubsidiaries: m.receipt.subsidiaries.length };
}
