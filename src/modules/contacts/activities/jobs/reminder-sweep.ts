import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../../../platform/config/config';
import { APP_CONFIG } from '../../../../platform/config/config.module';
import { JobHandler, OnJob } from '../../../../platform/queue/job-definition';
import { jobIdForKey } from '../../../../platform/queue/outbox.service';
import { QUEUE_NAME } from '../../../../platform/queue/queue.constants';
import { runsWorkers } from '../../../../platform/queue/queue.module';
import { ReminderSweepJob, TaskReminderJob } from './activity-jobs';

const BATCH = 500;

/**
 * Covers reminders whose job is gone (Redis lost or flushed) or was never relayed: every
 * overdue unsent reminder gets a job, on each tick of the `contacts.reminder-sweep` schedule
 * (ACTIVITY_SCHEDULES) and once when a worker starts, so a restart does not wait for the next
 * tick (one indexed query when nothing is overdue). The job id is derived from the task and
 * its remindAt, so sweeps that overlap (workers starting together, a tick after a start) add
 * one job while BullMQ keeps it, and the claim in the handler makes a reminder whose original
 * job also runs go out once all the same.
 */
@Injectable()
@OnJob(ReminderSweepJob)
export class ReminderSweep implements OnApplicationBootstrap, JobHandler<Record<string, never>> {
  private readonly logger = new Logger('reminders');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAME) private readonly queue: Queue,
  ) {}

  onApplicationBootstrap(): void {
    if (!runsWorkers(this.config)) return;
    // In the background: a slow sweep must not hold up the worker's start.
    void this.sweep().catch((err: unknown) => this.logger.error(`reminder sweep failed: ${(err as Error).message}`));
  }

  async handle(): Promise<{ requeued: number }> {
    return { requeued: await this.sweep() };
  }

  /** Returns how many reminders it re-queued. */
  async sweep(): Promise<number> {
    let total = 0;
    let after: { at: Date; id: string } | null = null;
    for (;;) {
      const rows: { id: string; remind_at: Date }[] = await this.dataSource.query(
        `SELECT id, remind_at FROM contacts.activities
         WHERE remind_at <= now() AND reminder_sent_at IS NULL AND remind_at IS NOT NULL AND deleted_at IS NULL
           AND type = 'task' AND status = 'open'
           AND ($1::timestamptz IS NULL OR (remind_at, id) > ($1::timestamptz, $2::uuid))
         ORDER BY remind_at, id LIMIT ${BATCH}`,
        [after?.at ?? null, after?.id ?? null],
      );
      if (rows.length) {
        await this.queue.addBulk(
          rows.map((r) => {
            const remindAt = new Date(r.remind_at).toISOString();
            return { name: TaskReminderJob.name, data: { activityId: r.id, remindAt }, opts: { jobId: jobIdForKey(TaskReminderJob.name, `${r.id}:${remindAt}:sweep`) } };
          }),
        );
        total += rows.length;
        after = { at: rows[rows.length - 1].remind_at, id: rows[rows.length - 1].id };
      }
      if (rows.length < BATCH) break;
    }
    if (total) this.logger.log(`re-queued ${total} overdue task reminders`);
    return total;
  }
}
