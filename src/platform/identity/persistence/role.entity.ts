import { Column, Entity, Unique, VersionColumn } from 'typeorm';
import { Permissions } from '../../access/actor';
import { BaseEntity } from '../../database/columns';

@Entity({ schema: 'platform', name: 'roles' })
@Unique('roles_name_key', ['name'])
export class RoleEntity extends BaseEntity {
  @VersionColumn({ default: 1 })
  version: number;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description: string | null;

  @Column({ type: 'jsonb', default: {} })
  permissions: Permissions;

  @Column({ type: 'boolean', default: false })
  builtIn: boolean;
}
