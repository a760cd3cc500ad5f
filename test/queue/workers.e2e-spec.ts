import { getQueueToken } from '@nestjs/bullmq';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import { ClsService } from 'nestjs-cls';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/platform/config/config';
import { HousekeepingJob, HousekeepingResult } from '../../src/platform/queue/housekeeping.job';
import { JobRecordEntity } from '../../src/platform/queue/job-record.entity';
import { OutboxService } from '../../src/platform/queue/outbox.service';
import { QUEUE_NAME } from '../../src/platform/queue/queue.constants';
import { ScheduleService } from '../../src/platform/queue/schedules';
import { cloneDatabase, dropDatabase, testConfig } from '../support/app';
import { bootApp, EFFECTS_DDL, FAST_JOBS_ENV, SlowHandler, SlowJob, TickJob, waitFor, WorkerTag } from './support';

/** Several worker processes on one database and one Redis prefix, as in production. */
describe('Workers: crashes, schedules, housekeeping, shutdown', () => {
  let databaseName: string;
  let config: AppConfig;
  const apps = new Map<string, NestFastifyApplication>();
  let ds: DataSource;

  async function start(tag: string): Promise<NestFastifyApplication> {
    const app = await bootApp(config);
    app.get(WorkerTag).name = tag;
    apps.set(tag, app);
    return app;
  }
  async function stop(tag: string): Promise<void> {
    await apps.get(tag)?.close();
    apps.delete(tag);
  }
  const enqueue = (app: NestFastifyApplication, ...args: Parameters<OutboxService['enqueue']>) =>
    app.get(ClsService).run(() => app.get(OutboxService).enqueue(...args));
  const record = (id: string) => ds.getRepository(JobRecordEntity).findOneBy({ id });
  const succeeded = (id: string) =>
    waitFor(async () => {
      const r = await record(id);
      return r?.status === 'succeeded' ? r : null;
    }, `job ${id} to succeed`);

  beforeAll(async () => {
    databaseName = await cloneDatabase();
    config = testConfig(databaseName, { worker: true, env: { ...FAST_JOBS_ENV, JOB_LOCK_MS: '1000', JOB_SHUTDOWN_GRACE_MS: '500', TIMEZONE: 'Europe/Riga' } });
    const a = await start('A');
    ds = a.get(DataSource);
    await ds.query(EFFECTS_DDL);
  });

  afterAll(async () => {
    const any = [...apps.values()][0];
    await any?.get<Queue>(getQueueToken(QUEUE_NAME)).obliterate({ force: true });
    for (const tag of [...apps.keys()]) await stop(tag);
    await dropDatabase(databaseName);
  });

  it('re-runs a job whose worker died mid-way on another worker, and the work is done once', async () => {
    const a = apps.get('A') as NestFastifyApplication;
    const slowA = a.get(SlowHandler);
    slowA.hold = true;
    const job = await enqueue(a, SlowJob, { key: 'crash' });
    await waitFor(async () => slowA.started.includes('crash'), 'worker A to start the job');
    // A stops but its job does not finish within the grace period: A lets go without completing it.
    await stop('A');
    expect(slowA.finished).not.toContain('crash');

    const b = await start('B');
    ds = b.get(DataSource);
    const done = await succeeded(job.id);
    expect(done.result).toEqual({ worker: 'B' });
    const slowB = b.get(SlowHandler);
    expect(slowB.started).toEqual(['crash']);
    const effects = await ds.query(`SELECT worker FROM public.test_effects WHERE key = 'crash'`);
    expect(effects).toEqual([{ worker: 'A' }]);
    const queue = b.get<Queue>(getQueueToken(QUEUE_NAME));
    expect(await queue.getJobCounts('active', 'waiting')).toEqual({ active: 0, waiting: 0 });
    slowA.release();
  });

  it('upserts the declared schedules at start, with the configured time zone', async () => {
    const queue = apps.get('B')?.get<Queue>(getQueueToken(QUEUE_NAME)) as Queue;
    const housekeeping = await queue.getJobScheduler('platform.housekeeping');
    expect(housekeeping).toMatchObject({ name: 'platform.housekeeping', pattern: config.jobs.housekeepingCron, tz: 'Europe/Riga' });
  });

  it('runs one job per tick however many workers run', async () => {
    const b = apps.get('B') as NestFastifyApplication;
    const c = await start('C');
    const tick = { id: 'test.tick', job: TickJob, repeat: { every: 200 } };
    // Every worker upserts the schedules it declares when it starts.
    await b.get(ScheduleService).upsert(tick);
    await c.get(ScheduleService).upsert(tick);
    const queue = b.get<Queue>(getQueueToken(QUEUE_NAME));
    expect((await queue.getJobSchedulers()).filter((s) => s.key === 'test.tick')).toHaveLength(1);
    await waitFor(async () => {
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM public.test_ticks`);
      return n >= 6;
    }, 'six ticks');
    await queue.removeJobScheduler('test.tick');
    await waitFor(async () => (await queue.getJobCounts('active')).active === 0, 'the last tick to finish');

    const runs: { job: string; runs: number }[] = await ds.query(`SELECT job, count(*)::int AS runs FROM public.test_ticks GROUP BY job`);
    expect(runs.length).toBeGreaterThanOrEqual(6);
    expect(runs.filter((r) => r.runs !== 1)).toEqual([]);
    const ticks = await ds.query(`SELECT queue_job_id FROM platform.jobs WHERE type = 'test.tick'`);
    expect(ticks).toHaveLength(runs.length);
    expect(new Set(ticks.map((t: { queue_job_id: string }) => t.queue_job_id)).size).toBe(runs.length);
  });

  it('housekeeping deletes what is past its date, and a second run finds nothing', async () => {
    const b = apps.get('B') as NestFastifyApplication;
    const old = `now() - interval '30 days'`;
    await ds.query(
      `INSERT INTO platform.jobs (id, queue_job_id, type, status, finished_at, created_at)
       VALUES ('00000000-0000-4000-8000-000000000001', 'old-1', 'test.old', 'succeeded', ${old}, ${old}),
              ('00000000-0000-4000-8000-000000000002', 'old-2', 'test.old', 'failed', ${old}, ${old}),
              ('00000000-0000-4000-8000-000000000003', 'new-3', 'test.old', 'succeeded', now(), now())`,
    );
    await ds.query(
      `INSERT INTO platform.outbox (id, topic, payload, created_at, published_at)
       VALUES ('00000000-0000-4000-8000-0000000000a1', 'thing.happened', '{}', ${old}, ${old}),
              ('00000000-0000-4000-8000-0000000000a2', 'thing.happened', '{}', ${old}, NULL)`,
    );
    // Tables of other parts of the platform: housekeeping must work whether or not they exist yet.
    for (const table of ['idempotency_keys', 'refresh_tokens']) {
      const [{ present }] = await ds.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [`platform.${table}`]);
      if (!present) {
        await ds.query(`CREATE TABLE platform.${table} (id serial PRIMARY KEY, expires_at timestamptz NOT NULL)`);
        await ds.query(`INSERT INTO platform.${table} (expires_at) VALUES (now() - interval '1 hour'), (now() + interval '1 hour')`);
      }
    }

    const first = await succeeded((await enqueue(b, HousekeepingJob, {})).id);
    const result = first.result as HousekeepingResult;
    expect(result.jobRecords).toBe(2);
    expect(result.outboxRows).toBe(1);
    // Each module's task runs too, and says what it removed.
    expect(result.modules).toEqual({ 'contacts.nameWords': expect.any(Number) });
    const remaining = await ds.query(`SELECT id FROM platform.jobs WHERE type = 'test.old'`);
    expect(remaining).toEqual([{ id: '00000000-0000-4000-8000-000000000003' }]);
    const unpublished = await ds.query(`SELECT id FROM platform.outbox WHERE id = '00000000-0000-4000-8000-0000000000a2'`);
    expect(unpublished).toHaveLength(1);
    for (const table of ['idempotency_keys', 'refresh_tokens']) {
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM platform.${table} WHERE expires_at < now()`);
      expect(n).toBe(0);
    }

    const second = await succeeded((await enqueue(b, HousekeepingJob, {})).id);
    expect(second.result).toMatchObject({ idempotencyKeys: 0, refreshTokens: 0, jobRecords: 0, outboxRows: 0, modules: { 'contacts.nameWords': 0 } });
  });

  it('lets an active job finish when a worker shuts down, and leaves nothing locked', async () => {
    // Enqueue through the app started last: @Transactional resolves one TransactionHost per process.
    const c = apps.get('C') as NestFastifyApplication;
    const job = await enqueue(c, SlowJob, { key: 'graceful' });
    const runner = await waitFor(async () => ['B', 'C'].find((tag) => apps.get(tag)?.get(SlowHandler).started.includes('graceful')), 'a worker to start the job');
    const other = runner === 'B' ? 'C' : 'B';
    const slow = apps.get(runner)?.get(SlowHandler) as SlowHandler;
    await stop(runner);
    expect(slow.finished).toContain('graceful');
    const survivor = apps.get(other) as NestFastifyApplication;
    ds = survivor.get(DataSource);
    expect((await record(job.id))?.status).toBe('succeeded');
    // Completed in BullMQ too (not left active with a lock that another worker would have to wait out).
    expect(await survivor.get<Queue>(getQueueToken(QUEUE_NAME)).getJobState(job.id)).toBe('completed');
  });
});
