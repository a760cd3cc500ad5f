import { ApiKeyEntity } from './api-key.entity';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RoleEntity } from './role.entity';
import { TeamMemberEntity } from './team-member.entity';
import { TeamEntity } from './team.entity';
import { UserEntity } from './user.entity';

/** The tables identity owns (platform schema). */
export const IDENTITY_ENTITIES = [RoleEntity, UserEntity, TeamEntity, TeamMemberEntity, RefreshTokenEntity, ApiKeyEntity];
