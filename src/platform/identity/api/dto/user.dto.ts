import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsOptional, IsString, Matches, IsUUID, MaxLength, MinLength } from 'class-validator';
import { UserView } from '../../domain/views';
import { USER_STATUSES, UserStatus } from '../../persistence/user.entity';

const PASSWORD_RULES = { minLength: 12, maxLength: 256 };

export class CreateUserDto {
  @ApiProperty({ example: 'grace@example.com', maxLength: 320 })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiPropertyOptional({ ...PASSWORD_RULES, format: 'password', description: 'Omit to have one generated and returned once as `generatedPassword`' })
  @IsOptional()
  @IsString()
  @MinLength(PASSWORD_RULES.minLength)
  @MaxLength(PASSWORD_RULES.maxLength)
  password?: string;

  @ApiPropertyOptional({ example: 'Grace Hopper', maxLength: 200, description: 'Defaults to the part of the email before @' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/\S/, { message: 'must not be blank' })
  displayName?: string;

  @ApiProperty({ format: 'uuid', description: 'The role; at most your own rights (the admin role only by an admin)' })
  @IsUUID('all')
  roleId: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 100, description: 'Teams the user belongs to' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  teamIds?: string[];
}

export class UpdateUserDto {
  @ApiPropertyOptional({ example: 'grace@example.com', maxLength: 320, description: 'Needs the users update permission' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ example: 'Grace Hopper', maxLength: 200, description: 'Anyone may change their own' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/\S/, { message: 'must not be blank' })
  displayName?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Needs the users update permission and rights at least those of the role; not on yourself' })
  @IsOptional()
  @IsUUID('all')
  roleId?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 100, description: 'Replaces the memberships' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  teamIds?: string[];

  @ApiPropertyOptional({ enum: USER_STATUSES, description: 'disabled: cannot sign in, sessions end; not on yourself' })
  @IsOptional()
  @IsIn(USER_STATUSES)
  status?: UserStatus;

  @ApiPropertyOptional({
    ...PASSWORD_RULES,
    format: 'password',
    description: 'Your own (with currentPassword), or another user\'s (a reset, with the users update permission). Every session of the user ends',
  })
  @IsOptional()
  @IsString()
  @MinLength(PASSWORD_RULES.minLength)
  @MaxLength(PASSWORD_RULES.maxLength)
  password?: string;

  @ApiPropertyOptional({ format: 'password', maxLength: 1024, description: 'Required to change your own password' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  currentPassword?: string;
}

export class UserResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'grace@example.com' }) email: string;
  @ApiProperty({ example: 'Grace Hopper' }) displayName: string;
  @ApiProperty({ enum: USER_STATUSES, example: 'active' }) status: UserStatus;
  @ApiProperty({ format: 'uuid' }) roleId: string;
  @ApiProperty({ example: 'sales', description: 'The role\'s name' }) role: string;
  @ApiProperty({ type: [String], format: 'uuid' }) teamIds: string[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastLoginAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set while sign-in is locked after failed attempts' }) lockedUntil: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set while the user is in the recycle bin' }) deletedAt: string | null;
}

export class CreatedUserResponseDto extends UserResponseDto {
  @ApiPropertyOptional({ description: 'Only when no password was given: shown this once, never again' })
  generatedPassword?: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toUserResponse(v: UserView): UserResponseDto {
  const u = v.user;
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    status: u.status,
    roleId: u.roleId,
    role: v.roleName,
    teamIds: v.teamIds,
    lastLoginAt: iso(u.lastLoginAt),
    lockedUntil: u.lockedUntil && u.lockedUntil.getTime() > Date.now() ? u.lockedUntil.toISOString() : null,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
    version: u.version,
    deletedAt: iso(u.deletedAt),
  };
}
