import { SetMetadata } from '@nestjs/common';

/**
 * Jobs carry ids, never records: a handler re-reads the state it acts on, so a job that runs
 * late, twice or after a retry acts on the world as it is then.
 */
type IdScalar = string | number | boolean | null;
export type JobPayload = { [key: string]: IdScalar | IdScalar[] | undefined };

/** Hard cap on a serialized payload; anything larger is a record smuggled into a job. */
export const MAX_PAYLOAD_BYTES = 4096;

export interface JobOptions {
  /** Attempts before the job is failed; defaults to config.jobs.attempts. */
  attempts?: number;
  /** Lower runs first (BullMQ priority); leave unset for FIFO. */
  priority?: number;
}

/** A domain event, named `<resource>.<verb>` (`contact.created`), with an ids-only payload. */
export interface EventDefinition<P extends JobPayload = JobPayload> {
  readonly kind: 'event';
  readonly name: string;
  /** Type carrier only; never set at run time. */
  readonly __payload?: P;
}

export interface JobDefinition<P extends JobPayload = JobPayload> {
  readonly kind: 'job';
  /** `<module>.<what>`, e.g. `contacts.reminder-due`. Stable: it is stored in Redis and platform.jobs. */
  readonly name: string;
  readonly options: JobOptions;
  /** Events that enqueue this job (one job per event, keyed by the outbox row). */
  readonly on: readonly EventDefinition<P>[];
  readonly __payload?: P;
}

const NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9_-]*)+$/;

export function defineEvent<P extends JobPayload>(name: string): EventDefinition<P> {
  if (!NAME.test(name)) throw new Error(`Event name "${name}" must look like resource.verb`);
  return { kind: 'event', name };
}

/** Declares a job type; register it with `QueueModule.forFeature([...])` and give it one `@JobHandler`. */
export function defineJob<P extends JobPayload>(
  name: string,
  options: JobOptions & { on?: readonly EventDefinition<P>[] } = {},
): JobDefinition<P> {
  if (!NAME.test(name)) throw new Error(`Job name "${name}" must look like module.what`);
  const { on = [], ...rest } = options;
  return { kind: 'job', name, options: rest, on };
}

export type PayloadOf<D> = D extends JobDefinition<infer P> ? P : D extends EventDefinition<infer P> ? P : never;

/** What a handler learns about the run it is in. */
export interface JobContext {
  /** The durable job id (platform.jobs.id), also the `requestId` of the actor. */
  jobId: string;
  name: string;
  /** 1 on the first run, 2 on the first retry, and so on. */
  attempt: number;
  /** Reports progress (stored on the job record, served by GET /jobs/{id}). */
  progress(done: number, total?: number | null): Promise<void>;
}

/** A job's handler: must be idempotent (re-read state, do nothing if the work is done). */
export interface JobHandler<P extends JobPayload = JobPayload, R = unknown> {
  handle(payload: P, ctx: JobContext): Promise<R>;
}

export const JOB_HANDLER = 'crm:job-handler';

/**
 * Marks a provider as the handler of a job. Handlers are discovered at start-up; the box
 * refuses to start when a registered job has none, or when a handler's job is not registered.
 */
export function OnJob<P extends JobPayload>(job: JobDefinition<P>) {
  // The class must handle exactly this job's payload: the compiler checks it here.
  return <T extends new (...args: never[]) => JobHandler<P>>(target: T): void => {
    SetMetadata(JOB_HANDLER, job)(target);
  };
}

export interface ScheduleDefinition<P extends JobPayload = JobPayload> {
  /** The BullMQ job scheduler id: stable, one scheduler per id across every worker. */
  id: string;
  job: JobDefinition<P>;
  payload?: P;
  /** A cron pattern (run in TIMEZONE) or an interval in milliseconds. */
  repeat: { pattern: string } | { every: number };
}

/**
 * A recurring job, declared by the module that owns the job:
 * `QueueModule.forFeature([SweepJob], { schedules: [defineSchedule(SweepJob, { every: 300_000 })] })`.
 * The id defaults to the job's name (one schedule per job is the common case).
 */
export function defineSchedule<P extends JobPayload>(
  job: JobDefinition<P>,
  repeat: ScheduleDefinition['repeat'],
  options: { id?: string; payload?: P } = {},
): ScheduleDefinition {
  return { id: options.id ?? job.name, job: job as JobDefinition, payload: options.payload, repeat };
}
