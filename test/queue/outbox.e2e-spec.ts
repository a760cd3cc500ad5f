import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Injectable, Module } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { ClsService } from 'nestjs-cls';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../../src/platform/access/actor';
import { AppConfig } from '../../src/platform/config/config';
import { defineJob, JobHandler, OnJob } from '../../src/platform/queue/job-definition';
import { JobRecordEntity } from '../../src/platform/queue/job-record.entity';
import { JobsService } from '../../src/platform/queue/jobs.service';
import { JobWorker } from '../../src/platform/queue/job-worker';
import { OutboxRelay } from '../../src/platform/queue/outbox-relay';
import { ScheduleService } from '../../src/platform/queue/schedules';
import { jobIdForEvent, OutboxService } from '../../src/platform/queue/outbox.service';
import { QueueModule } from '../../src/platform/queue/queue.module';
import { QUEUE_NAME } from '../../src/platform/queue/queue.constants';
import { cloneDatabase, dropDatabase, testConfig } from '../support/app';
import {
  bootApp,
  EchoHandler,
  EchoJob,
  EffectHandler,
  EffectJob,
  EFFECTS_DDL,
  FAST_JOBS_ENV,
  FlakyHandler,
  FlakyJob,
  ThingHappened,
  waitFor,
} from './support';

