import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { RoleEntity } from './role.entity';
import { UserEntity } from './user.entity';
import { BaseEntity } from '../../database/columns';

/** An integration's credential: only the SHA-256 of the key is kept; the prefix is for recognising it in lists. */
@Entity({ schema: 'platform', name: 'api_keys' })
@Unique('api_keys_key_hash_key', ['keyHash'])
@Index('api_keys_created_idx', ['createdAt', 'id'])
@Index('api_keys_created_by_idx', ['createdBy'])
export class ApiKeyEntity extends BaseEntity {
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  keyPrefix: string;

  @Column({ type: 'varchar', length: 64 })
  keyHash: string;

  @Column({ type: 'uuid' })
  roleId: string;

  @Column({ type: 'uuid' })
  createdBy: string;

  @ManyToOne(() => RoleEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'role_id', foreignKeyConstraintName: 'api_keys_role_fkey' })
  role?: RoleEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'api_keys_created_by_fkey' })
  creator?: UserEntity;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;
}
