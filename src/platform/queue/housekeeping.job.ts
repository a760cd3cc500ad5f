import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
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
}

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
  ) {}

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
    };
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
