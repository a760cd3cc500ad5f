import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { defineJob, JobHandler, OnJob } from './job-definition';
import { QUEUE_NAME } from './queue.constants';

export const HousekeepingJob = defineJob<Record<string, never>>('platform.housekeeping', { attempts: 3 });

export interface HousekeepingResult {
  idempotencyKeys: number;
  refreshTokens: number;
  jobRecords: number;
  outboxRows: number;
  queueCompleted: number;
  queueFailed: number;
  /** What each module's task (HousekeepingTask) removed, by task name. */
  modules: Record<string, number>;
}

/**
 * A module's part of the nightly clean-up: an injectable class marked `@HousekeepingTask()`,
 * found on start (as personal-data holders are), run after the platform's steps. It must be
 * safe to run twice and to run while the box serves requests; it returns how many rows it
 * removed.
 */
export interface HousekeepingTaskHandler {
  /** The task's name in the job's result (`modules`). */
  readonly name: string;
  run(): Promise<number>;
}

export const HousekeepingTask = DiscoveryService.createDecorator<void>();

const BATCH = 5000;

/**
 * Nightly clean-up. Every step deletes what is past its date, in batches (no long locks), so a
 * second run (two ticks, a retry) finds nothing left to do.
 */
@Injectable()
@OnJob(HousekeepingJob)
export class HousekeepingHandler implements JobHandler<Record<string, never>, HousekeepingResult> {
  private readonly logger = new Logger('housekeeping');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    @InjectQueue(QUEUE_NAME) private readonly queue: Queue,
    private readonly discovery: DiscoveryService,
  ) {}

  private tasks(): HousekeepingTaskHandler[] {
    const found = this.discovery
      .getProviders({ metadataKey: HousekeepingTask.KEY })
      .map((wrapper) => wrapper.instance as HousekeepingTaskHandler | undefined)
      .filter((instance): instance is HousekeepingTaskHandler => !!instance);
    return [...new Set(found)].sort((a, b) => a.name.localeCompare(b.name));
  }

  async handle(): Promise<HousekeepingResult> {
    const days = this.config.jobs.retentionDays;
    const result: HousekeepingResult = {
      // Tables of other platform parts may not exist in every release: skip them when absent.
      idempotencyKeys: await this.deleteIfTable('platform.idempotency_keys', `expires_at < now()`),
      refreshTokens: await this.deleteIfTable('platform.refresh_tokens', `expires_at < now()`),
      jobRecords: await this.deleteIfTable(
        'platform.jobs',
        `status IN ('succeeded', 'failed', 'cancelled') AND finished_at < now() - make_interval(days => $1)`,
        [days],
      ),
      outboxRows: await this.deleteIfTable('platform.outbox', `published_at < now() - make_interval(days => $1)`, [days]),
      queueCompleted: await this.cleanQueue('completed', days),
      queueFailed: await this.cleanQueue('failed', days),
      modules: {},
    };
    for (const task of this.tasks()) result.modules[task.name] = await task.run();
    this.logger.log(`housekeeping done: ${JSON.stringify(result)}`);
    return result;
  }

  private async deleteIfTable(table: string, condition: string, params: unknown[] = []): Promise<number> {
    const [{ present }] = await this.dataSource.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [table]);
    if (!present) return 0;
    let total = 0;
    for (;;) {
      const [, count] = (await this.dataSource.query(
        `DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${condition} LIMIT ${BATCH})`,
        params,
      )) as [unknown, number];
      total += count;
      if (count < BATCH) return total;
    }
  }

  private async cleanQueue(type: 'completed' | 'failed', days: number): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = await this.queue.clean(days * 86_400_000, BATCH, type);
      total += removed.length;
      if (removed.length < BATCH) return total;
    }
  }
}
