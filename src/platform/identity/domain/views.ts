import { RoleEntity } from '../persistence/role.entity';
import { TeamEntity } from '../persistence/team.entity';
import { UserEntity } from '../persistence/user.entity';
import { ApiKeyEntity } from '../persistence/api-key.entity';

/** A user with what the API shows next to it: its role's name and its teams. */
export interface UserView {
  user: UserEntity;
  roleName: string;
  teamIds: string[];
}

export interface TeamView {
  team: TeamEntity;
  memberIds: string[];
}

export interface ApiKeyView {
  key: ApiKeyEntity;
  roleName: string;
}

export type RoleView = RoleEntity;
