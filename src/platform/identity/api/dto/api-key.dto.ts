import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, IsUUID, MaxLength, MinLength } from 'class-validator';
import { IsTimestamp } from '../../../http/is-timestamp';
import { ApiKeyView } from '../../domain/views';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Webshop sync', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/\S/, { message: 'must not be blank' })
  name: string;

  @ApiProperty({ format: 'uuid', description: 'The role the key acts with; at most your own rights' })
  @IsUUID('all')
  roleId: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'After this the key stops working; omit for no expiry' })
  @IsOptional()
  @IsTimestamp()
  expiresAt?: string;
}

export class ApiKeyResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Webshop sync' }) name: string;
  @ApiProperty({ example: 'crm_Ab3dEf9h', description: 'The start of the key, to tell keys apart' }) prefix: string;
  @ApiProperty({ format: 'uuid' }) roleId: string;
  @ApiProperty({ example: 'readonly' }) role: string;
  @ApiProperty({ format: 'uuid', description: 'The user who created it; owns what the key creates' }) createdBy: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Recorded at most once a minute' }) lastUsedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CreatedApiKeyResponseDto extends ApiKeyResponseDto {
  @ApiProperty({ description: 'The key: send it as `X-API-Key`. Shown this once; store it now', example: 'crm_Ab3dEf9h_…' })
  key: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toApiKeyResponse(v: ApiKeyView): ApiKeyResponseDto {
  const k = v.key;
  return {
    id: k.id,
    name: k.name,
    prefix: k.keyPrefix,
    roleId: k.roleId,
    role: v.roleName,
    createdBy: k.createdBy,
    lastUsedAt: iso(k.lastUsedAt),
    expiresAt: iso(k.expiresAt),
    revokedAt: iso(k.revokedAt),
    createdAt: k.createdAt.toISOString(),
  };
}
