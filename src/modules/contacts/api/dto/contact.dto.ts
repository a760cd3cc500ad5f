import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { LIFECYCLE_STAGES, LifecycleStage } from '../../domain/contact.types';
import { ContactEntity } from '../../persistence/contact.entity';
import { AddressDto, AddressResponseDto, CustomFieldsProperty, TagsProperty, toAddress } from './common.dto';

export class ContactEmailDto {
  @ApiProperty({ example: 'Anna.Berzina@Example.com', description: 'Stored lower-case' })
  // Pasted addresses often carry spaces; they are no part of the address.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email: string;

  @ApiPropertyOptional({ description: 'At most one primary; the first one when none is' })
  @IsOptional()
  @IsBoolean()
  primary?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 50, example: 'work' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  label?: string | null;
}

export class ContactPhoneDto {
  @ApiProperty({ example: '+371 2000 0000', description: 'Any common format; stored in E.164. National numbers need the contact\'s address.country' })
  @IsString()
  @MinLength(3)
  @MaxLength(40)
  number: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  primary?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 50, example: 'mobile' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  label?: string | null;
}

export class CompanyLinkDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'companyId must be a UUID' })
  companyId: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100, example: 'decision maker' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  role?: string | null;
}

/** The writable fields of a contact; on PATCH every one is optional and null clears it. */
export class UpdateContactDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, example: 'hubspot-10234', description: 'The id of the person in another system; unique among live contacts (409 when taken)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  externalId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100, example: 'Anna' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  firstName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100, example: 'Bērziņa' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  lastName?: string | null;

  @ApiPropertyOptional({ type: [ContactEmailDto], maxItems: 20, description: 'Replaces the list' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ContactEmailDto)
  emails?: ContactEmailDto[] | null;

  @ApiPropertyOptional({ type: [ContactPhoneDto], maxItems: 20, description: 'Replaces the list' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ContactPhoneDto)
  phones?: ContactPhoneDto[] | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, example: 'CFO' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  jobTitle?: string | null;

  @ApiPropertyOptional({ type: AddressDto, nullable: true, description: 'Replaces the whole address' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto | null;

  @ApiPropertyOptional({ enum: LIFECYCLE_STAGES, nullable: true })
  @IsOptional()
  @IsIn(LIFECYCLE_STAGES)
  lifecycleStage?: LifecycleStage | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100, example: 'web form' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  source?: string | null;

  @TagsProperty()
  tags?: string[] | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'Needs the scope to assign to that user' })
  @IsOptional()
  @IsUUID('all')
  ownerId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID('all')
  teamId?: string | null;

  @CustomFieldsProperty()
  customFields?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: [CompanyLinkDto], maxItems: 50, description: 'Links to companies, with the role the person plays there; replaces the list' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CompanyLinkDto)
  companies?: CompanyLinkDto[] | null;
}

/** A contact needs a name or an email (checked by the service: the rule spans fields). */
export class CreateContactDto extends UpdateContactDto {}

export class ContactEmailResponseDto {
  @ApiProperty({ example: 'anna.berzina@example.com' }) email: string;
  @ApiProperty() primary: boolean;
  @ApiProperty({ type: String, nullable: true }) label: string | null;
}

export class ContactPhoneResponseDto {
  @ApiProperty({ example: '+37120000000' }) number: string;
  @ApiProperty() primary: boolean;
  @ApiProperty({ type: String, nullable: true }) label: string | null;
}

export class CompanyLinkResponseDto {
  @ApiProperty({ format: 'uuid' }) companyId: string;
  @ApiProperty({ type: String, nullable: true, example: 'billing' }) role: string | null;
}

export class ContactResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, description: 'The id of the person in another system' }) externalId: string | null;
  @ApiProperty({ type: String, nullable: true }) firstName: string | null;
  @ApiProperty({ type: String, nullable: true }) lastName: string | null;
  @ApiProperty({ type: [ContactEmailResponseDto] }) emails: ContactEmailResponseDto[];
  @ApiProperty({ type: [ContactPhoneResponseDto] }) phones: ContactPhoneResponseDto[];
  @ApiProperty({ type: String, nullable: true }) primaryEmail: string | null;
  @ApiProperty({ type: String, nullable: true }) primaryPhone: string | null;
  @ApiProperty({ type: String, nullable: true }) jobTitle: string | null;
  @ApiProperty({ type: AddressResponseDto, nullable: true }) address: AddressResponseDto | null;
  @ApiProperty({ enum: LIFECYCLE_STAGES, nullable: true }) lifecycleStage: LifecycleStage | null;
  @ApiProperty({ type: String, nullable: true }) source: string | null;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ type: [CompanyLinkResponseDto] }) companies: CompanyLinkResponseDto[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Values of live custom field definitions' }) customFields: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ownerId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) teamId: string | null;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set while in the recycle bin' }) deletedAt: string | null;
}

/** `customFields` shows the live definitions' values only (see ContactsService.view). */
export function toContactResponse(e: ContactEntity, customFields: Record<string, unknown>): ContactResponseDto {
  return {
    id: e.id,
    externalId: e.externalId,
    firstName: e.firstName,
    lastName: e.lastName,
    emails: e.emails.map((x) => ({ email: x.email, primary: x.primary, label: x.label })),
    phones: e.phones.map((x) => ({ number: x.number, primary: x.primary, label: x.label })),
    primaryEmail: e.primaryEmail,
    primaryPhone: e.primaryPhone,
    jobTitle: e.jobTitle,
    address: toAddress(e),
    lifecycleStage: e.lifecycleStage as LifecycleStage | null,
    source: e.source,
    tags: e.tags,
    companies: e.companyLinks.map((l) => ({ companyId: l.companyId, role: l.role })),
    customFields,
    ownerId: e.ownerId,
    teamId: e.teamId,
    version: e.version,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
    deletedAt: e.deletedAt?.toISOString() ?? null,
  };
}

export class DuplicateCandidateDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 1, description: '0..1: 1 for the same email, 0.9 for the same phone, the name similarity otherwise' }) score: number;
  @ApiProperty({ enum: ['email', 'phone', 'name_company'] }) reason: string;
}

export class DuplicateListDto {
  @ApiProperty({ type: [DuplicateCandidateDto] }) data: DuplicateCandidateDto[];
}

export class CountDto {
  @ApiProperty({ example: 42 }) count: number;
}

export class UpdateContactBatchItemDto extends UpdateContactDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id: string;
}

export class ContactBatchDto {
  @ApiPropertyOptional({ type: [CreateContactDto], maxItems: 100 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CreateContactDto)
  create?: CreateContactDto[];

  @ApiPropertyOptional({ type: [UpdateContactBatchItemDto], maxItems: 100, description: 'Partial updates, each with the id of its contact' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => UpdateContactBatchItemDto)
  update?: UpdateContactBatchItemDto[];
}
