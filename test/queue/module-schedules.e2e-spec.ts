import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/platform/config/config';
import { defineJob, JobContext, JobHandler, OnJob } from '../../src/platform/queue/job-definition';
import { JobRegistryError } from '../../src/platform/queue/job-registry';
import { QueueModule } from '../../src/platform/queue/queue.module';
import { QUEUE_NAME } from '../../src/platform/queue/queue.constants';
import { defineSchedule } from '../../src/platform/queue/schedules';
import { cloneDatabase, dropDatabase, testConfig } from '../support/app';
import { bootApp, EFFECTS_DDL, FAST_JOBS_ENV, TestJobsModule, waitFor } from './support';

/** A job that only a module's schedule runs, and a module that declares both. */
const PulseJob = defineJob<{ source: string }>('test.pulse');

@Injectable()
@OnJob(PulseJob)
class PulseHandler implements JobHandler<{ source: string }> {
  /** Which app ran a tick (set per app by the test). */
  worker = 'default';
  constructor(private readonly dataSource: DataSource) {}

  async handle(payload: { source: string }, ctx: JobContext): Promise<null> {
    await this.dataSource.query(`INSERT INTO public.test_ticks (job, worker) VALUES ($1, $2)`, [ctx.jobId, `${this.worker}:${payload.source}`]);
    return null;
  }
}

@Module({
  imports: [QueueModule.forFeature([PulseJob], { schedules: [defineSchedule(PulseJob, { every: 200 }, { payload: { source: 'schedule' } })] })],
  providers: [PulseHandler],
})
class PulseModule {}

/** A module whose schedule runs a job that no module registers: the box must refuse to start. */
const OrphanJob = defineJob<Record<string, never>>('test.orphan');
@Module({ imports: [QueueModule.forFeature([], { schedules: [defineSchedule(OrphanJob, { pattern: '0 3 * * *' })] })] })
class OrphanScheduleModule {}

describe('Schedules declared by modules', () => {
  let databaseName: string;
  let config: AppConfig;
  const apps: NestFastifyApplication[] = [];
  let ds: DataSource;
  let queue: Queue;

  async function start(tag: string, extra: unknown[] = [PulseModule]): Promise<NestFastifyApplication> {
    const app = await bootApp(config, extra);
    apps.push(app);
    if (extra.includes(PulseModule)) app.get(PulseHandler, { strict: false }).worker = tag;
    return app;
  }

  beforeAll(async () => {
    databaseName = await cloneDatabase();
    config = testConfig(databaseName, { worker: true, env: { ...FAST_JOBS_ENV, TIMEZONE: 'Europe/Riga' } });
    const a = await start('A');
    ds = a.get(DataSource);
    queue = a.get<Queue>(getQueueToken(QUEUE_NAME));
    await ds.query(EFFECTS_DDL);
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true });
    for (const app of apps.splice(0)) await app.close();
    await dropDatabase(databaseName);
  });

  it('upserts the schedules modules declare alongside the platform ones, with the configured time zone', async () => {
    expect(await queue.getJobScheduler('test.pulse')).toMatchObject({ name: 'test.pulse', every: 200 });
    expect(await queue.getJobScheduler('contacts.reminder-sweep')).toMatchObject({ name: 'contacts.reminder-sweep', every: 300_000 });
    expect(await queue.getJobScheduler('platform.housekeeping')).toMatchObject({ pattern: config.jobs.housekeepingCron, tz: 'Europe/Riga' });
  });

  it('runs a module schedule once per tick with two workers', async () => {
    await start('B');
    // Both workers upserted the same scheduler: still one.
    expect((await queue.getJobSchedulers()).filter((s) => s.key === 'test.pulse')).toHaveLength(1);
    await waitFor(async () => {
      const [{ n, workers }] = await ds.query(`SELECT count(*)::int AS n, count(DISTINCT worker)::int AS workers FROM public.test_ticks`);
      return n >= 8 && workers === 2;
    }, 'ticks run by both workers');

    const runs: { job: string; runs: number }[] = await ds.query(`SELECT job, count(*)::int AS runs FROM public.test_ticks GROUP BY job`);
    expect(runs.filter((r) => r.runs !== 1)).toEqual([]);
    const payloads: { worker: string }[] = await ds.query(`SELECT DISTINCT worker FROM public.test_ticks ORDER BY worker`);
    expect(payloads).toEqual([{ worker: 'A:schedule' }, { worker: 'B:schedule' }]);
  });

  it('removes a module schedule once no module declares it', async () => {
    for (const app of apps.splice(0)) await app.close();
    const c = await start('C', [TestJobsModule]);
    queue = c.get<Queue>(getQueueToken(QUEUE_NAME));
    ds = c.get(DataSource);
    expect(await queue.getJobScheduler('test.pulse')).toBeFalsy();
    expect(await queue.getJobScheduler('contacts.reminder-sweep')).toBeTruthy();
  });

  it('refuses to start when a schedule runs a job without a handler', async () => {
    const error = await bootApp(config, [OrphanScheduleModule]).then(
      (app) => {
        apps.push(app);
        return null;
      },
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(JobRegistryError);
    expect((error as Error).message).toContain('schedule "test.orphan" runs job "test.orphan", which is not registered with a handler');
  });
});
