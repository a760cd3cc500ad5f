import { BeforeInsert, Column, CreateDateColumn, DeleteDateColumn, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

/** A new time-ordered id (UUID v7): sorts by creation, keeps btree indexes compact. */
export const newId = (): string => uuidv7();

/** id (UUID v7), createdAt, updatedAt: every table's first columns. */
export abstract class BaseEntity {
  @PrimaryColumn('uuid')
  id: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @BeforeInsert()
  protected assignId(): void {
    if (!this.id) this.id = newId();
  }
}

/** A primary record of the API: versioned (ETag / If-Match) and soft-deleted (recycle bin). */
export abstract class RecordEntity extends BaseEntity {
  @VersionColumn({ default: 1 })
  version: number;

  @DeleteDateColumn({ type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}

/** A primary record that belongs to a user and a team: the unit that access scopes apply to. */
export abstract class OwnedRecordEntity extends RecordEntity {
  @Column('uuid', { nullable: true })
  ownerId: string | null;

  @Column('uuid', { nullable: true })
  teamId: string | null;
}
