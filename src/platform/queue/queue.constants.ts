import type { RedisOptions } from 'bullmq';

/**
 * One queue for the whole box: jobs are told apart by name, and one worker pool with one
 * concurrency setting is easier to run and size than a queue per module. Split a queue out
 * only when a job type needs its own concurrency or rate limit.
 */
export const QUEUE_NAME = 'crm';

/** Channel the outbox writer notifies (delivered only on commit) to wake the relay at once. */
export const OUTBOX_CHANNEL = 'crm_outbox';

/** Namespace of uuid v5 job ids derived from keys and outbox rows (never change it). */
export const JOB_ID_NAMESPACE = '6f1c3c2e-7a0b-4d8e-9a51-2f1f0e3b8c47';

/** Options of the ioredis connections BullMQ opens itself (it parses the URL the same way ioredis does). */
export function redisOptionsFromUrl(url: string, role: 'producer' | 'worker'): RedisOptions {
  return {
    url,
    connectionName: `crm-queue-${role}`,
    // A worker's blocking commands wait out a Redis restart; a producer (API request) fails fast.
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
}
