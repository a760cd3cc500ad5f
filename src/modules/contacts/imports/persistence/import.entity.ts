import { Check, Column, Entity, Index } from 'typeorm';
import { Actor } from '../../../../platform/access/actor';
import { BaseEntity } from '../../../../platform/database/columns';
import { ImportStatus, RowError } from '../domain/import-status';

/** The options an import runs with, as the request gave them (the mapping as CSV header → target). */
export interface StoredImportOptions {
  mapping: Record<string, string>;
  dateFormat: string;
  delimiter: string;
  /** Absent on imports recorded before it existed: `;`. */
  listSeparator?: string;
  /** An API key's actor as it was when the import was asked for (users are re-read at run time). */
  runAs?: Actor;
  /** Not an option: the lines the uploaded file has, counted as it streamed in (the run's estimated progress total). */
  fileLines?: number;
}

/**
 * One CSV import: who started it (owner, team: what the `imports` scopes apply to), how it runs,
 * its report so far, and `rowsCommitted`, the data rows whose effects are committed: a run
 * resumed after a crash starts after them.
 */
@Entity({ schema: 'contacts', name: 'imports' })
@Check('imports_status_check', `status IN ('queued', 'running', 'completed', 'failed', 'reverting', 'reverted')`)
@Index('imports_created_idx', ['createdAt', 'id'])
@Index('imports_owner_idx', ['ownerId'])
@Index('imports_team_idx', ['teamId'])
export class ImportEntity extends BaseEntity {
  @Column({ type: 'integer', default: 1 }) version: number;
  @Column({ type: 'uuid', nullable: true }) ownerId: string | null;
  @Column({ type: 'uuid', nullable: true }) teamId: string | null;
  /** Who asked (a user or an API key): the run acts with that caller's scopes. */
  @Column({ type: 'varchar', length: 16 }) actorType: string;
  @Column({ type: 'varchar', length: 64 }) actorId: string;
  @Column({ type: 'varchar', length: 16 }) entity: string;
  @Column({ type: 'varchar', length: 16 }) mode: string;
  @Column({ type: 'varchar', length: 16, nullable: true }) matchBy: string | null;
  @Column({ type: 'jsonb' }) options: StoredImportOptions;
  @Column({ type: 'varchar', length: 255, nullable: true }) fileName: string | null;
  @Column({ type: 'bigint', default: 0 }) fileBytes: string;
  @Column({ type: 'varchar', length: 16, default: 'queued' }) status: ImportStatus;
  @Column({ type: 'integer', default: 0 }) rowsRead: number;
  @Column({ type: 'integer', default: 0 }) created: number;
  @Column({ type: 'integer', default: 0 }) updated: number;
  @Column({ type: 'integer', default: 0 }) unchanged: number;
  @Column({ type: 'integer', default: 0 }) skipped: number;
  @Column({ type: 'integer', default: 0 }) failed: number;
  @Column({ type: 'jsonb', default: () => "'[]'" }) errors: RowError[];
  @Column({ type: 'boolean', default: false }) errorsTruncated: boolean;
  @Column({ type: 'integer', default: 0 }) rowsCommitted: number;
  /** Why the run failed (a message for the caller; details are in the worker log). */
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ type: 'uuid', nullable: true }) jobId: string | null;
  @Column({ type: 'uuid', nullable: true }) revertJobId: string | null;
  @Column({ type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) finishedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) revertedAt: Date | null;
  /** A revert's counts so far (receipt rows reverted, records that kept changes made since the import, created records kept), moved in each slice's transaction. */
  @Column({ type: 'integer', default: 0 }) revertedCount: number;
  @Column({ type: 'integer', default: 0 }) revertConflicts: number;
  @Column({ type: 'integer', default: 0 }) revertCreatedKept: number;
}
