import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { jobIdForKey } from '../../src/platform/queue/outbox.service';
import { QUEUE_NAME } from '../../src/platform/queue/queue.constants';
import { createTestApp, dropDatabase, TestApp, testConfig } from '../support/app';
import { bootApp, FAST_JOBS_ENV, sleep, waitFor } from '../queue/support';
import { Auth, createContact, teamMember, TeamMember } from './support';

const REMINDER = 'contacts.task-reminder';
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

interface JobRow {
  status: string;
  result: { sent: boolean; reason?: string } | null;
}

async function jobOf(ds: DataSource, key: string): Promise<JobRow | undefined> {
  const rows: JobRow[] = await ds.query(`SELECT status, result FROM platform.jobs WHERE id = $1`, [jobIdForKey(REMINDER, key)]);
  return rows[0];
}

const finished = (ds: DataSource, key: string) => waitFor(async () => ((await jobOf(ds, key))?.status === 'succeeded' ? jobOf(ds, key) : undefined), `reminder job ${key}`);

async function mails(dataDir: string): Promise<string[]> {
  const dir = path.join(dataDir, 'outbox');
  const files = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(files.filter((f) => f.endsWith('.eml')).map((f) => readFile(path.join(dir, f), 'utf8')));
}

describe('task reminders and notifications', () => {
  // Booting the box (and a worker) takes seconds on a busy 2-core machine.
  jest.setTimeout(60_000);

  let t: TestApp;
  let north: TeamMember;
  let other: TeamMember;
  let contactId: string;

  beforeAll(async () => {
    t = await createTestApp({ worker: true, env: FAST_JOBS_ENV });
    north = await teamMember(t, 'North');
    other = await teamMember(t, 'North');
    contactId = await createContact(t, north.auth);
  }, 60_000);
  afterAll(() => t?.close());

  const task = async (auth: Auth, body: object) =>
    (await t.http().post('/api/v1/activities').set(auth).send({ type: 'task', contactIds: [contactId], ...body }).expect(201)).body as {
      id: string;
      remindAt: string;
      version: number;
      assigneeId: string | null;
    };
  const notificationsOf = async (auth: Auth, query: Record<string, string> = {}) =>
    (await t.http().get('/api/v1/notifications').query(query).set(auth).expect(200)).body.data as { id: string; recordId: string; title: string; read: boolean }[];

  it('notifies the assignee once, by notification and email, even when the job runs again', async () => {
    const created = await task(north.auth, { subject: 'Call Ann back', remindAt: inMs(1200), assigneeId: other.user.id });
    const key = `${created.id}:${created.remindAt}:v1`;
    expect(await finished(t.dataSource, key)).toMatchObject({ result: { sent: true } });

    const mine = await waitFor(async () => (await notificationsOf(other.auth)).filter((n) => n.recordId === created.id).length > 0 && notificationsOf(other.auth), 'the notification');
    expect(mine.filter((n) => n.recordId === created.id)).toEqual([expect.objectContaining({ title: 'Reminder: Call Ann back', read: false })]);
    const got = await t.http().get(`/api/v1/activities/${created.id}`).set(north.auth).expect(200);
    expect(got.body.reminderSentAt).not.toBeNull();

    const mail = await waitFor(async () => (await mails(t.config.dataDir)).find((m) => m.includes('Call Ann back')), 'the reminder email');
    expect(mail).toContain(other.user.email);

    // A duplicate of the job (a replay, a stalled retry) finds the reminder claimed.
    const queue = t.app.get<Queue>(getQueueToken(QUEUE_NAME));
    const dupKey = `${key}:duplicate`;
    await queue.add(REMINDER, { activityId: created.id, remindAt: created.remindAt }, { jobId: jobIdForKey(REMINDER, dupKey) });
    expect(await finished(t.dataSource, dupKey)).toMatchObject({ result: { sent: false } });
    await sleep(300);
    expect((await notificationsOf(other.auth)).filter((n) => n.recordId === created.id)).toHaveLength(1);
    expect((await mails(t.config.dataDir)).filter((m) => m.includes('Call Ann back'))).toHaveLength(1);

    // The email job run again (a crash between the send and the job's success) sends a copy
    // with the same Message-ID, which mail clients collapse; the .eml fallback keeps one file.
    const notificationId = mine.find((n) => n.recordId === created.id)?.id as string;
    expect(mail).toContain(`Message-ID: <notification.${notificationId}@`);
    const again = await queue.add('contacts.reminder-email', { notificationId }, { jobId: jobIdForKey('contacts.reminder-email', `${notificationId}:again`) });
    await waitFor(async () => (await again.getState()) === 'completed' || undefined, 'the repeated email job');
    const copies = (await mails(t.config.dataDir)).filter((m) => m.includes('Call Ann back'));
    expect(copies).toHaveLength(1);
    expect(copies[0]).toContain(`Message-ID: <notification.${notificationId}@`);
  });

  it('reschedules when remindAt moves: the old time does nothing, the new one fires once', async () => {
    // Far enough ahead that the PATCH lands first even on a loaded machine.
    const created = await task(north.auth, { subject: 'Moved reminder', remindAt: inMs(1500) });
    const moved = await t.http().patch(`/api/v1/activities/${created.id}`).set(north.auth).send({ remindAt: inMs(2500) }).expect(200);
    expect(await finished(t.dataSource, `${created.id}:${created.remindAt}:v1`)).toMatchObject({ result: { sent: false, reason: 'not-due' } });
    expect((await notificationsOf(north.auth)).filter((n) => n.recordId === created.id)).toHaveLength(0);
    expect(await finished(t.dataSource, `${created.id}:${moved.body.remindAt}:v2`)).toMatchObject({ result: { sent: true } });
    expect((await notificationsOf(north.auth)).filter((n) => n.recordId === created.id)).toHaveLength(1);
  });

  it('reminds again when a sent reminder is moved to a new time', async () => {
    const created = await task(north.auth, { subject: 'Remind twice', remindAt: inMs(300) });
    await finished(t.dataSource, `${created.id}:${created.remindAt}:v1`);
    const moved = await t.http().patch(`/api/v1/activities/${created.id}`).set(north.auth).send({ remindAt: inMs(400) }).expect(200);
    expect(moved.body.reminderSentAt).toBeNull();
    expect(await finished(t.dataSource, `${created.id}:${moved.body.remindAt}:v2`)).toMatchObject({ result: { sent: true } });
    expect((await notificationsOf(north.auth)).filter((n) => n.recordId === created.id)).toHaveLength(2);
  });

  it.each([
    ['completing', (id: string) => t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ status: 'done' }).expect(200)],
    ['cancelling', (id: string) => t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ status: 'cancelled' }).expect(200)],
    ['clearing remindAt', (id: string) => t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ remindAt: null }).expect(200)],
    ['deleting', (id: string) => t.http().delete(`/api/v1/activities/${id}`).set(north.auth).expect(200)],
  ])('%s the task cancels its reminder', async (_, change) => {
    const created = await task(north.auth, { subject: 'Cancelled reminder', remindAt: inMs(1500) });
    await change(created.id);
    expect(await finished(t.dataSource, `${created.id}:${created.remindAt}:v1`)).toMatchObject({ result: { sent: false } });
    expect((await notificationsOf(north.auth)).filter((n) => n.recordId === created.id)).toHaveLength(0);
  });

  it('tells an assignee nothing about a task they may no longer open when the reminder falls due', async () => {
    const leaver = await teamMember(t, 'North');
    const created = await task(north.auth, { subject: 'Left the team', remindAt: inMs(1500), assigneeId: leaver.user.id });
    // The assignee leaves the North team before the reminder is due: the task is out of their scope now.
    await t.dataSource.query(`DELETE FROM platform.team_members WHERE user_id = $1`, [leaver.user.id]);
    expect(await finished(t.dataSource, `${created.id}:${created.remindAt}:v1`)).toMatchObject({ result: { sent: false, reason: 'assignee-cannot-see-task' } });
    expect((await notificationsOf(leaver.auth)).filter((n) => n.recordId === created.id)).toHaveLength(0);
  });

  it('reminds the owner of an unassigned task, by notification and email', async () => {
    const created = await task(north.auth, { subject: 'Nobody assigned', remindAt: inMs(1200), assigneeId: null });
    expect(created).toMatchObject({ assigneeId: null });
    const job = (await finished(t.dataSource, `${created.id}:${created.remindAt}:v1`)) as { result: { sent: boolean; notificationId?: string | null } };
    expect(job.result).toMatchObject({ sent: true, notificationId: expect.any(String) });
    const mine = (await notificationsOf(north.auth)).filter((n) => n.recordId === created.id);
    expect(mine).toEqual([expect.objectContaining({ id: job.result.notificationId, title: 'Reminder: Nobody assigned' })]);
    const mail = await waitFor(async () => (await mails(t.config.dataDir)).find((m) => m.includes('Nobody assigned')), 'the reminder email');
    expect(mail).toContain(north.user.email);
  });

  it('tells the owner of an unassigned task nothing once they may no longer open it', async () => {
    const owner = await teamMember(t, 'North');
    const created = await task(owner.auth, { subject: 'Owner lost access', remindAt: inMs(1500), assigneeId: null });
    // The owner is disabled before the reminder is due.
    await t.dataSource.query(`UPDATE platform.users SET status = 'disabled' WHERE id = $1`, [owner.user.id]);
    expect(await finished(t.dataSource, `${created.id}:${created.remindAt}:v1`)).toMatchObject({ result: { sent: false, reason: 'owner-cannot-see-task' } });
    const count: { n: number }[] = await t.dataSource.query(`SELECT count(*)::int AS n FROM platform.notifications WHERE record_id = $1`, [created.id]);
    expect(count[0].n).toBe(0);
  });

  it('lists only the caller\'s own notifications, and marks them read', async () => {
    const created = await task(north.auth, { subject: 'Mine only', remindAt: inMs(300) });
    await finished(t.dataSource, `${created.id}:${created.remindAt}:v1`);
    const [mine] = (await notificationsOf(north.auth)).filter((n) => n.recordId === created.id);
    expect(mine).toBeDefined();
    expect((await notificationsOf(other.auth)).map((n) => n.id)).not.toContain(mine.id);
    await t.http().get(`/api/v1/notifications/${mine.id}`).set(other.auth).expect(404);
    await t.http().post(`/api/v1/notifications/${mine.id}/read`).set(other.auth).expect(404);

    expect((await notificationsOf(north.auth, { 'filter[readAt][isNull]': 'true' })).map((n) => n.id)).toContain(mine.id);
    const read = await t.http().post(`/api/v1/notifications/${mine.id}/read`).set(north.auth).expect(200);
    expect(read.body).toMatchObject({ id: mine.id, read: true });
    expect((await notificationsOf(north.auth, { 'filter[readAt][isNull]': 'true' })).map((n) => n.id)).not.toContain(mine.id);
    const unread = await t.http().patch(`/api/v1/notifications/${mine.id}`).set(north.auth).send({ read: false }).expect(200);
    expect(unread.body).toMatchObject({ read: false, readAt: null });
    await t.http().patch(`/api/v1/notifications/${mine.id}`).set(north.auth).send({ read: 'yes' }).expect(400);
    await t.http().get('/api/v1/notifications').query({ 'filter[userId][eq]': other.user.id }).set(north.auth).expect(400);
    await t.http().get('/api/v1/notifications').expect(401);
  });
});

