import { ClsService } from 'nestjs-cls';
import { ConsentFacade } from '../../src/modules/contacts/consent/consent.facade';
import { ConsentEntryEntity } from '../../src/modules/contacts/consent/persistence/consent-entry.entity';
import { ContactEntity } from '../../src/modules/contacts/persistence/contact.entity';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin, loginAs, seedUser } from '../support/auth';
import { expectNoDrift } from '../support/migrations';
import { Auth, createContact, teamMember, TeamMember } from '../contacts-activities/support';

interface Ledger {
  current: { channel: string; status: string; legalBasis: string | null; since: string | null; entryId: string | null }[];
  entries: { id: string; channel: string; status: string; legalBasis: string; source: string; occurredAt: string; requestId: string | null; actorType: string; actorId: string }[];
}

describe('consent ledger', () => {
  jest.setTimeout(60_000);

  let t: TestApp;
  let admin: Auth;
  let north: TeamMember;
  let south: TeamMember;
  let contactId: string;

  const ledger = async (auth: Auth, id = contactId): Promise<Ledger> => (await t.http().get(`/api/v1/contacts/${id}/consents`).set(auth).expect(200)).body as Ledger;
  const record = (auth: Auth, body: Record<string, unknown>, id = contactId) => t.http().post(`/api/v1/contacts/${id}/consents`).set(auth).send(body);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await asAdmin(t);
    north = await teamMember(t, 'North');
    south = await teamMember(t, 'South');
    contactId = await createContact(t, north.auth);
  });
  afterAll(() => t?.close());

  it('starts unknown on every channel (no entry is not a grant)', async () => {
    const l = await ledger(north.auth);
    expect(l.entries).toEqual([]);
    expect(l.current.map((c) => [c.channel, c.status])).toEqual([
      ['email', 'unknown'],
      ['phone', 'unknown'],
      ['sms', 'unknown'],
    ]);
  });

  it('appends entries with their evidence, and the latest by occurredAt wins per channel', async () => {
    const granted = await record(north.auth, { channel: 'email', status: 'granted', legalBasis: 'consent', source: 'newsletter form', occurredAt: '2026-01-10T10:00:00.000Z' })
      .set('X-Request-Id', 'req-consent-1')
      .expect(201);
    expect(granted.body).toMatchObject({ contactId, channel: 'email', status: 'granted', legalBasis: 'consent', source: 'newsletter form', occurredAt: '2026-01-10T10:00:00.000Z', requestId: 'req-consent-1', actorType: 'user', actorId: north.user.id });
    await record(north.auth, { channel: 'email', status: 'withdrawn', legalBasis: 'consent', source: 'unsubscribe reply', occurredAt: '2026-02-01T08:00:00.000Z' }).expect(201);
    // Recorded later but it happened earlier: it does not override the withdrawal.
    await record(north.auth, { channel: 'email', status: 'granted', legalBasis: 'consent', source: 'paper form, scanned late', occurredAt: '2026-01-20T08:00:00.000Z' }).expect(201);
    await record(north.auth, { channel: 'sms', status: 'granted', legalBasis: 'contract', source: 'order #1042' }).expect(201);

    const l = await ledger(north.auth);
    expect(l.entries.map((e) => [e.channel, e.status, e.source])).toEqual([
      ['email', 'granted', 'newsletter form'],
      ['email', 'granted', 'paper form, scanned late'],
      ['email', 'withdrawn', 'unsubscribe reply'],
      ['sms', 'granted', 'order #1042'],
    ]);
    const byChannel = Object.fromEntries(l.current.map((c) => [c.channel, c]));
    expect(byChannel.email).toMatchObject({ status: 'withdrawn', legalBasis: 'consent', since: '2026-02-01T08:00:00.000Z', entryId: l.entries[2].id });
    expect(byChannel.sms).toMatchObject({ status: 'granted', legalBasis: 'contract' });
    expect(byChannel.phone).toMatchObject({ status: 'unknown', entryId: null });

    const facade = t.app.get(ConsentFacade, { strict: false });
    const status = await t.app.get(ClsService).run(() => facade.consentStatus(contactId, 'email'));
    expect(status).toMatchObject({ channel: 'email', status: 'withdrawn', entryId: l.entries[2].id });
    expect((await t.app.get(ClsService).run(() => facade.consentStatus(contactId, 'phone'))).status).toBe('unknown');
  });

  it('rejects bad input with a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ channel: 'fax', status: 'granted', legalBasis: 'consent', source: 'x' }, 'channel'],
      [{ channel: 'email', status: 'maybe', legalBasis: 'consent', source: 'x' }, 'status'],
      [{ channel: 'email', status: 'granted', legalBasis: 'because', source: 'x' }, 'legalBasis'],
      [{ channel: 'email', status: 'granted', legalBasis: 'consent', source: '   ' }, 'source'],
      [{ channel: 'email', status: 'granted', legalBasis: 'consent', source: 'x', occurredAt: 'yesterday' }, 'occurredAt'],
      // A local time without its zone is refused, not read as UTC.
      [{ channel: 'email', status: 'granted', legalBasis: 'consent', source: 'x', occurredAt: '2026-01-10T10:00:00' }, 'occurredAt'],
      [{ channel: 'email', status: 'granted', legalBasis: 'consent', source: 'x', occurredAt: '2999-01-01T00:00:00Z' }, 'occurredAt'],
      [{ channel: 'email', status: 'granted', legalBasis: 'consent', source: 'x', id: '0190a000-0000-7000-8000-000000000000' }, 'id'],
    ];
    for (const [body, field] of cases) {
      const res = await record(north.auth, body).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(res.body.errors)).toContain(field);
    }
    await t.http().get('/api/v1/contacts/not-a-uuid/consents').set(north.auth).expect(400);
  });

  it('is scoped by the contact: another team gets 404, unknown ids 404, no credentials 401', async () => {
    await t.http().get(`/api/v1/contacts/${contactId}/consents`).set(south.auth).expect(404);
    await record(south.auth, { channel: 'phone', status: 'granted', legalBasis: 'consent', source: 'call' }).expect(404);
    await t.http().get('/api/v1/contacts/0190a000-0000-7000-8000-000000000000/consents').set(admin).expect(404);
    await t.http().get(`/api/v1/contacts/${contactId}/consents`).expect(401);
    expect((await ledger(admin)).entries).toHaveLength(4);
  });

  it('needs the update permission to record (a read-only role gets 403)', async () => {
    const role = await t.http().post('/api/v1/roles').set(admin).send({ name: 'consent-reader', permissions: { contacts: { read: 'all' } } });
    expect(role.status).toBe(201);
    const reader = await seedUser(t, { role: 'consent-reader' });
    const auth = await loginAs(t, reader);
    await ledger(auth);
    await record(auth, { channel: 'phone', status: 'granted', legalBasis: 'consent', source: 'call' }).expect(403);
  });

  it('offers no way to change or delete entries, and the table itself refuses it', async () => {
    const [entry] = (await ledger(north.auth)).entries;
    await t.http().delete(`/api/v1/contacts/${contactId}/consents/${entry.id}`).set(admin).expect(404);
    await t.http().patch(`/api/v1/contacts/${contactId}/consents/${entry.id}`).set(admin).send({ status: 'withdrawn' }).expect(404);
    await expect(t.dataSource.query(`UPDATE contacts.consent_entries SET status = 'withdrawn' WHERE id = $1`, [entry.id])).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`DELETE FROM contacts.consent_entries WHERE id = $1`, [entry.id])).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`TRUNCATE contacts.consent_entries`)).rejects.toThrow(/append-only/);
    // Even a merge's move may change the contact and nothing else.
    await expect(
      t.dataSource.transaction(async (m) => {
        await m.query(`SET LOCAL contacts.consent_move = 'on'`);
        await m.query(`UPDATE contacts.consent_entries SET source = 'forged' WHERE id = $1`, [entry.id]);
      }),
    ).rejects.toThrow(/append-only/);
    expect((await ledger(north.auth)).entries[0]).toMatchObject({ id: entry.id, status: 'granted', source: 'newsletter form' });
  });

  it('matches its migration (no drift)', () => expectNoDrift(t, [ConsentEntryEntity, ContactEntity]));
});
