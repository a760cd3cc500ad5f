import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { CUSTOM_FIELD_KEY, CUSTOM_FIELD_TYPES, CustomFieldType, MAX_SELECT_OPTIONS, RESERVED_CUSTOM_FIELD_KEYS } from '../../../../platform/custom-fields/custom-field-types';
import { CUSTOM_FIELD_ENTITIES, CustomFieldEntity } from '../../domain/contact.types';
import { CustomFieldDefinitionEntity } from '../../persistence/custom-field-definition.entity';

export class CreateCustomFieldDto {
  @ApiProperty({ enum: CUSTOM_FIELD_ENTITIES, example: 'contact', description: 'Which records carry the field' })
  @IsIn(CUSTOM_FIELD_ENTITIES)
  entity: CustomFieldEntity;

  @ApiProperty({
    example: 'loyaltyLevel',
    pattern: CUSTOM_FIELD_KEY.source,
    description: 'Name in `customFields` and in filters (`customFields.<key>`); cannot change. Names of JavaScript object members (`constructor`, `toString`, `valueOf`, …) are reserved.',
  })
  @IsString()
  @Matches(CUSTOM_FIELD_KEY, { message: 'key must start with a lower-case letter and hold only letters, digits and _ (at most 50)' })
  @IsNotIn(RESERVED_CUSTOM_FIELD_KEYS, { message: 'key is a reserved name (a member of every JavaScript object)' })
  key: string;

  @ApiProperty({ example: 'Loyalty level', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  label: string;

  @ApiProperty({ enum: CUSTOM_FIELD_TYPES, example: 'select', description: 'Cannot change once created' })
  @IsIn(CUSTOM_FIELD_TYPES)
  type: CustomFieldType;

  @ApiPropertyOptional({ default: false, description: 'New records must give a value' })
  @IsOptional()
  @IsBoolean()
  required?: boolean;

  @ApiPropertyOptional({ type: [String], example: ['bronze', 'silver', 'gold'], description: 'The allowed values of select and multiselect fields' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SELECT_OPTIONS)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(100, { each: true })
  options?: string[];

  @ApiPropertyOptional({ type: String, maxLength: 500, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export class UpdateCustomFieldDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  label?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  required?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'Replaces the options; values already stored stay as they are' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SELECT_OPTIONS)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(100, { each: true })
  options?: string[];

  @ApiPropertyOptional({ type: String, maxLength: 500, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export class CustomFieldResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CUSTOM_FIELD_ENTITIES }) entity: CustomFieldEntity;
  @ApiProperty({ example: 'loyaltyLevel' }) key: string;
  @ApiProperty({ example: 'Loyalty level' }) label: string;
  @ApiProperty({ enum: CUSTOM_FIELD_TYPES }) type: CustomFieldType;
  @ApiProperty() required: boolean;
  @ApiProperty({ type: [String] }) options: string[];
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set while the definition is in the recycle bin' }) deletedAt: string | null;
}

export function toCustomFieldResponse(e: CustomFieldDefinitionEntity): CustomFieldResponseDto {
  return {
    id: e.id,
    entity: e.entity,
    key: e.key,
    label: e.label,
    type: e.type,
    required: e.required,
    options: e.options,
    description: e.description,
    version: e.version,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
    deletedAt: e.deletedAt?.toISOString() ?? null,
  };
}
