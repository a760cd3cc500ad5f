import { ApiProperty } from '@nestjs/swagger';
import { Actor, Permissions } from '../../../access/actor';
import { UserView } from '../../domain/views';
import { toUserResponse, UserResponseDto } from './user.dto';

export class MeResponseDto {
  @ApiProperty({ enum: ['user', 'apiKey', 'system'], description: 'A person with a session, or an API key' }) type: 'user' | 'apiKey' | 'system';
  @ApiProperty({ type: UserResponseDto, nullable: true, description: 'The signed-in user; for an API key, the user who created it' }) user: UserResponseDto | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The API key acting, if any' }) apiKeyId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) roleId: string | null;
  @ApiProperty({ example: 'sales' }) role: string;
  @ApiProperty({ description: 'Administrators reach everything' }) isAdmin: boolean;
  @ApiProperty({ type: [String], format: 'uuid' }) teamIds: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: { type: 'string', enum: ['all', 'team', 'own', 'none'] } },
    description: 'What the role grants: resource → action → scope',
  })
  permissions: Permissions;
}

export function toMeResponse(actor: Actor, user: UserView | null): MeResponseDto {
  return {
    type: actor.type,
    user: user ? toUserResponse(user) : null,
    apiKeyId: actor.type === 'apiKey' ? actor.id : null,
    roleId: actor.roleId,
    role: actor.roleName,
    isAdmin: actor.isAdmin,
    teamIds: actor.teamIds,
    permissions: actor.permissions,
  };
}
