import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { CompanyEntity } from '../../persistence/company.entity';
import { AddressDto, AddressResponseDto, CustomFieldsProperty, MoneyDto, MoneyResponseDto, TagsProperty, toAddress, toMoney } from './common.dto';

/** The writable fields of a company; on PATCH every one is optional and null clears it (except name). */
export class UpdateCompanyDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, example: 'erp-4711', description: 'The id of the company in another system; unique among live companies (409 when taken)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  externalId?: string | null;

  @ApiPropertyOptional({ maxLength: 200, example: 'Baltic Timber SIA' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 20, example: ['baltictimber.lv'], description: 'Stored lower-case without scheme or www.; replaces the list' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  domains?: string[] | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100, example: 'Forestry' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  industry?: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: 10_000_000, example: 120, description: 'Size: number of employees' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  employees?: number | null;

  @ApiPropertyOptional({ type: MoneyDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  annualRevenue?: MoneyDto | null;

  @ApiPropertyOptional({ type: AddressDto, nullable: true, description: 'Replaces the whole address' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The parent company (this one is a subsidiary); no cycles' })
  @IsOptional()
  @IsUUID('all')
  parentCompanyId?: string | null;

  @TagsProperty()
  tags?: string[] | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID('all')
  ownerId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID('all')
  teamId?: string | null;

  @CustomFieldsProperty()
  customFields?: Record<string, unknown> | null;
}

export class CreateCompanyDto extends UpdateCompanyDto {
  // required: stated, as the parent's optional property metadata is inherited and merged into this.
  @ApiProperty({ required: true, maxLength: 200, example: 'Baltic Timber SIA' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  declare name: string;
}

export class CompanyResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, description: 'The id of the company in another system' }) externalId: string | null;
  @ApiProperty({ example: 'Baltic Timber SIA' }) name: string;
  @ApiProperty({ type: [String] }) domains: string[];
  @ApiProperty({ type: String, nullable: true }) industry: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) employees: number | null;
  @ApiProperty({ type: MoneyResponseDto, nullable: true }) annualRevenue: MoneyResponseDto | null;
  @ApiProperty({ type: AddressResponseDto, nullable: true }) address: AddressResponseDto | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) parentCompanyId: string | null;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Values of live custom field definitions' }) customFields: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ownerId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) teamId: string | null;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt: string | null;
}

export function toCompanyResponse(e: CompanyEntity, customFields: Record<string, unknown>): CompanyResponseDto {
  return {
    id: e.id,
    externalId: e.externalId,
    name: e.name,
    domains: e.domains,
    industry: e.industry,
    employees: e.employees,
    annualRevenue: toMoney(e.annualRevenueAmount !== null && e.annualRevenueCurrency !== null ? { amount: e.annualRevenueAmount, currency: e.annualRevenueCurrency } : null),
    address: toAddress(e),
    parentCompanyId: e.parentCompanyId,
    tags: e.tags,
    customFields,
    ownerId: e.ownerId,
    teamId: e.teamId,
    version: e.version,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
    deletedAt: e.deletedAt?.toISOString() ?? null,
  };
}

export class CompanyDuplicateCandidateDto {
  @ApiProperty({ format: 'uuid', example: '01933b8e-5f3a-7c1e-9a2b-4d5e6f708192' }) id: string;
  @ApiProperty({ example: 0.82, description: '0..1: 1 for a shared domain, the similarity of the names otherwise' }) score: number;
  @ApiProperty({ enum: ['domain', 'name'], example: 'name', description: '`domain`: a domain in common (without scheme, `www.` or case); `name`: a very similar name (accents and case ignored)' })
  reason: string;
}

export class CompanyDuplicateListDto {
  @ApiProperty({ type: [CompanyDuplicateCandidateDto], description: 'Best first, at most 20' }) data: CompanyDuplicateCandidateDto[];
}

export class UpdateCompanyBatchItemDto extends UpdateCompanyDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id: string;
}

export class CompanyBatchDto {
  @ApiPropertyOptional({ type: [CreateCompanyDto], maxItems: 100 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CreateCompanyDto)
  create?: CreateCompanyDto[];

  @ApiPropertyOptional({ type: [UpdateCompanyBatchItemDto], maxItems: 100 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => UpdateCompanyBatchItemDto)
  update?: UpdateCompanyBatchItemDto[];
}
