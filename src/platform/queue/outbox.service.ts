import { Inject, Injectable } from '@nestjs/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { v5 as uuidv5 } from 'uuid';
import { Actor, CLS_ACTOR } from '../access/actor';
import { newId } from '../database/columns';
import { EventDefinition, JobDefinition, JobPayload, MAX_PAYLOAD_BYTES } from './job-definition';
import { JobRecordEntity } from './job-record.entity';
import { JobRegistry } from './job-registry';
import { JOB_ID_NAMESPACE, OUTBOX_CHANNEL } from './queue.constants';

export interface EnqueueOptions {
  /**
   * Makes the job unique: the same job name and key give the same job id, and a second
   * enqueue returns the first job instead of adding another (per campaign and recipient, …).
   */
  key?: string;
  /**
   * The user who started the job (GET /jobs scope `own`). Defaults to the user acting in the
   * current context (request or job); pass null for a job that belongs to nobody.
   */
  ownerId?: string | null;
  /** The team the job works for (GET /jobs scope `team`). */
  teamId?: string | null;
  /** Run no earlier than this many milliseconds after the commit. */
  delayMs?: number;
  /**
   * Run no earlier than this time. Unlike delayMs, the delay is reckoned when the relay hands the
   * job to BullMQ, so time the relay was down does not push the job later (reminders).
   */
  runAt?: Date;
}

/** The job id a key gives (stable across processes and releases). */
export function jobIdForKey(jobName: string, key: string): string {
  return uuidv5(`${jobName}:${key}`, JOB_ID_NAMESPACE);
}

/** The job id of one subscriber of one event row: replays of the row cannot add a second job. */
export function jobIdForEvent(outboxId: string, jobName: string): string {
  return uuidv5(`${jobName}@${outboxId}`, JOB_ID_NAMESPACE);
}

export function assertIdsOnly(payload: JobPayload, what: string): void {
  const size = Buffer.byteLength(JSON.stringify(payload));
  if (size > MAX_PAYLOAD_BYTES) {
    throw new Error(`${what}: payload is ${size} bytes; jobs carry ids (at most ${MAX_PAYLOAD_BYTES} bytes), handlers re-read the records`);
  }
}

/**
 * Writes events and jobs through the CURRENT transaction, so they exist if and only if the
 * change that caused them commits. The relay (worker) moves them to BullMQ afterwards.
 */
@Injectable()
export class OutboxService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(JobRegistry) private readonly registry: JobRegistry,
    private readonly cls: ClsService,
  ) {}

  /** Enqueues a job once the current transaction commits; returns its record (status `queued`). */
  @Transactional()
  async enqueue<P extends JobPayload>(job: JobDefinition<P>, payload: P, opts: EnqueueOptions = {}): Promise<JobRecordEntity> {
    if (!this.registry.has(job.name)) throw new Error(`Job "${job.name}" is not registered (QueueModule.forFeature)`);
    assertIdsOnly(payload, job.name);
    const tx = this.txHost.tx;
    const id = opts.key ? jobIdForKey(job.name, opts.key) : newId();
    const inserted: unknown[] = await tx.query(
      `INSERT INTO platform.jobs (id, queue_job_id, type, status, payload, owner_id, team_id)
       VALUES ($1, $2, $3, 'queued', $4, $5, $6)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [id, id, job.name, JSON.stringify(payload), opts.ownerId === undefined ? this.currentUserId() : opts.ownerId, opts.teamId ?? null],
    );
    if (inserted.length) {
      const jobOptions = opts.runAt ? { runAt: opts.runAt.toISOString() } : opts.delayMs ? { delay: opts.delayMs } : null;
      await tx.query(
        `INSERT INTO platform.outbox (id, job_name, job_id, payload, job_options) VALUES ($1, $2, $3, $4, $5)`,
        [newId(), job.name, id, JSON.stringify(payload), jobOptions && JSON.stringify(jobOptions)],
      );
      await this.notify();
    }
    return tx.getRepository(JobRecordEntity).findOneByOrFail({ id });
  }

  /**
   * Records a domain event; it fans out to every job that subscribes to it (`defineJob(..., { on: [event] })`).
   * Returns the event id (the outbox row id).
   */
  async publish<P extends JobPayload>(event: EventDefinition<P>, payload: P): Promise<string> {
    return (await this.publishMany(event, [payload]))[0];
  }

  /** One event per payload, in one statement (a change that touches many records); returns the event ids in order. */
  @Transactional()
  async publishMany<P extends JobPayload>(event: EventDefinition<P>, payloads: readonly P[]): Promise<string[]> {
    if (!payloads.length) return [];
    for (const payload of payloads) assertIdsOnly(payload, event.name);
    const ids = payloads.map(() => newId());
    await this.txHost.tx.query(`INSERT INTO platform.outbox (id, topic, payload) SELECT id, $2, payload FROM unnest($1::uuid[], $3::jsonb[]) AS e(id, payload)`, [
      ids,
      event.name,
      payloads.map((p) => JSON.stringify(p)),
    ]);
    await this.notify();
    return ids;
  }

  private currentUserId(): string | null {
    return (this.cls.isActive() ? this.cls.get<Actor | undefined>(CLS_ACTOR)?.userId : null) ?? null;
  }

  // NOTIFY is delivered at commit and dropped on rollback: exactly the moment the relay may act.
  private async notify(): Promise<void> {
    await this.txHost.tx.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
  }
}
