import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsISO31661Alpha2, IsISO4217CurrencyCode, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Money, PostalAddress } from '../../domain/contact.types';

export const MAX_TAGS = 50;

export class AddressDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, example: 'Brīvības iela 1' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  street?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100, example: 'Riga' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  city?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  region?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 20, example: 'LV-1010' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  postalCode?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'ISO 3166-1 alpha-2', example: 'LV' })
  @IsOptional()
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code' })
  country?: string | null;
}

export class AddressResponseDto {
  @ApiProperty({ type: String, nullable: true }) street: string | null;
  @ApiProperty({ type: String, nullable: true }) city: string | null;
  @ApiProperty({ type: String, nullable: true }) region: string | null;
  @ApiProperty({ type: String, nullable: true }) postalCode: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'LV' }) country: string | null;
}

export class MoneyDto {
  @ApiProperty({ example: '1250000.00', description: 'A decimal string (never a float), up to 4 decimals' })
  @IsString()
  @Matches(/^-?\d{1,15}(\.\d{1,4})?$/, { message: 'amount must be a decimal string such as "1234.50"' })
  amount: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217' })
  @IsISO4217CurrencyCode({ message: 'currency must be an ISO 4217 code' })
  currency: string;
}

export class MoneyResponseDto {
  @ApiProperty({ example: '1250000.00' }) amount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
}

/** Tags: free text, trimmed, at most 50 per record. */
export function TagsProperty(): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ type: [String], maxItems: MAX_TAGS, example: ['vip', 'newsletter'] })(target, key);
    IsOptional()(target, key);
    IsArray()(target, key);
    ArrayMaxSize(MAX_TAGS)(target, key);
    IsString({ each: true })(target, key);
    MinLength(1, { each: true })(target, key);
    MaxLength(50, { each: true })(target, key);
  };
}

export function CustomFieldsProperty(): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({
      type: 'object',
      additionalProperties: true,
      example: { loyaltyLevel: 'gold' },
      description: 'Values of the custom fields defined at /api/v1/custom-fields, by key; null clears one. Checked against each definition.',
    })(target, key);
    IsOptional()(target, key);
    IsObject()(target, key);
  };
}

export const toAddress = (e: PostalAddress): AddressResponseDto | null =>
  e.street === null && e.city === null && e.region === null && e.postalCode === null && e.country === null
    ? null
    : { street: e.street, city: e.city, region: e.region, postalCode: e.postalCode, country: e.country };

export const toMoney = (m: Money | null): MoneyResponseDto | null => (m ? { amount: m.amount, currency: m.currency } : null);
