import { InjectQueue } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { JobRegistry } from './job-registry';
import { jobIdForEvent } from './outbox.service';
import { OUTBOX_CHANNEL, QUEUE_NAME } from './queue.constants';

export const RELAY_BATCH_SIZE = 200;

interface OutboxRow {
  id: string;
  topic: string | null;
  payload: Record<string, unknown>;
  job_name: string | null;
  job_id: string | null;
  job_options: { delay?: number; runAt?: string } | null;
}

interface RelayedJob {
  name: string;
  data: Record<string, unknown>;
  opts: JobsOptions & { jobId: string };
  /** Fanned-out jobs get their platform.jobs row here (enqueued jobs already have one). */
  newRecord: boolean;
}

/**
 * Moves committed outbox rows to BullMQ (worker and box mode). Several relays may run: each
 * batch locks its rows with FOR UPDATE SKIP LOCKED. Job ids are derived from the row, so a
 * relay that dies after adding the jobs but before marking the rows only causes a second add
 * with the same ids, which BullMQ ignores. Order is by commit only roughly: consumers must not
 * rely on it, and must be idempotent anyway.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('outbox');
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private pending = false;
  private listener?: Client;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly registry: JobRegistry,
    @InjectQueue(QUEUE_NAME) private readonly queue: Queue,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }

  /** Runs the relay now instead of at the next poll. */
  wake(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (!this.listener) await this.listen();
      this.pending = false;
      try {
        while (this.running && (await this.relayBatch()) === RELAY_BATCH_SIZE);
      } catch (err) {
        this.logger.error(`relay failed, retrying at the next poll: ${(err as Error).message}`);
      }
      if (this.running && !this.pending) await this.idle(this.config.jobs.outboxPollMs);
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    }).then(() => {
      this.wakeUp = undefined;
    });
  }

  // LISTEN needs a connection of its own, outside the pool; polling covers the time it is down.
  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.config.database.url, application_name: 'crm-outbox-relay' });
    client.on('error', (err) => {
      this.logger.warn(`outbox listener lost: ${err.message}`);
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
    });
    try {
      await client.connect();
      client.on('notification', () => this.wake());
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
    } catch (err) {
      this.logger.warn(`outbox listener unavailable, polling only: ${(err as Error).message}`);
      await client.end().catch(() => undefined);
    }
  }

  /** Publishes one batch; returns how many rows it took. */
  async relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const rows: OutboxRow[] = await em.query(
        `SELECT id, topic, payload, job_name, job_id, job_options FROM platform.outbox
         WHERE published_at IS NULL ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [RELAY_BATCH_SIZE],
      );
      if (!rows.length) return 0;
      const jobs = rows.flatMap((row) => this.jobsOf(row));
      const fresh = jobs.filter((j) => j.newRecord);
      if (fresh.length) {
        await em.query(
          `INSERT INTO platform.jobs (id, queue_job_id, type, payload)
           SELECT id, id::text, type, payload FROM unnest($1::uuid[], $2::varchar[], $3::jsonb[]) AS t(id, type, payload)
           ON CONFLICT (id) DO NOTHING`,
          [fresh.map((j) => j.opts.jobId), fresh.map((j) => j.name), fresh.map((j) => JSON.stringify(j.data))],
        );
      }
      if (jobs.length) await this.queue.addBulk(jobs.map(({ name, data, opts }) => ({ name, data, opts })));
      await this.markPublished(em, rows.map((r) => r.id));
      return rows.length;
    });
  }

  /** Separate so a test can make it fail, as a relay killed between the two steps would. */
  async markPublished(em: EntityManager, ids: string[]): Promise<void> {
    await em.query(`UPDATE platform.outbox SET published_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
  }

  private jobsOf(row: OutboxRow): RelayedJob[] {
    if (row.job_name && row.job_id) {
      const def = this.registry.definition(row.job_name);
      return [{ name: row.job_name, data: row.payload, opts: { jobId: row.job_id, ...this.optionsOf(def?.options), ...timingOf(row.job_options) }, newRecord: false }];
    }
    return this.registry.subscribersOf(row.topic as string).map((def) => ({
      name: def.name,
      data: row.payload,
      opts: { jobId: jobIdForEvent(row.id, def.name), ...this.optionsOf(def.options) },
      newRecord: true,
    }));
  }

  private optionsOf(options: { attempts?: number; priority?: number } | undefined): JobsOptions {
    const opts: JobsOptions = {};
    if (options?.attempts) opts.attempts = options.attempts;
    if (options?.priority) opts.priority = options.priority;
    return opts;
  }
}

/** BullMQ's delay for a row's options: `runAt` counts from now (the relay may have been down), `delay` as given. */
function timingOf(options: OutboxRow['job_options']): JobsOptions {
  if (options?.runAt) return { delay: Math.max(0, Date.parse(options.runAt) - Date.now()) };
  return options?.delay ? { delay: options.delay } : {};
}
