import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobStatus } from './job-record.entity';

const MAX_ERROR_LENGTH = 2000;

export interface StartedJob {
  recordId: string;
  queueJobId: string;
  name: string;
  payload: unknown;
  attempt: number;
}

/**
 * The worker's writes to platform.jobs. They run outside the handler's transaction on purpose:
 * a handler that rolls back still leaves "running" / "failed" behind for the API to show.
 */
@Injectable()
export class JobRecordsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Marks the job running and returns the status it had. Upserts: jobs added by a scheduler or
   * fanned out from an event have no row until they first run, and the relay's row may still be
   * uncommitted (the insert then waits for it).
   */
  async started(job: StartedJob): Promise<JobStatus | null> {
    const before: { status: JobStatus }[] = await this.dataSource.query(`SELECT status FROM platform.jobs WHERE id = $1`, [job.recordId]);
    const previous = before[0]?.status ?? null;
    if (previous === 'succeeded' || previous === 'cancelled') return previous;
    await this.dataSource.query(
      `INSERT INTO platform.jobs (id, queue_job_id, type, status, payload, attempts, started_at)
       VALUES ($1, $2, $3, 'running', $4, $5, now())
       ON CONFLICT (id) DO UPDATE SET status = 'running', attempts = EXCLUDED.attempts,
         started_at = COALESCE(platform.jobs.started_at, now()), updated_at = now()
       WHERE platform.jobs.status NOT IN ('succeeded', 'cancelled')`,
      [job.recordId, job.queueJobId, job.name, JSON.stringify(job.payload ?? {}), job.attempt],
    );
    return previous;
  }

  async progress(recordId: string, done: number, total: number | null | undefined): Promise<void> {
    await this.dataSource.query(
      `UPDATE platform.jobs SET progress_done = $2, progress_total = COALESCE($3, progress_total), updated_at = now() WHERE id = $1`,
      [recordId, Math.max(0, Math.floor(done)), total === undefined || total === null ? null : Math.max(0, Math.floor(total))],
    );
  }

  async succeeded(recordId: string, result: unknown): Promise<void> {
    await this.dataSource.query(
      `UPDATE platform.jobs SET status = 'succeeded', result = $2, error = NULL, finished_at = now(), updated_at = now(),
         progress_done = GREATEST(progress_done, COALESCE(progress_total, 0))
       WHERE id = $1`,
      [recordId, result === undefined ? null : JSON.stringify(result)],
    );
  }

  /** A failed attempt: back to `queued` while BullMQ will retry, `failed` after the last one. */
  async attemptFailed(recordId: string, error: string, final: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE platform.jobs SET status = $2, error = $3, finished_at = CASE WHEN $4 THEN now() ELSE NULL END, updated_at = now()
       WHERE id = $1 AND status NOT IN ('succeeded', 'cancelled')`,
      [recordId, final ? 'failed' : 'queued', error.slice(0, MAX_ERROR_LENGTH), final],
    );
  }

  async requeued(recordId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE platform.jobs SET status = 'queued', error = NULL, finished_at = NULL, updated_at = now() WHERE id = $1`,
      [recordId],
    );
  }
}
