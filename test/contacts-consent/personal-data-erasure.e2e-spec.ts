import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin } from '../support/auth';
import { importSettled, uploadImport } from '../contacts-imports/support';
import { Auth, createContact, teamMember, TeamMember } from '../contacts-activities/support';

/**
 * Erasure reaches every copy of the person (contacts merged into them, their mentions in
 * activities shared with others, both in the records and in their history), and the access
 * answer holds only what the caller may see.
 */
describe('personal data: merged duplicates, shared activities, scope', () => {
  jest.setTimeout(90_000);

  let t: TestApp;
  let admin: Auth;
  let north: TeamMember;
  let south: TeamMember;

  const personalData = async (auth: Auth, id: string) => (await t.http().get(`/api/v1/contacts/${id}/personal-data`).set(auth).expect(200)).body;
  const auditOf = async (ids: string[]): Promise<{ record_id: string; action: string; changes: Record<string, { from: unknown; to: unknown }> | null }[]> =>
    t.dataSource.query(`SELECT record_id, action, changes FROM platform.audit_log WHERE record_id = ANY($1::uuid[]) ORDER BY occurred_at, id`, [ids]);

  beforeAll(async () => {
    t = await createTestApp({ worker: true, env: { JOB_BACKOFF_MS: '50', OUTBOX_POLL_MS: '100' } });
    admin = await asAdmin(t);
    north = await teamMember(t, 'North');
    south = await teamMember(t, 'South');
  });
  afterAll(() => t?.close());

  describe('a person merged from duplicates', () => {
    const PERSONAL = /Subjekt|gdpr\.(private|work|old)@qa-example\.com|29997766|Data Officer/i;
    let p3: string;
    let d3: string;
    let d4: string;
    let separate: string;
    let mergeId: string;
    let earlierMergeId: string;
    let movedActivityId: string;

    beforeAll(async () => {
      p3 = await createContact(t, north.auth, { firstName: 'Gdpr', lastName: 'Subjekt', emails: [{ email: 'gdpr.work@qa-example.com' }] });
      d3 = await createContact(t, north.auth, { firstName: 'Gdpr', lastName: 'Subjekt', emails: [{ email: 'gdpr.private@qa-example.com' }], phones: [{ number: '+37129997766' }] });
      d4 = await createContact(t, north.auth, { firstName: 'G.', lastName: 'Subjekt', emails: [{ email: 'gdpr.old@qa-example.com' }] });
      separate = await createContact(t, north.auth, { firstName: 'Gdpr', lastName: 'Someone', emails: [{ email: 'someone.else@qa-example.com' }] });
      await t.http().patch(`/api/v1/contacts/${d3}`).set(north.auth).send({ jobTitle: 'Data Officer' }).expect(200);
      movedActivityId = (
        await t.http().post('/api/v1/activities').set(north.auth).send({ type: 'note', subject: 'Call back', body: 'Reach Gdpr at gdpr.private@qa-example.com', contactIds: [d3] }).expect(201)
      ).body.id;
      // A merge undone since: its duplicate is someone else again and stays as it is.
      const undone = (await t.http().post('/api/v1/contacts/merge').set(north.auth).send({ primaryId: p3, duplicateIds: [separate] }).expect(200)).body;
      await t.http().post(`/api/v1/contacts/merges/${undone.id}/undo`).set(north.auth).expect(200);
      // D4 went into D3 first, then D3 into P3: both are P3 now.
      earlierMergeId = (await t.http().post('/api/v1/contacts/merge').set(north.auth).send({ primaryId: d3, duplicateIds: [d4] }).expect(200)).body.id;
      mergeId = (await t.http().post('/api/v1/contacts/merge').set(north.auth).send({ primaryId: p3, duplicateIds: [d3] }).expect(200)).body.id;
    });

    it('lists in the access answer the contacts merged into the person, down the chain, as they were', async () => {
      const merges = (await personalData(north.auth, p3)).otherRecords.find((r: { holder: string }) => r.holder === 'contactMerges').records;
      const folded = Object.assign({}, ...merges.map((m: { mergedContacts: Record<string, unknown> }) => m.mergedContacts));
      expect(Object.keys(folded).sort()).toEqual([d3, d4].sort());
      expect(folded[d3]).toMatchObject({ jobTitle: 'Data Officer' });
      expect(folded[d4]).toMatchObject({ firstName: 'G.' });
    });

    it('refuses to erase a merged duplicate alone (409 naming the merge and the live primary, up the chain); nothing is erased', async () => {
      for (const id of [d3, d4]) {
        const res = await t.http().post(`/api/v1/contacts/${id}/erase`).set(north.auth).expect(409);
        expect(res.body).toMatchObject({ type: 'urn:crm:problem:already-merged', primaryId: p3, mergeId: id === d3 ? mergeId : earlierMergeId });
        expect(res.body.detail).toContain(p3);
      }
      await t.http().post(`/api/v1/contacts/${d3}/erase`).set(south.auth).expect(404);
      const [row] = await t.dataSource.query(`SELECT job_title FROM contacts.contacts WHERE id = $1`, [d3]);
      expect(row.job_title).toBe('Data Officer');
    });

    it('erases the duplicates merged into the person: rows, search, access answer, audit and merge snapshots', async () => {
      const res = await t.http().post(`/api/v1/contacts/${p3}/erase`).set(north.auth).expect(200);
      expect(res.body.mergedContactIds.sort()).toEqual([d3, d4].sort());

      const bin = (await t.http().get('/api/v1/contacts').query({ 'filter[deleted][eq]': 'true', limit: 200 }).set(admin).expect(200)).body.data;
      const binned = bin.filter((c: { id: string }) => [d3, d4].includes(c.id));
      expect(binned).toHaveLength(2);
      for (const c of binned) expect(c).toMatchObject({ firstName: '[erased]', lastName: null, emails: [], phones: [] });
      expect(JSON.stringify(bin)).not.toMatch(PERSONAL);

      for (const q of ['Subjekt', 'gdpr.private@qa-example.com', '29997766']) {
        const found = (await t.http().get('/api/v1/contacts').query({ q, 'filter[deleted][eq]': 'true' }).set(admin).expect(200)).body.data.map((c: { id: string }) => c.id);
        expect(found).not.toContain(d3);
        expect(found).not.toContain(d4);
      }

      for (const id of [p3, d3, d4]) expect(JSON.stringify(await personalData(admin, id))).not.toMatch(PERSONAL);
      const activity = (await t.http().get(`/api/v1/activities/${movedActivityId}`).set(admin).expect(200)).body;
      expect(activity).toMatchObject({ subject: '[erased]', body: '[erased]' });

      const audit = await auditOf([p3, d3, d4, movedActivityId]);
      expect(JSON.stringify(audit)).not.toMatch(PERSONAL);
      // The erasure is audited on each record, without values.
      const erasures = audit.filter((a) => a.action === 'erase');
      expect(erasures.map((a) => a.record_id).sort()).toEqual([p3, d3, d4].sort());
      expect(erasures.find((a) => a.record_id === d3)?.changes).toEqual({ erasure: { from: null, to: { mergedInto: p3 } } });

      const merges: { id: string; snapshots: unknown; erased_at: Date | null }[] = await t.dataSource.query(
        'SELECT id, snapshots, erased_at FROM contacts.contact_merges WHERE id = ANY($1::uuid[])',
        [[mergeId, earlierMergeId]],
      );
      expect(merges).toHaveLength(2);
      expect(JSON.stringify(merges)).not.toMatch(PERSONAL);
      for (const m of merges) expect(m.erased_at).not.toBeNull();

      // The merge undone before stays undone, and its contact is someone else.
      expect((await t.http().get(`/api/v1/contacts/${separate}`).set(north.auth).expect(200)).body).toMatchObject({ lastName: 'Someone', emails: [{ email: 'someone.else@qa-example.com' }] });
    });

    it('refuses to undo a merge of an erased person (409), and nothing of them comes back', async () => {
      const res = await t.http().post(`/api/v1/contacts/merges/${mergeId}/undo`).set(north.auth).expect(409);
      expect(res.body.type).toBe('urn:crm:problem:merge-erased');
      expect(res.body.detail).toMatch(/erased/);
      await t.http().get(`/api/v1/contacts/${d3}`).set(north.auth).expect(404);
      const p = (await t.http().get(`/api/v1/contacts/${p3}`).set(north.auth).expect(200)).body;
      expect(JSON.stringify(p)).not.toMatch(PERSONAL);
      expect((await personalData(admin, p3)).otherRecords.find((o: { holder: string }) => o.holder === 'contactMerges').records).toEqual([
        expect.objectContaining({ mergeId: expect.any(String), role: 'primary', undoneAt: expect.any(String), erasedAt: expect.any(String) }),
        // d4 into d3, before d3 came into p3: the same person too, listed with it.
        expect.objectContaining({ mergeId: earlierMergeId, role: 'merged-into-a-duplicate', undoneAt: null, erasedAt: expect.any(String) }),
        expect.objectContaining({ mergeId, role: 'primary', undoneAt: null, erasedAt: expect.any(String) }),
      ]);
      expect(JSON.stringify(await personalData(admin, p3))).not.toMatch(PERSONAL);
    });
  });

  describe('an activity the person shares with another contact', () => {
    let e: string;
    let nc: string;
    let meetingId: string;
    let soleId: string;
    const PERSON = /eraseme|[uū]dre|20001122|2000 1122/i;

    beforeAll(async () => {
      e = await createContact(t, north.auth, { firstName: 'Eraseme', lastName: 'Ūdre', emails: [{ email: 'eraseme@qa-example.com' }], phones: [{ number: '+37120001122' }] });
      nc = await createContact(t, north.auth, { firstName: 'Nora', lastName: 'Cole', emails: [{ email: 'nora@qa-example.com' }] });
      meetingId = (
        await t
          .http()
          .post('/api/v1/activities')
          .set(north.auth)
          .send({
            type: 'meeting',
            subject: 'Meet Eraseme',
            body: 'Agenda: ERASEME UDRE and Nora; write to Eraseme@QA-example.com or call +371 2000 1122.',
            startAt: '2026-02-01T10:00:00Z',
            attendees: [{ name: 'Eraseme Ūdre' }, { name: 'Nora Cole', email: 'nora@qa-example.com' }],
            contactIds: [e, nc],
          })
          .expect(201)
      ).body.id;
      await t.http().patch(`/api/v1/activities/${meetingId}`).set(north.auth).send({ subject: 'Meet Eraseme and Nora' }).expect(200);
      soleId = (await t.http().post('/api/v1/activities').set(north.auth).send({ type: 'note', subject: 'Eraseme alone', body: 'Only about Eraseme', contactIds: [e] }).expect(201)).body.id;
    });

    it('blanks each mention of the person in the text and in its history alike; the other contact keeps the rest', async () => {
      await t.http().post(`/api/v1/contacts/${e}/erase`).set(north.auth).expect(200);

      const meeting = (await t.http().get(`/api/v1/activities/${meetingId}`).set(north.auth).expect(200)).body;
      expect(meeting).toMatchObject({
        subject: 'Meet [erased] and Nora',
        body: 'Agenda: [erased] and Nora; write to [erased] or call [erased].',
        attendees: [{ name: '[erased]' }, { name: 'Nora Cole', email: 'nora@qa-example.com' }],
      });
      expect(meeting.contactIds.sort()).toEqual([e, nc].sort());
      expect(JSON.stringify(meeting)).not.toMatch(PERSON);

      const search = async (q: string) => (await t.http().post('/api/v1/activities/search').set(north.auth).send({ q }).expect(200)).body.data.map((a: { id: string }) => a.id);
      expect(await search('Eraseme')).not.toContain(meetingId);
      expect(await search('Nora')).toContain(meetingId);

      // The history says what the record says.
      const history = await auditOf([meetingId]);
      expect(JSON.stringify(history)).not.toMatch(PERSON);
      expect(history.find((h) => h.action === 'create')?.changes?.subject).toEqual({ from: null, to: 'Meet [erased]' });
      expect(history.find((h) => h.action === 'update' && h.changes?.subject)?.changes?.subject).toEqual({ from: 'Meet [erased]', to: 'Meet [erased] and Nora' });
      expect(JSON.stringify(history)).toContain('Nora Cole');

      // About the person alone: blanked, record and history.
      expect((await t.http().get(`/api/v1/activities/${soleId}`).set(north.auth).expect(200)).body).toMatchObject({ subject: '[erased]', body: '[erased]' });
      expect(JSON.stringify(await auditOf([soleId]))).not.toMatch(PERSON);

      expect(JSON.stringify(await personalData(north.auth, nc))).not.toMatch(PERSON);
    });
  });

  describe('what a team-scoped caller sees', () => {
    let nc: string;
    let sc: string;
    let noteId: string;
    let importId: string;

    beforeAll(async () => {
      nc = await createContact(t, north.auth, { firstName: 'Norma', lastName: 'North', emails: [{ email: 'norma@qa-example.com' }] });
      sc = await createContact(t, south.auth, { firstName: 'Sven', lastName: 'South' });
      noteId = (
        await t
          .http()
          .post('/api/v1/activities')
          .set(admin)
          .send({ type: 'note', subject: 'South only', body: 'Southern pricing talk', teamId: south.user.teamIds[0], contactIds: [nc, sc] })
          .expect(201)
      ).body.id;
      const entry = (resource: string | null, teamId: string | null, summary: string) =>
        t.dataSource.query(
          `INSERT INTO contacts.timeline_entries (id, subject_type, subject_id, occurred_at, event, source_event_id, resource, record_id, owner_id, team_id, summary)
           VALUES ($1, 'contact', $2, now(), 'deal.won', $3, $4, $5, NULL, $6, $7)`,
          [randomUUID(), nc, randomUUID(), resource, resource ? randomUUID() : null, teamId, summary],
        );
      await entry('deals', south.user.teamIds[0], 'Southern deal won');
      await entry('deals', north.user.teamIds[0], 'Northern deal won');
      const csv = 'email,title\nnorma@qa-example.com,Buyer\n';
      const accepted = await uploadImport(t, admin, csv, { entity: 'contact', mode: 'upsert', matchBy: 'email', mapping: { email: 'email', title: 'jobTitle' }, dryRun: 'false' }, 'titles.csv').expect(202);
      importId = accepted.body.id;
      expect(await importSettled(t, admin, importId, ['completed', 'failed'])).toMatchObject({ status: 'completed', updated: 1 });
    });

    it('lists only the activities, timeline entries and imports the caller may see', async () => {
      await t.http().get(`/api/v1/activities/${noteId}`).set(north.auth).expect(404);
      const timeline = (await t.http().get(`/api/v1/contacts/${nc}/timeline`).set(north.auth).expect(200)).body;
      expect(JSON.stringify(timeline)).not.toMatch(/South only|Southern/);

      const d = await personalData(north.auth, nc);
      expect(d.activities.map((a: { id: string }) => a.id)).not.toContain(noteId);
      expect(d.timelineEntries.map((x: { summary: string }) => x.summary)).toEqual(['Northern deal won']);
      expect(d.otherRecords.find((o: { holder: string }) => o.holder === 'contactImports').records).toEqual([]);
      expect(JSON.stringify(d)).not.toMatch(/South only|Southern|Sven/);

      const all = await personalData(admin, nc);
      expect(all.activities.map((a: { id: string }) => a.id)).toContain(noteId);
      expect(all.timelineEntries.map((x: { summary: string }) => x.summary).sort()).toEqual(['Northern deal won', 'Southern deal won']);
      expect(all.otherRecords.find((o: { holder: string }) => o.holder === 'contactImports').records).toEqual([expect.objectContaining({ importId, action: 'updated' })]);
    });
  });
});
