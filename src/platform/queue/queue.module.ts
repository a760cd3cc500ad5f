import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/config';
import { QueryModule } from '../query/query.module';
import { HousekeepingHandler, HousekeepingJob } from './housekeeping.job';
import { JobDefinition } from './job-definition';
import { JobMetrics } from './job-metrics';
import { JobRecordEntity } from './job-record.entity';
import { JobRecordsRepository } from './job-records.repository';
import { JobFeature, JobRegistry } from './job-registry';
import { JobWorker } from './job-worker';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';
import { OutboxRelay } from './outbox-relay';
import { OutboxEntity } from './outbox.entity';
import { OutboxService } from './outbox.service';
import { QUEUE_NAME, redisOptionsFromUrl } from './queue.constants';
import { platformSchedules, ScheduleDefinition, ScheduleService } from './schedules';

let featureSeq = 0;

/** Whether this process runs jobs, the outbox relay and the schedules (api only enqueues). */
export const runsWorkers = (config: AppConfig): boolean => config.mode === 'worker' || config.mode === 'box';

/**
 * BullMQ (one queue, `crm`, under the install's Redis prefix), the transactional outbox and its
 * relay, the job records behind GET /api/v1/jobs, and the schedules. Global: any module may
 * inject OutboxService and JobsService. Modules declare their jobs (and the schedules that run
 * them) with `QueueModule.forFeature([MyJob], { schedules })` and provide one `@OnJob(MyJob)`
 * handler each.
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig): DynamicModule {
    const worker: Provider[] = runsWorkers(config) ? [JobWorker, OutboxRelay, ScheduleService] : [];
    const { jobs, redis } = config;
    return {
      module: QueueModule,
      imports: [
        DiscoveryModule,
        QueryModule,
        TypeOrmModule.forFeature([JobRecordEntity, OutboxEntity]),
        BullModule.forRoot({
          connection: redisOptionsFromUrl(redis.url as string, 'producer'),
          prefix: redis.prefix,
          defaultJobOptions: {
            attempts: jobs.attempts,
            backoff: { type: 'exponential', delay: jobs.backoffMs },
            // Completed jobs stay a day: long enough that a replayed outbox row finds its job
            // id taken; failed jobs stay until housekeeping prunes them by age.
            removeOnComplete: { age: 86_400, count: 50_000 },
            removeOnFail: false,
          },
        }),
        BullModule.registerQueue({ name: QUEUE_NAME }),
      ],
      controllers: [JobsController],
      providers: [
        JobRegistry,
        JobMetrics,
        JobRecordsRepository,
        JobsService,
        OutboxService,
        HousekeepingHandler,
        { provide: Symbol('jobs:platform'), useValue: new JobFeature([HousekeepingJob], platformSchedules(config)) },
        ...worker,
      ],
      exports: [OutboxService, JobsService, JobRegistry, BullModule],
    };
  }

  /**
   * Registers a module's job types (each needs exactly one `@OnJob` handler, or the box will not
   * start) and its schedules (see `defineSchedule`; each must run a job with a handler).
   */
  static forFeature(jobs: readonly JobDefinition[], options: { schedules?: readonly ScheduleDefinition[] } = {}): DynamicModule {
    const token = Symbol(`jobs:${++featureSeq}`);
    return { module: QueueFeatureModule, providers: [{ provide: token, useValue: new JobFeature(jobs, options.schedules ?? []) }] };
  }
}

/** Carrier of one module's job definitions; the registry finds them by discovery. */
@Module({})
class QueueFeatureModule {}
