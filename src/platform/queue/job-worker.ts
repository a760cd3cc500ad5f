import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { ClsService } from 'nestjs-cls';
import { validate as isUuid, v5 as uuidv5 } from 'uuid';
import { CLS_ACTOR, SYSTEM_ACTOR } from '../access/actor';
import { AppConfig } from '../config/config';
import { DomainError } from '../errors/domain-error';
import { APP_CONFIG } from '../config/config.module';
import { JobContext } from './job-definition';
import { JobMetrics } from './job-metrics';
import { JobRecordsRepository } from './job-records.repository';
import { JobRegistry } from './job-registry';
import { JOB_ID_NAMESPACE, QUEUE_NAME, redisOptionsFromUrl } from './queue.constants';

/** platform.jobs id of a BullMQ job: the same uuid, or one derived from a scheduler's `repeat:…` id. */
export function recordIdOf(queueJobId: string): string {
  return isUuid(queueJobId) ? queueJobId.toLowerCase() : uuidv5(queueJobId, JOB_ID_NAMESPACE);
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * What the job record (and so the API) says about a failure: a handler's deliberate errors
 * verbatim, anything else generic. Raw messages can carry SQL or internals; they go to the log
 * and to BullMQ's failedReason (read by `crm jobs:status`).
 */
export function publicErrorOf(err: unknown): string {
  if (err instanceof DomainError || err instanceof UnrecoverableError) return err.message;
  return 'The job failed because of an internal error; the worker log has the details.';
}

/**
 * Runs the box's jobs (worker and box mode only). Each job runs in its own CLS context as the
 * system actor, so @Transactional services and audit work inside handlers as in a request.
 */
@Injectable()
export class JobWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('worker');
  private worker?: Worker;
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    private readonly records: JobRecordsRepository,
    private readonly metrics: JobMetrics,
    private readonly cls: ClsService,
  ) {}

  onApplicationBootstrap(): void {
    const { jobs, redis } = this.config;
    this.worker = new Worker(QUEUE_NAME, (job) => this.track(this.process(job)), {
      connection: redisOptionsFromUrl(redis.url as string, 'worker'),
      prefix: redis.prefix,
      concurrency: jobs.concurrency,
      lockDuration: jobs.lockMs,
      stalledInterval: jobs.lockMs,
      // A job that stalls (its worker died) is put back twice; a third stall fails it rather than loop forever.
      maxStalledCount: 2,
    });
    this.worker.on('error', (err) => this.logger.warn(`worker: ${err.message}`));
    this.worker.on('failed', (job, err) => {
      // Stalled too often: BullMQ fails it without running our processor, so record it here.
      if (job?.finishedOn && job.id) void this.records.attemptFailed(recordIdOf(job.id), publicErrorOf(err), true).catch(() => undefined);
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /**
   * Stops taking jobs, lets active ones finish within the grace period, then lets go: a job
   * still running keeps its lock until it expires and another worker re-runs it (stalled).
   */
  async stop(graceMs = this.config.jobs.shutdownGraceMs): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    await worker.pause(true);
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.allSettled([...this.inflight]).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (!drained) this.logger.warn(`jobs still running after ${graceMs} ms; leaving them to another worker`);
    // Graceful close also waits for BullMQ to record the jobs that just finished; forced does not wait.
    await worker.close(!drained);
  }

  private track<T>(run: Promise<T>): Promise<T> {
    this.inflight.add(run);
    void run.finally(() => this.inflight.delete(run)).catch(() => undefined);
    return run;
  }

  private async process(job: Job): Promise<unknown> {
    const handler = this.registry.handler(job.name);
    if (!handler) throw new UnrecoverableError(`No handler for job "${job.name}" in this version`);
    const recordId = recordIdOf(job.id as string);
    const attempt = job.attemptsMade + 1;
    return this.cls.run(async () => {
      this.cls.set(CLS_ACTOR, { ...SYSTEM_ACTOR, requestId: `job:${recordId}` });
      const previous = await this.records.started({ recordId, queueJobId: job.id as string, name: job.name, payload: job.data, attempt });
      if (previous === 'succeeded' || previous === 'cancelled') {
        this.metrics.record(job.name, 'skipped');
        return null;
      }
      const ctx: JobContext = {
        jobId: recordId,
        name: job.name,
        attempt,
        progress: async (done, total) => {
          await this.records.progress(recordId, done, total);
          await job.updateProgress({ done, total: total ?? null }).catch(() => undefined);
        },
      };
      try {
        const result = (await handler.handle(job.data, ctx)) ?? null;
        await this.records.succeeded(recordId, result);
        this.metrics.record(job.name, 'succeeded');
        return result;
      } catch (err) {
        const final = err instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
        // The job's own error is what BullMQ must see; a failure to record it is only logged.
        await this.records.attemptFailed(recordId, publicErrorOf(err), final).catch((e: unknown) => this.logger.error(`job ${recordId}: recording the failure failed: ${errorText(e)}`));
        this.metrics.record(job.name, final ? 'failed' : 'retried');
        if (!final) this.logger.warn(`job ${job.name} ${recordId} attempt ${attempt} failed: ${errorText(err)}`);
        else this.logger.error(`job ${job.name} ${recordId} failed: ${errorText(err)}`);
        throw err;
      }
    });
  }
}
