import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Job, Queue } from 'bullmq';
import { Actor, Scope, scopeOf } from '../access/actor';
import { conflict, forbidden, notFound } from '../errors/domain-error';
import { CursorCodec } from '../query/cursor';
import { ListQuery, Page } from '../query/list-query';
import { defineListSpec } from '../query/list-spec';
import { fetchPage } from '../query/paginate';
import { JobMetrics, JobOutcome } from './job-metrics';
import { JOB_STATUSES, JobRecordEntity } from './job-record.entity';
import { JobRecordsRepository } from './job-records.repository';
import { QUEUE_NAME } from './queue.constants';

export const JOBS_LIST_SPEC = defineListSpec({
  resource: 'jobs',
  defaultSort: '-createdAt',
  fields: {
    id: { type: 'uuid', sortable: true, nullable: false, ops: ['eq', 'in'] },
    type: { type: 'string', nullable: false, ops: ['eq', 'in', 'startsWith'] },
    status: { type: 'enum', values: JOB_STATUSES, nullable: false, ops: ['eq', 'ne', 'in', 'nin'] },
    createdAt: { type: 'timestamp', sortable: true, nullable: false, ops: ['gt', 'gte', 'lt', 'lte'] },
    finishedAt: { type: 'timestamp', sortable: true, ops: ['gt', 'gte', 'lt', 'lte', 'isNull'] },
  },
});

export interface QueueDepth {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  prioritized: number;
}

export interface JobsStatus {
  queue: string;
  counts: QueueDepth;
  schedules: { id: string; jobName: string; pattern: string | null; every: number | null; tz: string | null; next: string | null }[];
  recentFailures: { id: string; name: string; failedReason: string; attemptsMade: number; finishedAt: string | null }[];
}

export interface JobsMetrics {
  depth: QueueDepth;
  /** Outcomes counted by this process since it started (monotonic). */
  outcomes: { name: string; outcome: JobOutcome; count: number }[];
}

/** `own`: jobs the caller started; `team`: those too, and jobs started for one of the caller's teams. */
function visible(actor: Actor, scope: Scope, job: JobRecordEntity): boolean {
  if (scope === 'all') return true;
  if (job.ownerId !== null && job.ownerId === actor.userId) return true;
  return scope === 'team' && job.teamId !== null && actor.teamIds.includes(job.teamId);
}

const COUNT_TYPES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;

/** Reading jobs (API, CLI, metrics) and retrying failed ones. Enqueuing is OutboxService's. */
@Injectable()
export class JobsService {
  private readonly logger = new Logger('queue');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cursors: CursorCodec,
    private readonly records: JobRecordsRepository,
    private readonly metricsRegistry: JobMetrics,
    @InjectQueue(QUEUE_NAME) private readonly queue: Queue,
  ) {
    // Without a listener BullMQ prints every Redis connection error raw to stderr during an outage.
    queue.on('error', (err) => this.logger.warn(`queue: ${err.message}`));
  }

  async list(actor: Actor, query: ListQuery): Promise<Page<JobRecordEntity>> {
    const qb = this.txHost.tx.createQueryBuilder(JobRecordEntity, 'j');
    const scope = scopeOf(actor, 'jobs', 'read');
    if (scope === 'none') throw forbidden();
    if (scope === 'own') qb.andWhere('j.owner_id = :owner', { owner: actor.userId });
    if (scope === 'team') qb.andWhere('(j.owner_id = :owner OR j.team_id = ANY(:teams))', { owner: actor.userId, teams: actor.teamIds });
    return fetchPage(qb, 'j', JOBS_LIST_SPEC, query, this.cursors);
  }

  /** One job as `actor` may see it (404 outside their scope, as for a job that does not exist). */
  async get(actor: Actor, id: string): Promise<JobRecordEntity> {
    const scope = scopeOf(actor, 'jobs', 'read');
    if (scope === 'none') throw forbidden();
    const job = await this.txHost.tx.getRepository(JobRecordEntity).findOneBy({ id });
    if (!job || !visible(actor, scope, job)) throw notFound('job');
    return job;
  }

  /** Runs a failed job again (its attempts start over). */
  async retry(actor: Actor, id: string): Promise<JobRecordEntity> {
    if (!actor.isAdmin) throw forbidden('Only administrators retry jobs.');
    const record = await this.get(actor, id);
    if (record.status !== 'failed') throw conflict('JOB_NOT_FAILED', `Only failed jobs can be retried; this one is ${record.status}.`);
    const job = await Job.fromId(this.queue, record.queueJobId);
    await this.records.requeued(record.id);
    if (job && (await job.isFailed())) {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } else {
      // Pruned from Redis already (or Redis was flushed): the durable record is enough to add it again.
      if (job) await job.remove().catch(() => undefined);
      await this.queue.add(record.type, record.payload, { jobId: record.queueJobId });
    }
    return this.get(actor, id);
  }

  async depth(): Promise<QueueDepth> {
    const counts = await this.queue.getJobCounts(...COUNT_TYPES);
    return Object.fromEntries(COUNT_TYPES.map((t) => [t, counts[t] ?? 0])) as unknown as QueueDepth;
  }

  /** For `crm jobs:status`: queue depth, schedules and the latest failures with their raw reasons. */
  async status(recentFailures = 10): Promise<JobsStatus> {
    const [counts, schedulers, failed] = await Promise.all([
      this.depth(),
      this.queue.getJobSchedulers(0, -1, true),
      this.queue.getFailed(0, Math.max(0, recentFailures - 1)),
    ]);
    return {
      queue: QUEUE_NAME,
      counts,
      schedules: schedulers.map((s) => ({
        id: s.key,
        jobName: s.name,
        pattern: s.pattern ?? null,
        every: s.every ? Number(s.every) : null,
        tz: s.tz ?? null,
        next: s.next ? new Date(s.next).toISOString() : null,
      })),
      recentFailures: failed
        .filter((j): j is Job => Boolean(j))
        .map((j) => ({
          id: String(j.id),
          name: j.name,
          failedReason: j.failedReason,
          attemptsMade: j.attemptsMade,
          finishedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
        })),
    };
  }

  /** For /metrics: queue depth (shared, from Redis) and this process's outcome counters. */
  async metrics(): Promise<JobsMetrics> {
    return { depth: await this.depth(), outcomes: this.metricsRegistry.outcomes() };
  }
}
