import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { RoleEntity } from './role.entity';
import { RecordEntity } from '../../database/columns';

export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

@Entity({ schema: 'platform', name: 'users' })
// Unique on lower(email): an expression index TypeORM cannot describe, kept by the migration.
@Index('users_email_lower_key', { synchronize: false })
@Check('users_status_check', `status IN ('active', 'disabled')`)
@Index('users_role_idx', ['roleId'])
@Index('users_created_idx', ['createdAt', 'id'])
export class UserEntity extends RecordEntity {
  @Column({ type: 'varchar', length: 320 })
  email: string;

  @Column({ type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 200 })
  displayName: string;

  @Column({ type: 'uuid' })
  roleId: string;

  @ManyToOne(() => RoleEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'role_id', foreignKeyConstraintName: 'users_role_fkey' })
  role?: RoleEntity;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: UserStatus;

  @Column({ type: 'integer', default: 0 })
  failedLoginCount: number;

  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;
}
