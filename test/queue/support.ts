import { Injectable, Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { Actor, CLS_ACTOR } from '../../src/platform/access/actor';
import { AppConfig } from '../../src/platform/config/config';
import { createHttpApp } from '../../src/platform/http/create-app';
import { createRootLogger } from '../../src/platform/logging/logger';
import { defineEvent, defineJob, JobContext, JobHandler, OnJob } from '../../src/platform/queue/job-definition';
import { QueueModule } from '../../src/platform/queue/queue.module';

/** A domain event and the jobs the tests hang off it. */
export const ThingHappened = defineEvent<{ key: string }>('thing.happened');
/** Writes one effect row per key (idempotent: a second run finds it and does nothing). */
export const EffectJob = defineJob<{ key: string }>('test.effect', { on: [ThingHappened] });
/** A second subscriber of the same event: fan-out. */
export const EchoJob = defineJob<{ key: string }>('test.echo', { on: [ThingHappened] });
/** Fails until its attempt number reaches `succeedOn` (0: always fails). */
export const FlakyJob = defineJob<{ key: string; succeedOn: number }>('test.flaky', { attempts: 3 });
/** Holds until the test releases it (a job in progress at shutdown or crash). */
export const SlowJob = defineJob<{ key: string }>('test.slow', { attempts: 3 });

/** Logs every run (no idempotency on purpose: the schedule test counts runs per tick). */
export const TickJob = defineJob<Record<string, never>>('test.tick');

export const EFFECTS_DDL = `CREATE TABLE IF NOT EXISTS public.test_effects (
  key text PRIMARY KEY, job text NOT NULL, actor text NOT NULL, worker text NOT NULL, at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE IF NOT EXISTS public.test_ticks (job text NOT NULL, worker text NOT NULL)`;

/** Which app instance ran a handler (set per app by the tests). */
@Injectable()
export class WorkerTag {
  name = 'default';
}

@Injectable()
@OnJob(EffectJob)
export class EffectHandler implements JobHandler<{ key: string }> {
  readonly calls: string[] = [];
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService,
    private readonly tag: WorkerTag,
  ) {}

  @Transactional()
  async handle(payload: { key: string }, ctx: JobContext): Promise<{ written: boolean }> {
    this.calls.push(payload.key);
    const actor = this.cls.get<Actor>(CLS_ACTOR);
    const rows: unknown[] = await this.txHost.tx.query(
      `INSERT INTO public.test_effects (key, job, actor, worker) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING RETURNING key`,
      [payload.key, ctx.jobId, `${actor.type}:${actor.requestId}`, this.tag.name],
    );
    return { written: rows.length > 0 };
  }
}

@Injectable()
@OnJob(EchoJob)
export class EchoHandler implements JobHandler<{ key: string }> {
  readonly calls: string[] = [];
  async handle(payload: { key: string }): Promise<null> {
    this.calls.push(payload.key);
    return null;
  }
}

@Injectable()
@OnJob(FlakyJob)
export class FlakyHandler implements JobHandler<{ key: string; succeedOn: number }> {
  readonly attempts: number[] = [];
  /** Keys whose cause of failure the test has "fixed". */
  readonly healed = new Set<string>();
  async handle(payload: { key: string; succeedOn: number }, ctx: JobContext): Promise<{ attempt: number }> {
    this.attempts.push(ctx.attempt);
    await ctx.progress(ctx.attempt, 3);
    if (!this.healed.has(payload.key) && (payload.succeedOn === 0 || ctx.attempt < payload.succeedOn)) throw new Error(`connect ECONNREFUSED 10.0.0.1:5432 (attempt ${ctx.attempt})`);
    return { attempt: ctx.attempt };
  }
}

@Injectable()
@OnJob(SlowJob)
export class SlowHandler implements JobHandler<{ key: string }> {
  /** While true, runs in this app never finish (a worker that hangs or died mid-job). */
  hold = false;
  readonly started: string[] = [];
  readonly finished: string[] = [];
  private releaseAll: (() => void)[] = [];
  constructor(
    private readonly dataSource: DataSource,
    private readonly tag: WorkerTag,
  ) {}

  async handle(payload: { key: string }, ctx: JobContext): Promise<{ worker: string }> {
    this.started.push(payload.key);
    // The effect first, as a real handler might, before it hangs: the re-run must not repeat it.
    await this.dataSource.query(
      `INSERT INTO public.test_effects (key, job, actor, worker) VALUES ($1, $2, 'system', $3) ON CONFLICT (key) DO NOTHING`,
      [payload.key, ctx.jobId, this.tag.name],
    );
    if (this.hold) await new Promise<void>((resolve) => this.releaseAll.push(resolve));
    else await new Promise((resolve) => setTimeout(resolve, 300));
    this.finished.push(payload.key);
    return { worker: this.tag.name };
  }

  release(): void {
    this.releaseAll.splice(0).forEach((r) => r());
  }
}

@Injectable()
@OnJob(TickJob)
export class TickHandler implements JobHandler<Record<string, never>> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tag: WorkerTag,
  ) {}

  async handle(_: Record<string, never>, ctx: JobContext): Promise<null> {
    await this.dataSource.query(`INSERT INTO public.test_ticks (job, worker) VALUES ($1, $2)`, [ctx.jobId, this.tag.name]);
    return null;
  }
}

export const TEST_HANDLERS = [EffectHandler, EchoHandler, FlakyHandler, SlowHandler, TickHandler];

@Module({
  imports: [QueueModule.forFeature([EffectJob, EchoJob, FlakyJob, SlowJob, TickJob])],
  providers: [WorkerTag, ...TEST_HANDLERS],
})
export class TestJobsModule {}

/** Boots the box with extra modules (test jobs), on an existing database and Redis prefix. */
export async function bootApp(config: AppConfig, extra: unknown[] = [TestJobsModule]): Promise<NestFastifyApplication> {
  const root = { module: class TestRootModule {}, imports: [AppModule.forRoot(config), ...extra] };
  const app = await createHttpApp(root, { config, rootLogger: createRootLogger(config.logLevel), nestLogger: false });
  try {
    await app.init();
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  return app;
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fast retries and quick stall detection, so the suites stay short. */
export const FAST_JOBS_ENV = { JOB_BACKOFF_MS: '50', OUTBOX_POLL_MS: '100', JOB_LOCK_MS: '1000', JOB_SHUTDOWN_GRACE_MS: '2000' };
