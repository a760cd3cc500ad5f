import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Permissions } from '../../../access/actor';
import { RoleEntity } from '../../persistence/role.entity';

const PERMISSIONS_SCHEMA = {
  type: 'object',
  description:
    'resource → action (read, create, update, delete) → scope (all, team, own, none). A missing entry is none. ' +
    'Resources are those of the registry (users, teams, contacts, deals, …); anything else is a 400 naming it.',
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(['read', 'create', 'update', 'delete'].map((a) => [a, { type: 'string', enum: ['all', 'team', 'own', 'none'] }])),
  },
  example: { contacts: { read: 'all', create: 'all', update: 'own', delete: 'none' }, deals: { read: 'team' } },
} as const;

export class CreateRoleDto {
  @ApiProperty({ example: 'field-sales', maxLength: 64, pattern: '^[a-z0-9][a-z0-9._-]*$' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(/^[a-z0-9][a-z0-9._-]*$/, { message: 'must be lower-case letters, digits, . _ or -' })
  name: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiProperty(PERMISSIONS_SCHEMA)
  @IsObject()
  permissions: Record<string, unknown>;
}

export class UpdateRoleDto {
  @ApiPropertyOptional({ example: 'field-sales', maxLength: 64, pattern: '^[a-z0-9][a-z0-9._-]*$', description: 'Built-in roles keep their names' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(/^[a-z0-9][a-z0-9._-]*$/, { message: 'must be lower-case letters, digits, . _ or -' })
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ ...PERMISSIONS_SCHEMA, description: `${PERMISSIONS_SCHEMA.description} Replaces the whole document.` })
  @IsOptional()
  @IsObject()
  permissions?: Record<string, unknown>;
}

export class RoleResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'sales' }) name: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty(PERMISSIONS_SCHEMA) permissions: Permissions;
  @ApiProperty({ description: 'Shipped with the box: cannot be deleted or renamed' }) builtIn: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
}

export function toRoleResponse(r: RoleEntity): RoleResponseDto {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    permissions: r.permissions,
    builtIn: r.builtIn,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    version: r.version,
  };
}