describe('a reminder due while no worker runs', () => {
  it('is sent once when a worker comes back', async () => {
    const api = await createTestApp({ env: FAST_JOBS_ENV });
    let worker: NestFastifyApplication | undefined;
    try {
      const rep = await teamMember(api, 'North');
      const contactId = await createContact(api, rep.auth);
      const res = await api.http().post('/api/v1/activities').set(rep.auth).send({ type: 'task', subject: 'While down', remindAt: inMs(300), contactIds: [contactId] }).expect(201);
      await sleep(800);
      const count = async (ds: DataSource) => (await ds.query(`SELECT count(*)::int AS n FROM platform.notifications WHERE record_id = $1`, [res.body.id]))[0].n as number;
      expect(await count(api.dataSource)).toBe(0);
      await api.app.close();

      // The relay publishes the pending job and the start-up sweep re-queues the overdue reminder: two jobs, one reminder.
      worker = await bootApp(testConfig(api.databaseName, { worker: true, env: FAST_JOBS_ENV }), []);
      const ds = worker.get(DataSource);
      await waitFor(async () => (await count(ds)) > 0, 'the late reminder');
      await waitFor(async () => {
        const rows: { status: string }[] = await ds.query(`SELECT status FROM platform.jobs WHERE type = $1`, [REMINDER]);
        return rows.length >= 2 && rows.every((r) => r.status === 'succeeded');
      }, 'both reminder jobs');
      expect(await count(ds)).toBe(1);
    } finally {
      await worker?.close();
      await dropDatabase(api.databaseName);
    }
  }, 45_000);
});
