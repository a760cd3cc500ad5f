import { createTestApp, TestApp } from '../support/app';
import { asAdmin } from '../support/auth';
import { FAST_JOBS_ENV, waitFor } from '../queue/support';
import { Auth, createContact, teamMember, TeamMember } from '../contacts-activities/support';

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

interface Notification {
  id: string;
  recordId: string;
  title: string;
  body: string | null;
}

/**
 * Erasure reaches the copies of the person outside the records themselves: notifications that
 * quote their activities, the answers kept for Idempotency-Key replays; mentions are replaced
 * whole (emails that hold a name); and a second erasure leaves the history of the first alone.
 */
describe('personal data erasure: copies, mentions, repeated erasure', () => {
  jest.setTimeout(90_000);

  let t: TestApp;
  let admin: Auth;
  let north: TeamMember;
  let other: TeamMember;

  const erase = async (id: string) => (await t.http().post(`/api/v1/contacts/${id}/erase`).set(north.auth).expect(200)).body;
  const notificationsOf = async (auth: Auth) => (await t.http().get('/api/v1/notifications').query({ limit: 200 }).set(auth).expect(200)).body.data as Notification[];
  const notified = (auth: Auth, recordId: string, count = 1) =>
    waitFor(async () => {
      const found = (await notificationsOf(auth)).filter((n) => n.recordId === recordId);
      return found.length >= count && found;
    }, `a notification about ${recordId}`);
  const historyOf = async (ids: string[]): Promise<{ action: string; changes: Record<string, { from: unknown; to: unknown }> | null }[]> =>
    t.dataSource.query(`SELECT action, changes FROM platform.audit_log WHERE record_id = ANY($1::uuid[]) ORDER BY occurred_at, id`, [ids]);

  beforeAll(async () => {
    t = await createTestApp({ worker: true, env: FAST_JOBS_ENV });
    admin = await asAdmin(t);
    north = await teamMember(t, 'North');
    other = await teamMember(t, 'North');
  });
  afterAll(() => t?.close());

  it('blanks the reminder notifications of the person\'s own tasks, any user\'s, and redacts those of shared tasks', async () => {
    const PERSON = /petra|p[eē]tersone|petra@p\.test/i;
    const p1 = await createContact(t, north.auth, { firstName: 'Petra', lastName: 'Pētersone', emails: [{ email: 'petra@p.test' }] });
    const otto = await createContact(t, north.auth, { firstName: 'Otto', lastName: 'Ozols' });
    const task = async (body: object) =>
      (await t.http().post('/api/v1/activities').set(north.auth).send({ type: 'task', ...body }).expect(201)).body as { id: string; remindAt: string };

    const sole = await task({ subject: 'Call Petra Pētersone back', remindAt: inMs(300), assigneeId: other.user.id, contactIds: [p1] });
    const shared = await task({ subject: 'Call Petra and Otto', remindAt: inMs(300), contactIds: [p1, otto] });
    const [first] = await notified(other.auth, sole.id);
    expect(first).toMatchObject({ title: 'Reminder: Call Petra Pētersone back', body: expect.stringContaining('"Call Petra Pētersone back"') });
    expect((await notified(north.auth, shared.id))[0].title).toBe('Reminder: Call Petra and Otto');
    // The task handed over and reminded again: its owner has a notification about it too.
    await t.http().patch(`/api/v1/activities/${sole.id}`).set(north.auth).send({ assigneeId: null, remindAt: inMs(300) }).expect(200);
    await notified(north.auth, sole.id);

    await erase(p1);

    const others = (await notificationsOf(other.auth)).filter((n) => n.recordId === sole.id);
    expect(others).toEqual([expect.objectContaining({ id: first.id, title: '[erased]', body: '[erased]' })]);
    const mine = await notificationsOf(north.auth);
    expect(mine.filter((n) => n.recordId === sole.id)).toEqual([expect.objectContaining({ title: '[erased]', body: '[erased]' })]);
    const sharedNote = mine.find((n) => n.recordId === shared.id);
    expect(sharedNote?.title).toBe('Reminder: Call [erased] and Otto');
    expect(sharedNote?.body).toContain('"Call [erased] and Otto"');

    const stored = await t.dataSource.query(`SELECT title, body FROM platform.notifications WHERE record_id = ANY($1::uuid[])`, [[sole.id, shared.id]]);
    expect(stored).toHaveLength(3);
    expect(JSON.stringify(stored)).not.toMatch(PERSON);
  });

  it('replaces each email of the person whole, though it holds their name, in the record and in its history', async () => {
    const zoe = await createContact(t, north.auth, { firstName: 'Zoe', lastName: 'Zed', emails: [{ email: 'zoe@z.test' }, { email: 'zoe@zed.test' }] });
    const olga = await createContact(t, north.auth, { firstName: 'Olga', lastName: 'Ore' });
    const note = (
      await t.http().post('/api/v1/activities').set(north.auth).send({ type: 'note', subject: 'Mail', body: 'mail zoe@z.test end', contactIds: [zoe, olga] }).expect(201)
    ).body.id as string;
    await t.http().patch(`/api/v1/activities/${note}`).set(north.auth).send({ body: 'mail zoe@z.test or ZOE@zed.test, Olga' }).expect(200);

    await erase(zoe);

    expect((await t.http().get(`/api/v1/activities/${note}`).set(north.auth).expect(200)).body.body).toBe('mail [erased] or [erased], Olga');
    const history = await historyOf([note]);
    expect(JSON.stringify(history)).not.toMatch(/zoe|@z\.test|zed/i);
    expect(history.find((h) => h.action === 'create')?.changes?.body).toEqual({ from: null, to: 'mail [erased] end' });
    expect(history.find((h) => h.action === 'update' && h.changes?.body)?.changes?.body).toEqual({ from: 'mail [erased] end', to: 'mail [erased] or [erased], Olga' });
  });

  it('erased twice: the first erasure\'s entry, and the ids and times of the history, stay as they were', async () => {
    const r = await createContact(t, north.auth, { firstName: 'Rita', lastName: 'Repeat', emails: [{ email: 'rita@r.test' }] });
    const task = (await t.http().post('/api/v1/activities').set(north.auth).send({ type: 'task', subject: 'Ask Rita', dueAt: '2026-05-01T10:00:00.000Z', contactIds: [r] }).expect(201))
      .body.id as string;
    const first = await erase(r);
    const audit = async () =>
      (await t.http().get('/api/v1/audit').query({ 'filter[recordId][eq]': r, sort: 'occurredAt', limit: 200 }).set(admin).expect(200)).body.data as {
        action: string;
        changes: Record<string, { from: unknown; to: unknown }> | null;
      }[];
    const once = await audit();
    const second = await erase(r);
    expect(second).toMatchObject({ contactId: r, activities: 1 });
    const twice = await audit();

    const erasures = twice.filter((a) => a.action === 'erase');
    expect(erasures).toHaveLength(2);
    expect(erasures[0].changes).toEqual(once.find((a) => a.action === 'erase')?.changes);
    expect(erasures[0].changes).toEqual({ erasure: { from: null, to: expect.objectContaining({ activities: first.activities, auditEntries: first.auditEntries }) } });
    expect(twice.filter((a) => a.action !== 'erase')).toEqual(once.filter((a) => a.action !== 'erase'));

    const created = twice.find((a) => a.action === 'create')?.changes ?? {};
    expect(created.id).toEqual({ from: null, to: r });
    expect(created.createdAt?.to).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(created.firstName).toEqual({ from: null, to: '[erased]' });
    expect(JSON.stringify(twice)).not.toMatch(/rita|repeat|r\.test/i);

    // The activity's history keeps its id and its times; its text goes (an empty value says nothing and stays empty).
    const taskCreated = (await historyOf([task])).find((h) => h.action === 'create')?.changes ?? {};
    expect(taskCreated).toMatchObject({
      id: { from: null, to: task },
      dueAt: { from: null, to: '2026-05-01T10:00:00.000Z' },
      subject: { from: null, to: '[erased]' },
      emailTo: { from: null, to: [] },
    });
  });

  it('forgets the answers kept for Idempotency-Key replays that hold the person; a retry under the key gets 409, not a second record', async () => {
    const PERSON = /\bida\b|\bidem\b|ida@i\.test|20009988/i;
    const body = { firstName: 'Ida', lastName: 'Idem', emails: [{ email: 'ida@i.test' }], phones: [{ number: '+37120009988' }] };
    const key = `erase-${Date.now()}`;
    const create = (k: string, b: object) => t.http().post('/api/v1/contacts').query({ skipDuplicateCheck: 'true' }).set(north.auth).set('Idempotency-Key', k).send(b);
    const ida = (await create(key, body).expect(201)).body.id as string;
    // Replayed before the erasure, as the contract says.
    const replay = await create(key, body).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(ida);
    const noteKey = `${key}-note`;
    const noteBody = { type: 'note', subject: 'Met Ida', body: 'Ida Idem: ida@i.test', contactIds: [ida] };
    const note = (await t.http().post('/api/v1/activities').set(north.auth).set('Idempotency-Key', noteKey).send(noteBody).expect(201)).body.id as string;
    // Someone else's answer stays replayable.
    const otherKey = `${key}-other`;
    const otherBody = { firstName: 'Kept', lastName: 'Answer' };
    const kept = (await create(otherKey, otherBody).expect(201)).body.id as string;

    const [{ count: before }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM contacts.contacts`);
    await erase(ida);

    for (const [k, b, path] of [
      [key, body, '/api/v1/contacts'],
      [noteKey, noteBody, '/api/v1/activities'],
    ] as const) {
      const res = await (path === '/api/v1/contacts' ? create(k, b) : t.http().post(path).set(north.auth).set('Idempotency-Key', k).send(b)).expect(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ type: 'urn:crm:problem:idempotency-key-erased', status: 409, code: 'IDEMPOTENCY_KEY_ERASED', instance: path });
      expect(JSON.stringify(res.body)).not.toContain(ida);
      expect(JSON.stringify(res.body)).not.toContain(note);
      expect(JSON.stringify(res.body)).not.toMatch(PERSON);
      expect(res.headers.location).toBeUndefined();
    }
    // The key is still taken: another request under it is a 422, as before.
    await create(key, { ...body, firstName: 'Ada' }).expect(422);
    const [{ count: after }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM contacts.contacts`);
    expect(after).toBe(before);

    const keptReplay = await create(otherKey, otherBody).expect(201);
    expect(keptReplay.body.id).toBe(kept);
    expect(keptReplay.headers['idempotent-replayed']).toBe('true');

    const stored = await t.dataSource.query(`SELECT response_headers, response_body FROM platform.idempotency_keys WHERE key = ANY($1::text[])`, [[key, noteKey]]);
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored)).not.toMatch(PERSON);
    expect(JSON.stringify(stored)).not.toContain(ida);
  });
});
