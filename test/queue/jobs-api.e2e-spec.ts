import { ClsService } from 'nestjs-cls';
import { JobRecordEntity } from '../../src/platform/queue/job-record.entity';
import { EnqueueOptions, OutboxService } from '../../src/platform/queue/outbox.service';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin, loginAs, seedUser } from '../support/auth';
import { EffectJob, EFFECTS_DDL, FAST_JOBS_ENV, FlakyJob, TestJobsModule, waitFor } from './support';

describe('GET /api/v1/jobs, GET /api/v1/jobs/{id}, POST /api/v1/jobs/{id}/retry', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let sales: { Authorization: string };
  let readonly: { Authorization: string };
  let salesId: string;
  let manager: { Authorization: string };
  let teamJob: JobRecordEntity;
  let own: JobRecordEntity;
  let failed: JobRecordEntity;
  let system: JobRecordEntity;

  const enqueue = <P extends Record<string, string | number>>(job: Parameters<OutboxService['enqueue']>[0], payload: P, opts?: EnqueueOptions) =>
    t.app.get(ClsService).run(() => t.app.get(OutboxService).enqueue(job, payload as never, opts));
  const settled = (id: string) =>
    waitFor(async () => {
      const r = await t.dataSource.getRepository(JobRecordEntity).findOneBy({ id });
      return r && ['succeeded', 'failed'].includes(r.status) ? r : null;
    }, `job ${id}`);

  beforeAll(async () => {
    t = await createTestApp({ worker: true, imports: [TestJobsModule], env: FAST_JOBS_ENV });
    await t.dataSource.query(EFFECTS_DDL);
    admin = await asAdmin(t);
    const rep = await seedUser(t, { role: 'sales' });
    salesId = rep.id;
    sales = await loginAs(t, rep);
    readonly = await loginAs(t, await seedUser(t, { role: 'readonly' }));
    const lead = await seedUser(t, { role: 'manager', teams: ['North'] });
    manager = await loginAs(t, lead);
    own = await enqueue(EffectJob, { key: 'own' }, { ownerId: salesId });
    system = await enqueue(EffectJob, { key: 'system' });
    failed = await enqueue(FlakyJob, { key: 'api-doomed', succeedOn: 0 });
    teamJob = await enqueue(EffectJob, { key: 'team' }, { teamId: lead.teamIds[0] });
    await Promise.all([own, system, failed, teamJob].map((j) => settled(j.id)));
  });

  afterAll(async () => {
    await t.close();
  });

  it('serves one job with its status, progress, result and times', async () => {
    const res = await t.http().get(`/api/v1/jobs/${own.id}`).set(admin).expect(200);
    expect(res.body).toEqual({
      id: own.id,
      type: 'test.effect',
      status: 'succeeded',
      progress: { done: 0, total: null },
      result: { written: true },
      error: null,
      attempts: 1,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      finishedAt: expect.stringMatching(/Z$/),
    });
    const bad = await t.http().get(`/api/v1/jobs/${failed.id}`).set(admin).expect(200);
    expect(bad.body).toMatchObject({ status: 'failed', attempts: 3, progress: { done: 3, total: 3 } });
    expect(bad.body.error).not.toMatch(/ECONNREFUSED|5432/);
  });

  it('lists jobs newest first with cursor pages and filters', async () => {
    // Only this file's jobs: a worker also runs the box's schedules (the reminder sweep ticks at start).
    const mine = { 'filter[type][startsWith]': 'test.' };
    const all = await t.http().get('/api/v1/jobs').query(mine).set(admin).expect(200);
    expect(all.body.data.map((j: { id: string }) => j.id)).toEqual([teamJob.id, failed.id, system.id, own.id]);
    expect(all.body.page).toEqual({ nextCursor: null, hasMore: false });

    const first = await t.http().get('/api/v1/jobs').query({ ...mine, limit: 3 }).set(admin).expect(200);
    expect(first.body.page.hasMore).toBe(true);
    const second = await t.http().get('/api/v1/jobs').query({ ...mine, limit: 3, cursor: first.body.page.nextCursor }).set(admin).expect(200);
    expect(second.body.page).toEqual({ nextCursor: null, hasMore: false });
    expect([...first.body.data, ...second.body.data].map((j: { id: string }) => j.id)).toEqual([teamJob.id, failed.id, system.id, own.id]);

    const byStatus = await t.http().get('/api/v1/jobs?filter[status][eq]=failed').set(admin).expect(200);
    expect(byStatus.body.data.map((j: { id: string }) => j.id)).toEqual([failed.id]);
    const byType = await t.http().get('/api/v1/jobs?filter[type][eq]=test.effect').set(admin).expect(200);
    expect(byType.body.data).toHaveLength(3);
    const wrong = await t.http().get('/api/v1/jobs?filter[status][eq]=exploded').set(admin).expect(400);
    expect(wrong.headers['content-type']).toMatch(/application\/problem\+json/);
    await t.http().get('/api/v1/jobs?filter[payload][eq]=x').set(admin).expect(400);
  });

  it('shows a user with `own` scope only the jobs they started', async () => {
    const list = await t.http().get('/api/v1/jobs').set(sales).expect(200);
    expect(list.body.data.map((j: { id: string }) => j.id)).toEqual([own.id]);
    await t.http().get(`/api/v1/jobs/${own.id}`).set(sales).expect(200);
    await t.http().get(`/api/v1/jobs/${system.id}`).set(sales).expect(404);
  });

  it('shows a user with `team` scope the jobs started for their teams', async () => {
    const list = await t.http().get('/api/v1/jobs').set(manager).expect(200);
    expect(list.body.data.map((j: { id: string }) => j.id)).toEqual([teamJob.id]);
    await t.http().get(`/api/v1/jobs/${teamJob.id}`).set(manager).expect(200);
    await t.http().get(`/api/v1/jobs/${own.id}`).set(manager).expect(404);
  });

  it('answers 401 without credentials, 403 without the jobs permission, 404 and 400 for bad ids', async () => {
    await t.http().get('/api/v1/jobs').expect(401);
    await t.http().get('/api/v1/jobs').set(readonly).expect(403);
    await t.http().get('/api/v1/jobs/0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11').set(admin).expect(404);
    await t.http().get('/api/v1/jobs/not-a-uuid').set(admin).expect(400);
  });

  it('lets an admin retry a failed job (202), and only a failed one (409)', async () => {
    await t.http().post(`/api/v1/jobs/${failed.id}/retry`).set(sales).expect(403);
    await t.http().post(`/api/v1/jobs/${own.id}/retry`).set(admin).expect(409);
    const res = await t.http().post(`/api/v1/jobs/${failed.id}/retry`).set(admin).expect(202);
    expect(res.body).toMatchObject({ id: failed.id, status: 'queued', error: null, finishedAt: null });
    const again = await settled(failed.id);
    expect(again.status).toBe('failed');
  });
});
