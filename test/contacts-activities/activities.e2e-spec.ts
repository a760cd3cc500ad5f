import { createTestApp, TestApp } from '../support/app';
import { asAdmin, loginAs, seedUser } from '../support/auth';
import { Auth, createCompany, createContact, teamMember, TeamMember } from './support';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();

describe('activities: CRUD, validation, lists and scope', () => {
  // Booting the box (and a worker) takes seconds on a busy 2-core machine.
  jest.setTimeout(60_000);

  let t: TestApp;
  let admin: Auth;
  let north: TeamMember;
  let south: TeamMember;
  let contactId: string;
  let companyId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await asAdmin(t);
    north = await teamMember(t, 'North');
    south = await teamMember(t, 'South');
    contactId = await createContact(t, north.auth);
    companyId = await createCompany(t, north.auth);
  });
  afterAll(() => t?.close());

  const post = (auth: Auth, body: object) => t.http().post('/api/v1/activities').set(auth).send(body);

  describe('create and read', () => {
    it('creates every type, with Location and ETag, and reads it back', async () => {
      const bodies = [
        { type: 'note', body: 'Met at the fair', contactIds: [contactId] },
        { type: 'call', direction: 'out', durationSeconds: 420, outcome: 'left voicemail', contactIds: [contactId], companyIds: [companyId] },
        { type: 'meeting', subject: 'Kick-off', startAt: '2026-03-01T09:00:00Z', endAt: '2026-03-01T10:00:00Z', attendees: [{ name: 'Ann', email: 'ANN@example.com' }], companyIds: [companyId] },
        { type: 'email', subject: 'Quote', body: 'Please find…', from: 'me@example.com', to: ['Ann@Example.com'], contactIds: [contactId] },
        { type: 'task', subject: 'Send the quote', dueAt: '2026-03-05T12:00:00Z', priority: 'high', contactIds: [contactId] },
      ];
      for (const body of bodies) {
        const res = await post(north.auth, body).expect(201);
        expect(res.headers.location).toBe(`/api/v1/activities/${res.body.id}`);
        expect(res.headers.etag).toBe('"1"');
        expect(res.body).toMatchObject({ type: body.type, version: 1, ownerId: north.user.id, teamId: north.user.teamIds[0], deletedAt: null });
        const got = await t.http().get(`/api/v1/activities/${res.body.id}`).set(north.auth).expect(200);
        expect(got.headers.etag).toBe('"1"');
        expect(got.body).toEqual(res.body);
      }
    });

    it('replays a retried create with the same Idempotency-Key', async () => {
      const body = { type: 'note', body: 'Retried note', contactIds: [contactId] };
      const first = await post(north.auth, body).set('Idempotency-Key', 'note-retry-1').expect(201);
      const again = await post(north.auth, body).set('Idempotency-Key', 'note-retry-1').expect(201);
      expect(again.body.id).toBe(first.body.id);
      await post(north.auth, { ...body, body: 'Another' }).set('Idempotency-Key', 'note-retry-1').expect(422);
    });

    it('fills type defaults: a task is open, normal, assigned to its creator; a meeting happens at its start', async () => {
      const task = await post(north.auth, { type: 'task', subject: 'Follow up', contactIds: [contactId] }).expect(201);
      expect(task.body).toMatchObject({ status: 'open', priority: 'normal', assigneeId: north.user.id, completedAt: null, contactIds: [contactId], companyIds: [] });
      const meeting = await post(north.auth, { type: 'meeting', startAt: '2026-04-01T08:30:00.000Z', companyIds: [companyId] }).expect(201);
      expect(meeting.body.occurredAt).toBe('2026-04-01T08:30:00.000Z');
      const email = await post(north.auth, { type: 'email', from: 'A@B.example', to: ['C@D.example'], contactIds: [contactId] }).expect(201);
      expect(email.body).toMatchObject({ from: 'a@b.example', to: ['c@d.example'] });
    });
  });

  describe('validation: 400 naming the fields, never a 5xx', () => {
    it.each([
      ['no type', { body: 'x', contactIds: [] }, ['type']],
      ['an unknown type', { type: 'fax', contactIds: [] }, ['type']],
      ['a note without body', { type: 'note', subject: 'x', contactIds: ['CONTACT'] }, ['body']],
      ['a call without direction, with a task field', { type: 'call', dueAt: '2026-03-01T00:00:00Z', contactIds: ['CONTACT'] }, ['direction', 'dueAt']],
      ['a meeting ending before it starts', { type: 'meeting', startAt: '2026-03-01T10:00:00Z', endAt: '2026-03-01T09:00:00Z', contactIds: ['CONTACT'] }, ['endAt']],
      ['an email without from and to', { type: 'email', subject: 'x', contactIds: ['CONTACT'] }, ['from', 'to']],
      ['a task without subject', { type: 'task', contactIds: ['CONTACT'] }, ['subject']],
      ['no contact or company', { type: 'note', body: 'x' }, ['contactIds']],
      ['an unknown contact', { type: 'note', body: 'x', contactIds: ['0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11'] }, ['contactIds[0]']],
      ['a bad status', { type: 'task', subject: 'x', status: 'later', contactIds: ['CONTACT'] }, ['status']],
      ['a negative duration', { type: 'call', direction: 'in', durationSeconds: -1, contactIds: ['CONTACT'] }, ['durationSeconds']],
      ['a date without a time zone', { type: 'task', subject: 'x', dueAt: 'tomorrow', contactIds: ['CONTACT'] }, ['dueAt']],
      ['a bad e-mail', { type: 'email', from: 'nope', to: ['a@b.example'], contactIds: ['CONTACT'] }, ['from']],
      ['a system field', { type: 'note', body: 'x', version: 3, contactIds: ['CONTACT'] }, ['version']],
      ['an unknown field', { type: 'note', body: 'x', colour: 'red', contactIds: ['CONTACT'] }, ['colour']],
      ['not a uuid in contactIds', { type: 'note', body: 'x', contactIds: ['abc'] }, ['contactIds']],
    ])('%s', async (_, body, fields) => {
      const payload = JSON.parse(JSON.stringify(body).replace(/CONTACT/g, contactId));
      const res = await post(north.auth, payload).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      for (const f of fields) expect(fieldsOf(res.body).join(' ')).toContain(f);
    });

    it('refuses a non-json body and a bad id without a 5xx', async () => {
      await t.http().post('/api/v1/activities').set(north.auth).set('content-type', 'application/json').send('{"type":').expect(400);
      await t.http().get('/api/v1/activities/not-a-uuid').set(north.auth).expect(400);
      await t.http().get('/api/v1/activities/0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11').set(north.auth).expect(404);
    });
  });

  describe('update, If-Match, recycle bin', () => {
    let id: string;
    beforeAll(async () => {
      id = (await post(north.auth, { type: 'task', subject: 'Prepare demo', contactIds: [contactId] }).expect(201)).body.id;
    });

    it('patches partially, bumps the version, and completes a task', async () => {
      const res = await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).set('If-Match', '"1"').send({ status: 'done' }).expect(200);
      expect(res.body).toMatchObject({ status: 'done', version: 2, subject: 'Prepare demo' });
      expect(res.body.completedAt).not.toBeNull();
      expect(res.headers.etag).toBe('"2"');
      const reopened = await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ status: 'open' }).expect(200);
      expect(reopened.body).toMatchObject({ status: 'open', completedAt: null, version: 3 });
    });

    it('answers 412 to a stale If-Match and 400 to a changed type or a field of another type', async () => {
      const stale = await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).set('If-Match', '"1"').send({ subject: 'x' }).expect(412);
      expect(stale.headers.etag).toBe('"3"');
      expect(fieldsOf((await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ type: 'note' }).expect(400)).body)).toContain('type');
      expect(fieldsOf((await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ direction: 'in' }).expect(400)).body)).toContain('direction');
      expect(fieldsOf((await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ subject: null }).expect(400)).body)).toContain('subject');
    });

    it('replaces the subjects when given', async () => {
      const res = await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ companyIds: [companyId] }).expect(200);
      expect(res.body).toMatchObject({ contactIds: [contactId], companyIds: [companyId], version: 4 });
      expect(res.headers.etag).toBe('"4"');
      const history = await t.http().get('/api/v1/audit').query({ 'filter[resource][eq]': 'activities', 'filter[recordId][eq]': id }).set(admin).expect(200);
      expect(history.body.data[0].changes).toEqual({ companyIds: { from: [], to: [companyId] } });
      const same = await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ companyIds: [companyId] }).expect(200);
      expect(same.body.version).toBe(4);
      const none = await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ contactIds: [], companyIds: [] }).expect(400);
      expect(fieldsOf(none.body)).toContain('contactIds');
    });

    it('deletes to the recycle bin and restores', async () => {
      const deleted = await t.http().delete(`/api/v1/activities/${id}`).set(north.auth).expect(200);
      expect(deleted.body.deletedAt).not.toBeNull();
      await t.http().get(`/api/v1/activities/${id}`).set(north.auth).expect(404);
      const live = await t.http().get('/api/v1/activities').query({ 'filter[contactId][eq]': contactId, limit: 200 }).set(north.auth).expect(200);
      expect(live.body.data.map((a: { id: string }) => a.id)).not.toContain(id);
      const bin = await t.http().get('/api/v1/activities').query({ 'filter[deleted][eq]': 'true' }).set(north.auth).expect(200);
      expect(bin.body.data.map((a: { id: string }) => a.id)).toContain(id);
      const restored = await t.http().post(`/api/v1/activities/${id}/restore`).set(north.auth).expect(200);
      expect(restored.body.deletedAt).toBeNull();
      await t.http().get(`/api/v1/activities/${id}`).set(north.auth).expect(200);
    });
  });

  describe('meetings: attendees and occurredAt', () => {
    const missing = '00000000-0000-0000-0000-000000000000';
    const meeting = (extra: object) => ({ type: 'meeting', startAt: '2026-05-04T09:00:00.000Z', contactIds: [contactId], ...extra });
    let southContact: string;
    beforeAll(async () => {
      southContact = await createContact(t, south.auth);
    });

    it('checks an attendee\'s contactId as contactIds are checked (400 naming it), and needs a contactId, a name or an email', async () => {
      for (const attendeeContact of [missing, southContact]) {
        const res = await post(north.auth, meeting({ attendees: [{ name: 'Ann' }, { contactId: attendeeContact }] })).expect(400);
        expect(res.body.errors).toEqual([{ field: 'attendees[1].contactId', message: 'is not a contact you can see' }]);
      }
      for (const attendees of [[{}], [{ name: '  ', email: null, contactId: null }]]) {
        expect(fieldsOf((await post(north.auth, meeting({ attendees })).expect(400)).body)).toEqual(['attendees[0]']);
      }
      await post(north.auth, meeting({ attendees: [null] })).expect(400);
      const ok = await post(north.auth, meeting({ attendees: [{ contactId: contactId.toUpperCase() }, { email: 'bo@example.com' }, { name: ' Cy ' }] })).expect(201);
      expect(ok.body.attendees).toEqual([
        { contactId, name: null, email: null },
        { contactId: null, name: null, email: 'bo@example.com' },
        { contactId: null, name: 'Cy', email: null },
      ]);
    });

    it('on PATCH checks only new attendee contacts: one already on the meeting may stay', async () => {
      // An admin puts a South contact on a North meeting; the North owner cannot see that contact.
      const created = await post(admin, meeting({ ownerId: north.user.id, teamId: north.user.teamIds[0], attendees: [{ contactId: southContact }] })).expect(201);
      const id = created.body.id as string;
      const kept = await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ attendees: [{ contactId: southContact }, { name: 'Dee' }] }).expect(200);
      expect(kept.body.attendees.map((a: { contactId: string | null }) => a.contactId)).toEqual([southContact, null]);
      const added = await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ attendees: [{ contactId: southContact }, { contactId: missing }] }).expect(400);
      expect(added.body.errors).toEqual([{ field: 'attendees[1].contactId', message: 'is not a contact you can see' }]);
      // Dropped, the South contact is new again when added back.
      await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ attendees: [] }).expect(200);
      expect(fieldsOf((await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ attendees: [{ contactId: southContact }] }).expect(400)).body)).toEqual([
        'attendees[0].contactId',
      ]);
    });

    it('on PATCH checks only new linked contacts too: one the activity has already may stay', async () => {
      const created = await post(admin, { type: 'note', body: 'Shared', contactIds: [contactId, southContact], ownerId: north.user.id, teamId: north.user.teamIds[0] }).expect(201);
      const id = created.body.id as string;
      const shown = (await t.http().get(`/api/v1/activities/${id}`).set(north.auth).expect(200)).body;
      await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ contactIds: shown.contactIds, body: 'Shared, edited' }).expect(200);
      const added = await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ contactIds: [...shown.contactIds, missing] }).expect(400);
      expect(added.body.errors).toEqual([{ field: 'contactIds[2]', message: 'is not a contact you can see' }]);
    });

    it('keeps a meeting\'s occurredAt at its startAt: set from it, moved with it, any other value a 400', async () => {
      const other = await post(north.auth, meeting({ occurredAt: '2026-05-01T00:00:00.000Z' })).expect(400);
      expect(fieldsOf(other.body)).toEqual(['occurredAt']);
      const same = await post(north.auth, meeting({ occurredAt: '2026-05-04T09:00:00Z' })).expect(201);
      expect(same.body.occurredAt).toBe('2026-05-04T09:00:00.000Z');
      const id = same.body.id as string;
      const moved = await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ startAt: '2026-05-06T14:00:00.000Z' }).expect(200);
      expect(moved.body).toMatchObject({ startAt: '2026-05-06T14:00:00.000Z', occurredAt: '2026-05-06T14:00:00.000Z' });
      const got = await t.http().get(`/api/v1/activities/${id}`).set(north.auth).expect(200);
      expect(got.body.occurredAt).toBe('2026-05-06T14:00:00.000Z');
      expect(fieldsOf((await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ occurredAt: '2026-05-01T00:00:00.000Z' }).expect(400)).body)).toEqual(['occurredAt']);
      const both = await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ startAt: '2026-05-07T08:00:00.000Z', occurredAt: '2026-05-06T14:00:00.000Z' }).expect(400);
      expect(fieldsOf(both.body)).toEqual(['occurredAt']);
      const together = await t.http().patch(`/api/v1/activities/${id}`).set(north.auth).send({ startAt: '2026-05-07T08:00:00.000Z', occurredAt: '2026-05-07T08:00:00.000Z' }).expect(200);
      expect(together.body.occurredAt).toBe('2026-05-07T08:00:00.000Z');
      // Other types keep a free occurredAt.
      const note = await post(north.auth, { type: 'note', body: 'x', occurredAt: '2026-05-01T00:00:00.000Z', contactIds: [contactId] }).expect(201);
      expect(note.body.occurredAt).toBe('2026-05-01T00:00:00.000Z');
    });
  });

  describe('lists: filters, sorts, cursor pages', () => {
    let otherContact: string;
    const due = (d: number) => `2026-06-${String(d).padStart(2, '0')}T09:00:00.000Z`;
    beforeAll(async () => {
      otherContact = await createContact(t, north.auth);
      for (let d = 1; d <= 7; d++) {
        await post(north.auth, { type: 'task', subject: `Task ${d}`, dueAt: due(d), status: d % 2 ? 'open' : 'done', contactIds: [otherContact] }).expect(201);
      }
      await post(north.auth, { type: 'note', body: 'about the other one', contactIds: [otherContact] }).expect(201);
    });

    it('filters by subject, type, status, assignee and due date range, sorted by dueAt', async () => {
      const res = await t
        .http()
        .get('/api/v1/activities')
        .query({
          'filter[contactId][eq]': otherContact,
          'filter[type][eq]': 'task',
          'filter[status][eq]': 'open',
          'filter[assigneeId][eq]': north.user.id,
          'filter[dueAt][gte]': due(2),
          'filter[dueAt][lt]': due(7),
          sort: '-dueAt',
        })
        .set(north.auth)
        .expect(200);
      expect(res.body.data.map((a: { subject: string }) => a.subject)).toEqual(['Task 5', 'Task 3']);
    });

    it('pages with a cursor: every row once, in order', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await t
          .http()
          .get('/api/v1/activities')
          .query({ 'filter[contactId][eq]': otherContact, sort: 'dueAt', limit: 3, ...(cursor ? { cursor } : {}) })
          .set(north.auth)
          .expect(200);
        seen.push(...res.body.data.map((a: { subject: string | null }) => a.subject ?? '(note)'));
        cursor = res.body.page.nextCursor ?? undefined;
        expect(res.body.page.hasMore).toBe(Boolean(cursor));
      } while (cursor);
      // Rows without dueAt sort last.
      expect(seen).toEqual(['Task 1', 'Task 2', 'Task 3', 'Task 4', 'Task 5', 'Task 6', 'Task 7', '(note)']);
    });

    it('searches with nested filters, but refuses a subject filter under OR', async () => {
      const ok = await t
        .http()
        .post('/api/v1/activities/search')
        .set(north.auth)
        .send({ filter: { and: [{ field: 'contactId', op: 'eq', value: otherContact }, { or: [{ field: 'status', op: 'eq', value: 'done' }, { field: 'type', op: 'eq', value: 'note' }] }] } })
        .expect(200);
      expect(ok.body.data).toHaveLength(4);
      const bad = await t
        .http()
        .post('/api/v1/activities/search')
        .set(north.auth)
        .send({ filter: { or: [{ field: 'contactId', op: 'eq', value: otherContact }, { field: 'type', op: 'eq', value: 'note' }] } })
        .expect(400);
      expect(fieldsOf(bad.body)).toContain('filter[contactId]');
    });

    it('names an unknown filter, operator or sort field', async () => {
      for (const query of [{ 'filter[colour][eq]': 'x' }, { 'filter[dueAt][contains]': 'x' }, { sort: 'colour' }, { limit: '500' }]) {
        const res = await t.http().get('/api/v1/activities').query(query).set(north.auth).expect(400);
        expect(res.body.errors.length).toBeGreaterThan(0);
      }
    });
  });

  describe('scope: two teams', () => {
    let northActivity: string;
    beforeAll(async () => {
      northActivity = (await post(north.auth, { type: 'note', body: 'north only', contactIds: [contactId] }).expect(201)).body.id;
    });

    it('hides another team\'s activities and contacts', async () => {
      await t.http().get(`/api/v1/activities/${northActivity}`).set(south.auth).expect(404);
      await t.http().patch(`/api/v1/activities/${northActivity}`).set(south.auth).send({ body: 'mine now' }).expect(404);
      await t.http().delete(`/api/v1/activities/${northActivity}`).set(south.auth).expect(404);
      const list = await t.http().get('/api/v1/activities').query({ limit: 200 }).set(south.auth).expect(200);
      expect(list.body.data).toEqual([]);
      const byContact = await t.http().get('/api/v1/activities').query({ 'filter[contactId][eq]': contactId }).set(south.auth).expect(200);
      expect(byContact.body.data).toEqual([]);
      const link = await post(south.auth, { type: 'note', body: 'x', contactIds: [contactId] }).expect(400);
      expect(fieldsOf(link.body)).toEqual(['contactIds[0]']);
    });

    it('assigns and owns only through active users the caller can see, who can open the task (400 naming the field)', async () => {
      const missing = '0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11';
      const remindAt = new Date(Date.now() + 3_600_000).toISOString();
      const task = (extra: object) => ({ type: 'task', subject: 'Call back', remindAt, contactIds: [contactId], ...extra });
      // The QA case: the South user would get a reminder about a task they cannot open; GET /users/{id} hides them from North.
      await t.http().get(`/api/v1/users/${south.user.id}`).set(north.auth).expect(404);
      for (const assigneeId of [south.user.id, missing]) {
        expect(fieldsOf((await post(north.auth, task({ assigneeId })).expect(400)).body)).toEqual(['assigneeId']);
      }
      for (const ownerId of [south.user.id, missing]) {
        expect(fieldsOf((await post(north.auth, task({ ownerId })).expect(400)).body)).toEqual(['ownerId']);
      }
      expect(fieldsOf((await post(admin, task({ teamId: missing })).expect(400)).body)).toEqual(['teamId']);
      const mine = (await post(north.auth, task({})).expect(201)).body as { id: string; assigneeId: string };
      expect(mine.assigneeId).toBe(north.user.id);
      expect(fieldsOf((await t.http().patch(`/api/v1/activities/${mine.id}`).set(north.auth).send({ assigneeId: south.user.id }).expect(400)).body)).toEqual(['assigneeId']);
      // An admin sees the South user, but a North task is still one they could not open; nor may it move away from its assignee.
      expect(fieldsOf((await post(admin, task({ assigneeId: south.user.id, ownerId: north.user.id, teamId: north.user.teamIds[0] })).expect(400)).body)).toEqual(['assigneeId']);
      expect(fieldsOf((await t.http().patch(`/api/v1/activities/${mine.id}`).set(admin).send({ ownerId: south.user.id, teamId: south.user.teamIds[0] }).expect(400)).body)).toEqual(['assigneeId']);
      const peer = await teamMember(t, 'North');
      const shared = await t.http().patch(`/api/v1/activities/${mine.id}`).set(north.auth).send({ assigneeId: peer.user.id }).expect(200);
      expect(shared.body.assigneeId).toBe(peer.user.id);
      await t.http().get(`/api/v1/activities/${mine.id}`).set(peer.auth).expect(200);
    });

    it('lets an admin see both, and a role without the permission nothing (403)', async () => {
      await t.http().get(`/api/v1/activities/${northActivity}`).set(admin).expect(200);
      const readonly = await loginAs(t, await seedUser(t, { role: 'readonly' }));
      await post(readonly, { type: 'note', body: 'x', contactIds: [contactId] }).expect(403);
      await t.http().get('/api/v1/activities').expect(401);
    });
  });
});
