import { ClsService } from 'nestjs-cls';
import { ActivitiesFacade } from '../../src/modules/contacts/activities/activities.facade';
import { SYSTEM_ACTOR } from '../../src/platform/access/actor';
import { defineEvent } from '../../src/platform/queue/job-definition';
import { OutboxService } from '../../src/platform/queue/outbox.service';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin } from '../support/auth';
import { FAST_JOBS_ENV, waitFor } from '../queue/support';
import { Auth, createCompany, createContact, teamMember, TeamMember } from './support';

/** Events as the sales, service-desk and marketing modules publish them: by name, importing nothing from contacts. */
const DealWon = defineEvent<Record<string, string | string[] | null>>('deal.won');
const CampaignEmailOpened = defineEvent<Record<string, string | string[] | null>>('campaign.email_opened');

interface Item {
  id: string;
  kind: 'activity' | 'change' | 'event';
  occurredAt: string;
  activity: { subject: string | null; body: string | null } | null;
  change: { action: string } | null;
  event: { type: string; summary: string | null; resource: string | null } | null;
}

const label = (i: Item) => (i.kind === 'activity' ? `activity:${i.activity?.subject ?? i.activity?.body}` : i.kind === 'change' ? `change:${i.change?.action}` : `event:${i.event?.type}:${i.event?.summary}`);

