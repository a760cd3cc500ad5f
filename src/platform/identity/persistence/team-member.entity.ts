import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TeamEntity } from './team.entity';
import { UserEntity } from './user.entity';

@Entity({ schema: 'platform', name: 'team_members' })
@Index('team_members_user_idx', ['userId'])
export class TeamMemberEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'team_members_pkey' })
  teamId: string;

  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'team_members_pkey' })
  userId: string;

  @ManyToOne(() => TeamEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'team_id', foreignKeyConstraintName: 'team_members_team_fkey' })
  team?: TeamEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'team_members_user_fkey' })
  user?: UserEntity;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
