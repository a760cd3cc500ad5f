import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue, RepeatOptions } from 'bullmq';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ScheduleDefinition, defineSchedule } from './job-definition';
import { JobRegistry } from './job-registry';
import { HousekeepingJob } from './housekeeping.job';
import { QUEUE_NAME } from './queue.constants';

export { defineSchedule, type ScheduleDefinition } from './job-definition';

/** The platform's own schedules; modules declare theirs with `QueueModule.forFeature`. */
export function platformSchedules(config: AppConfig): ScheduleDefinition[] {
  return [defineSchedule(HousekeepingJob, { pattern: config.jobs.housekeepingCron })];
}

/**
 * Upserts every declared schedule (collected by the JobRegistry from QueueModule.forRoot and
 * each forFeature) as a BullMQ job scheduler at worker start (worker and box mode). A
 * scheduler lives in Redis, not in a process: however many workers run, each tick makes one
 * job. Schedulers no longer declared (a schedule removed in this release) are removed.
 */
@Injectable()
export class ScheduleService implements OnApplicationBootstrap {
  private readonly logger = new Logger('schedules');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    @InjectQueue(QUEUE_NAME) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sync(this.registry.schedules());
  }

  async sync(schedules: readonly ScheduleDefinition[]): Promise<void> {
    for (const s of schedules) await this.upsert(s);
    const declared = new Set(schedules.map((s) => s.id));
    for (const existing of await this.queue.getJobSchedulers()) {
      if (existing.key && !declared.has(existing.key)) {
        await this.queue.removeJobScheduler(existing.key);
        this.logger.log(`removed schedule ${existing.key} (no longer declared)`);
      }
    }
  }

  async upsert(s: ScheduleDefinition): Promise<void> {
    if (!this.registry.has(s.job.name)) throw new Error(`Schedule "${s.id}" runs job "${s.job.name}", which is not registered`);
    const repeat: Omit<RepeatOptions, 'key'> = 'pattern' in s.repeat ? { pattern: s.repeat.pattern, tz: this.config.timezone } : { every: s.repeat.every };
    await this.queue.upsertJobScheduler(s.id, repeat, { name: s.job.name, data: s.payload ?? {} });
  }
}