describe('contact and company timelines', () => {
  // Booting the box (and a worker) takes seconds on a busy 2-core machine.
  jest.setTimeout(60_000);

  let t: TestApp;
  let admin: Auth;
  let north: TeamMember;
  let south: TeamMember;
  let contactId: string;
  let companyId: string;

  const publish = (event: typeof DealWon, payload: Record<string, string | string[] | null>) =>
    t.app.get(ClsService).run(() => t.app.get(OutboxService).publish(event, payload));

  const timeline = async (auth: Auth, path: string, query: Record<string, string | number> = {}) =>
    (await t.http().get(path).query(query).set(auth).expect(200)).body as { data: Item[]; page: { nextCursor: string | null; hasMore: boolean } };

  beforeAll(async () => {
    t = await createTestApp({ worker: true, env: FAST_JOBS_ENV });
    admin = await asAdmin(t);
    north = await teamMember(t, 'North');
    south = await teamMember(t, 'South');
    contactId = await createContact(t, north.auth);
    companyId = await createCompany(t, north.auth);

    const activity = (auth: Auth, body: object) => t.http().post('/api/v1/activities').set(auth).send(body).expect(201);
    await activity(north.auth, { type: 'note', body: 'First note', occurredAt: '2026-01-01T10:00:00Z', contactIds: [contactId] });
    await activity(north.auth, { type: 'call', subject: 'Intro call', direction: 'out', occurredAt: '2026-01-03T10:00:00Z', contactIds: [contactId], companyIds: [companyId] });
    // Another team's activity about the same contact (an admin may link it): north must not see it.
    await activity(admin, { type: 'note', subject: 'South secret', body: 'x', occurredAt: '2026-01-04T10:00:00Z', contactIds: [contactId], ownerId: south.user.id, teamId: south.user.teamIds[0] });

    const deal = (summary: string, occurredAt: string, owner: TeamMember) =>
      publish(DealWon, { contactIds: [contactId], companyIds: [companyId], occurredAt, resource: 'deals', recordId: '0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11', ownerId: owner.user.id, teamId: owner.user.teamIds[0], summary });
    await deal('Deal won: Acme renewal', '2026-01-02T10:00:00Z', north);
    await deal('Deal won: South deal', '2026-01-02T11:00:00Z', south);
    await publish(CampaignEmailOpened, { contactIds: [contactId], occurredAt: '2025-12-31T10:00:00Z', summary: 'Opened "Winter offers"' });
    // Replays of one event, and an event naming nobody, add nothing.
    await publish(CampaignEmailOpened, { occurredAt: '2025-12-30T10:00:00Z', summary: 'nobody' });

    await waitFor(async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM contacts.timeline_entries`))[0].n === 5, 'events on the timelines');
  }, 60_000);
  afterAll(() => t?.close());

  it('merges activities, changes and events, newest first, within the caller\'s scope', async () => {
    const page = await timeline(north.auth, `/api/v1/contacts/${contactId}/timeline`);
    expect(page.data.map(label)).toEqual([
      'change:create',
      'activity:Intro call',
      'event:deal.won:Deal won: Acme renewal',
      'activity:First note',
      'event:campaign.email_opened:Opened "Winter offers"',
    ]);
    expect(page.page).toEqual({ nextCursor: null, hasMore: false });
    const event = page.data.find((i) => i.kind === 'event');
    expect(event).toMatchObject({ occurredAt: '2026-01-02T10:00:00.000Z', activity: null, change: null, event: { type: 'deal.won', resource: 'deals' } });

    const all = await timeline(admin, `/api/v1/contacts/${contactId}/timeline`);
    expect(all.data.map(label)).toEqual([
      'change:create',
      'activity:South secret',
      'activity:Intro call',
      'event:deal.won:Deal won: South deal',
      'event:deal.won:Deal won: Acme renewal',
      'activity:First note',
      'event:campaign.email_opened:Opened "Winter offers"',
    ]);
  });

  it('pages with a cursor through every source, each item once', async () => {
    const full = (await timeline(admin, `/api/v1/contacts/${contactId}/timeline`)).data.map((i) => i.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await timeline(admin, `/api/v1/contacts/${contactId}/timeline`, { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((i) => i.id));
      cursor = page.page.nextCursor;
      expect(page.page.hasMore).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual(full);
  });

  it('shows a company\'s own timeline', async () => {
    const page = await timeline(north.auth, `/api/v1/companies/${companyId}/timeline`);
    expect(page.data.map(label)).toEqual(['change:create', 'activity:Intro call', 'event:deal.won:Deal won: Acme renewal']);
  });

  it('is a 404 outside the caller\'s scope, and a 400 for bad input', async () => {
    await t.http().get(`/api/v1/contacts/${contactId}/timeline`).set(south.auth).expect(404);
    await t.http().get(`/api/v1/companies/${companyId}/timeline`).set(south.auth).expect(404);
    await t.http().get(`/api/v1/contacts/0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11/timeline`).set(north.auth).expect(404);
    await t.http().get(`/api/v1/contacts/nope/timeline`).set(north.auth).expect(400);
    for (const query of [{ limit: '500' }, { limit: '0' }, { cursor: 'forged.cursor' }, { sort: 'occurredAt' }]) {
      const res = await t.http().get(`/api/v1/contacts/${contactId}/timeline`).query(query).set(north.auth).expect(400);
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    // A cursor of another subject's timeline is refused, not followed.
    const companyCursor = (await timeline(admin, `/api/v1/companies/${companyId}/timeline`, { limit: 1 })).page.nextCursor as string;
    await t.http().get(`/api/v1/contacts/${contactId}/timeline`).query({ cursor: companyCursor }).set(admin).expect(400);
    // And so is another contact's.
    const other = await createContact(t, north.auth);
    await t.http().patch(`/api/v1/contacts/${other}`).set(north.auth).send({ jobTitle: 'Buyer' }).expect(200);
    const otherCursor = (await timeline(admin, `/api/v1/contacts/${other}/timeline`, { limit: 1 })).page.nextCursor as string;
    expect(otherCursor).toEqual(expect.any(String));
    const foreign = await t.http().get(`/api/v1/contacts/${contactId}/timeline`).query({ cursor: otherCursor }).set(admin).expect(400);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    await t.http().get(`/api/v1/contacts/${contactId}/timeline`).expect(401);
  });

  it('moves a duplicate\'s activities and events to the primary when contacts merge, and back on undo', async () => {
    const duplicate = await createContact(t, north.auth);
    const primary = await createContact(t, north.auth);
    const only = (await t.http().post('/api/v1/activities').set(north.auth).send({ type: 'note', body: 'dup only', contactIds: [duplicate] }).expect(201)).body.id;
    const both = (await t.http().post('/api/v1/activities').set(north.auth).send({ type: 'note', body: 'both', contactIds: [duplicate, primary] }).expect(201)).body.id;
    await publish(CampaignEmailOpened, { contactIds: [duplicate], summary: 'dup opened' });
    await waitFor(async () => (await t.dataSource.query(`SELECT 1 FROM contacts.timeline_entries WHERE subject_id = $1`, [duplicate])).length > 0, 'the event');

    const facade = t.app.get(ActivitiesFacade, { strict: false });
    const cls = t.app.get(ClsService);
    const ids = async (contact: string) => (await timeline(admin, `/api/v1/contacts/${contact}/timeline`)).data.filter((i) => i.kind !== 'change').map(label).sort();

    const receipt = await cls.run(() => facade.moveSubject('contact', [duplicate], primary));
    expect(await ids(primary)).toEqual(['activity:both', 'activity:dup only', 'event:campaign.email_opened:dup opened']);
    expect(await ids(duplicate)).toEqual([]);
    const linked = (await t.http().get(`/api/v1/activities/${both}`).set(north.auth).expect(200)).body.contactIds;
    expect(linked).toEqual([primary]);

    await cls.run(() => facade.undoMove(receipt));
    expect(await ids(primary)).toEqual(['activity:both']);
    expect(await ids(duplicate)).toEqual(['activity:both', 'activity:dup only', 'event:campaign.email_opened:dup opened']);
    expect((await t.http().get(`/api/v1/activities/${only}`).set(north.auth).expect(200)).body.contactIds).toEqual([duplicate]);
  });

  it('reports and erases what activities hold about a person', async () => {
    const person = await createContact(t, north.auth);
    const colleague = await createContact(t, north.auth);
    const post = (body: object) => t.http().post('/api/v1/activities').set(north.auth).send(body).expect(201);
    const email = (await post({ type: 'email', subject: 'Your order', body: 'Dear Eve', from: 'me@crm.example', to: ['Eve@Person.example', 'boss@crm.example'], contactIds: [person] })).body.id;
    const shared = (await post({ type: 'meeting', subject: 'Team sync', startAt: '2026-02-01T10:00:00Z', attendees: [{ name: 'Eve', email: 'eve@person.example' }, { name: 'Bob' }], contactIds: [person, colleague] })).body.id;
    await publish(CampaignEmailOpened, { contactIds: [person], summary: 'Eve opened' });
    await waitFor(async () => (await t.dataSource.query(`SELECT 1 FROM contacts.timeline_entries WHERE subject_id = $1`, [person])).length > 0, 'the event');

    const facade = t.app.get(ActivitiesFacade, { strict: false });
    const cls = t.app.get(ClsService);
    const data = await cls.run(() => facade.personalDataOf(SYSTEM_ACTOR, person));
    expect(data.activities.map((a) => a.id).sort()).toEqual([email, shared].sort());
    expect(data.timelineEntries).toEqual([expect.objectContaining({ event: 'campaign.email_opened', summary: 'Eve opened' })]);

    expect(await cls.run(() => facade.eraseContact(person, ['eve@person.example'], (text) => text))).toEqual({
      activities: 2,
      timelineEntries: 1,
      soleActivityIds: [email],
      sharedActivityIds: [shared],
    });
    const erasedEmail = (await t.http().get(`/api/v1/activities/${email}`).set(north.auth).expect(200)).body;
    expect(erasedEmail).toMatchObject({ subject: '[erased]', body: '[erased]', from: 'me@crm.example', to: ['boss@crm.example'] });
    const meeting = (await t.http().get(`/api/v1/activities/${shared}`).set(north.auth).expect(200)).body;
    expect(meeting).toMatchObject({ subject: 'Team sync', attendees: [{ name: null, email: null, contactId: null }, { name: 'Bob', email: null, contactId: null }] });
    expect(JSON.stringify(await cls.run(() => facade.personalDataOf(SYSTEM_ACTOR, person)))).not.toMatch(/eve@|Eve@|"Eve"|Dear Eve|Eve opened/);
  });
});