describe('Jobs and the transactional outbox', () => {
  let databaseName: string;
  let config: AppConfig;
  let app: NestFastifyApplication;
  let ds: DataSource;
  let cls: ClsService;
  let outbox: OutboxService;
  let txHost: TransactionHost<TransactionalAdapterTypeOrm>;
  let queue: Queue;

  const inContext = <T>(fn: () => Promise<T>) => cls.run(fn);
  const record = (id: string) => ds.getRepository(JobRecordEntity).findOneBy({ id });
  const settled = (id: string) =>
    waitFor(async () => {
      const r = await record(id);
      return r && ['succeeded', 'failed'].includes(r.status) ? r : null;
    }, `job ${id} to finish`);

  beforeAll(async () => {
    databaseName = await cloneDatabase();
    config = testConfig(databaseName, { worker: true, env: FAST_JOBS_ENV });
    app = await bootApp(config);
    ds = app.get(DataSource);
    await ds.query(EFFECTS_DDL);
    cls = app.get(ClsService);
    outbox = app.get(OutboxService);
    txHost = app.get(TransactionHost);
    queue = app.get<Queue>(getQueueToken(QUEUE_NAME));
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await app?.close();
    await dropDatabase(databaseName);
  });

  it('runs an enqueued job after its transaction commits, in a CLS context as the system actor', async () => {
    const job = await inContext(() => outbox.enqueue(EffectJob, { key: 'committed' }));
    expect(job.status).toBe('queued');
    const done = await settled(job.id);
    expect(done).toMatchObject({ status: 'succeeded', type: 'test.effect', result: { written: true }, attempts: 1 });
    expect(done.finishedAt).toBeInstanceOf(Date);
    const [effect] = await ds.query(`SELECT job, actor FROM public.test_effects WHERE key = 'committed'`);
    expect(effect).toEqual({ job: job.id, actor: `system:job:${job.id}` });
    const [row] = await ds.query(`SELECT published_at FROM platform.outbox WHERE job_id = $1`, [job.id]);
    expect(row.published_at).toBeInstanceOf(Date);
  });

  it('leaves no outbox row, job record or BullMQ job behind when the transaction rolls back', async () => {
    await expect(
      inContext(() =>
        txHost.withTransaction(async () => {
          await outbox.enqueue(EffectJob, { key: 'rolled-back' });
          await outbox.publish(ThingHappened, { key: 'rolled-back-event' });
          throw new Error('the change failed');
        }),
      ),
    ).rejects.toThrow('the change failed');
    // A job committed afterwards is relayed after anything committed before it: once it ran, the relay has seen all.
    const barrier = await inContext(() => outbox.enqueue(EffectJob, { key: 'barrier' }));
    await settled(barrier.id);

    const rows = await ds.query(`SELECT count(*)::int AS n FROM platform.outbox WHERE payload->>'key' LIKE 'rolled-back%'`);
    expect(rows[0].n).toBe(0);
    const records = await ds.query(`SELECT count(*)::int AS n FROM platform.jobs WHERE payload->>'key' LIKE 'rolled-back%'`);
    expect(records[0].n).toBe(0);
    const queued = await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    expect(queued.filter((j) => String(j.data?.key).startsWith('rolled-back'))).toEqual([]);
    expect(app.get(EffectHandler).calls).not.toContain('rolled-back');
  });

  it('fans an event out to every subscribed job', async () => {
    const eventId = await inContext(() => outbox.publish(ThingHappened, { key: 'fan-out' }));
    const effect = await settled(jobIdForEvent(eventId, EffectJob.name));
    const echo = await settled(jobIdForEvent(eventId, EchoJob.name));
    expect(effect).toMatchObject({ type: 'test.effect', status: 'succeeded' });
    expect(echo).toMatchObject({ type: 'test.echo', status: 'succeeded' });
    expect(app.get(EchoHandler).calls.filter((k) => k === 'fan-out')).toHaveLength(1);
  });

  it('acts exactly once when the relay dies between adding the jobs and marking the row', async () => {
    const relay = app.get(OutboxRelay);
    const markPublished = jest.spyOn(relay, 'markPublished').mockImplementationOnce(async () => {
      throw new Error('relay killed before marking the row');
    });
    try {
      const eventId = await inContext(() => outbox.publish(ThingHappened, { key: 'relay-crash' }));
      await waitFor(async () => {
        const [row] = await ds.query(`SELECT published_at FROM platform.outbox WHERE id = $1`, [eventId]);
        return row?.published_at;
      }, 'the row to be marked published by the next relay run');
      expect(markPublished.mock.calls.length).toBeGreaterThanOrEqual(2);
      await settled(jobIdForEvent(eventId, EffectJob.name));
      await settled(jobIdForEvent(eventId, EchoJob.name));
      // Let any duplicate that the replay could have added run, then count.
      const barrier = await inContext(() => outbox.enqueue(EffectJob, { key: 'after-crash' }));
      await settled(barrier.id);
      expect(app.get(EffectHandler).calls.filter((k) => k === 'relay-crash')).toHaveLength(1);
      expect(app.get(EchoHandler).calls.filter((k) => k === 'relay-crash')).toHaveLength(1);
      const inQueue = (await queue.getJobs(['completed', 'waiting', 'active', 'delayed', 'failed'])).filter((j) => j.data?.key === 'relay-crash');
      expect(inQueue.map((j) => j.name).sort()).toEqual(['test.echo', 'test.effect']);
    } finally {
      markPublished.mockRestore();
    }
  });

  it('gives a keyed job one id: enqueuing it again returns the first job', async () => {
    const first = await inContext(() => outbox.enqueue(EffectJob, { key: 'keyed' }, { key: 'campaign-1:contact-1' }));
    const second = await inContext(() => outbox.enqueue(EffectJob, { key: 'keyed' }, { key: 'campaign-1:contact-1' }));
    expect(second.id).toBe(first.id);
    await settled(first.id);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM platform.outbox WHERE job_id = $1`, [first.id]);
    expect(n).toBe(1);
  });

  it('retries with backoff and records attempts and progress', async () => {
    const job = await inContext(() => outbox.enqueue(FlakyJob, { key: 'flaky', succeedOn: 3 }));
    const done = await settled(job.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 3, progressDone: 3, progressTotal: 3, result: { attempt: 3 }, error: null });
    expect(app.get(FlakyHandler).attempts.slice(-3)).toEqual([1, 2, 3]);
  });

  it('fails a job after its last attempt without leaking the raw error, and an admin retry runs it again', async () => {
    const jobs = app.get(JobsService);
    const job = await inContext(() => outbox.enqueue(FlakyJob, { key: 'doomed', succeedOn: 0 }));
    const failed = await settled(job.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3 });
    expect(failed.error).not.toContain('ECONNREFUSED');
    const status = await jobs.status();
    expect(status.recentFailures.find((f) => f.id === job.id)?.failedReason).toContain('ECONNREFUSED');
    expect(status.counts.failed).toBeGreaterThanOrEqual(1);

    app.get(FlakyHandler).healed.add('doomed');
    const retried = await inContext(() => jobs.retry(SYSTEM_ACTOR, job.id));
    expect(retried.status).toBe('queued');
    const done = await waitFor(async () => {
      const r = await record(job.id);
      return r?.status === 'succeeded' ? r : null;
    }, 'the retried job to succeed');
    expect(done).toMatchObject({ status: 'succeeded', error: null });
    await expect(inContext(() => jobs.retry(SYSTEM_ACTOR, job.id))).rejects.toMatchObject({ code: 'JOB_NOT_FAILED' });
  });

  it('reports queue depth and outcome counters for /metrics', async () => {
    const metrics = await app.get(JobsService).metrics();
    expect(Object.keys(metrics.depth).sort()).toEqual(['active', 'completed', 'delayed', 'failed', 'prioritized', 'waiting']);
    expect(metrics.depth.completed).toBeGreaterThan(0);
    expect(metrics.outcomes).toEqual(
      expect.arrayContaining([
        { name: 'test.flaky', outcome: 'retried', count: expect.any(Number) },
        { name: 'test.flaky', outcome: 'failed', count: 1 },
        { name: 'test.effect', outcome: 'succeeded', count: expect.any(Number) },
      ]),
    );
  });

  it('refuses payloads that are records rather than ids, and jobs nobody registered', async () => {
    await expect(inContext(() => outbox.enqueue(EffectJob, { key: 'x'.repeat(5000) }))).rejects.toThrow(/payload is \d+ bytes/);
    const Stray = defineJob<{ id: string }>('test.stray');
    await expect(inContext(() => outbox.enqueue(Stray, { id: '1' }))).rejects.toThrow(/not registered/);
  });

  describe('start-up checks', () => {
    const apiConfig = () => ({ ...config, mode: 'api' as const });

    it('runs no worker, relay or schedule in the api process: it only enqueues', async () => {
      const api = await bootApp(apiConfig());
      try {
        for (const worker of [JobWorker, OutboxRelay, ScheduleService]) expect(() => api.get(worker, { strict: false })).toThrow();
        expect(api.get(OutboxService)).toBeDefined();
      } finally {
        await api.close();
      }
    });

    it('refuses to start when a registered job has no handler', async () => {
      const Orphan = defineJob<{ id: string }>('test.orphan');
      @Module({ imports: [QueueModule.forFeature([Orphan])] })
      class OrphanModule {}
      await expect(bootApp(apiConfig(), [OrphanModule])).rejects.toThrow(/job "test\.orphan" is registered but has no handler/);
    });

    it('refuses to start when a handler handles a job nobody registered', async () => {
      const Unknown = defineJob<{ id: string }>('test.unknown');
      @Injectable()
      @OnJob(Unknown)
      class UnknownHandler implements JobHandler<{ id: string }> {
        async handle(): Promise<null> {
          return null;
        }
      }
      @Module({ providers: [UnknownHandler] })
      class StrayHandlerModule {}
      await expect(bootApp(apiConfig(), [StrayHandlerModule])).rejects.toThrow(/UnknownHandler handles job "test\.unknown", which no module registers/);
    });
  });
});
