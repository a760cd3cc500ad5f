import { Check, Column, Entity, Index } from 'typeorm';
import { BaseEntity } from '../database/columns';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * The durable record of a job: what the API serves and scopes, what survives Redis being
 * flushed. BullMQ executes; the worker writes running/progress/succeeded/failed here.
 */
@Entity({ schema: 'platform', name: 'jobs' })
@Check('jobs_status_check', `status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')`)
@Index('jobs_created_at_id_idx', ['createdAt', 'id'])
@Index('jobs_status_created_at_idx', ['status', 'createdAt'])
@Index('jobs_type_created_at_idx', ['type', 'createdAt'])
@Index('jobs_finished_at_idx', ['finishedAt'])
@Index('jobs_owner_id_created_at_idx', ['ownerId', 'createdAt'])
export class JobRecordEntity extends BaseEntity {
  /** The BullMQ job id (equal to `id`, except for jobs created by a scheduler). */
  @Column('varchar', { length: 200 })
  queueJobId: string;

  @Column('varchar', { length: 100 })
  type: string;

  @Column('varchar', { length: 16, default: 'queued' })
  status: JobStatus;

  @Column('jsonb', { default: {} })
  payload: Record<string, unknown>;

  @Column('integer', { default: 0 })
  progressDone: number;

  @Column('integer', { nullable: true })
  progressTotal: number | null;

  @Column('jsonb', { nullable: true })
  result: unknown;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('integer', { default: 0 })
  attempts: number;

  /** The user who started the job (scope `own` of the `jobs` permission); null for system jobs. */
  @Column('uuid', { nullable: true })
  ownerId: string | null;

  /** The team the job was started for (scope `team`), when the caller says so. */
  @Column('uuid', { nullable: true })
  teamId: string | null;

  @Column('timestamptz', { nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;
}
