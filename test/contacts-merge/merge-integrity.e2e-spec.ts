import { TestApp } from '../support/app';
import { Auth, createCompany, createContact, TeamMember } from '../contacts-activities/support';
import { twoTeams } from './support';

/** What a merge that still stands protects: its duplicates stay folded, its undo says why it cannot run, what moved is a new version. */
describe('merges that still stand', () => {
  jest.setTimeout(60_000);

  let t: TestApp;
  let admin: Auth;
  let north: TeamMember;
  let south: TeamMember;

  beforeAll(async () => ({ t, admin, north, south } = await twoTeams()));
  afterAll(() => t?.close());

  for (const kind of ['contacts', 'companies'] as const) {
    const create = (auth: Auth, extra: Record<string, unknown> = {}) => (kind === 'contacts' ? createContact(t, auth, extra) : createCompany(t, auth, extra));
    const get = (auth: Auth, id: string) => t.http().get(`/api/v1/${kind}/${id}`).set(auth);
    const merge = (auth: Auth, body: object) => t.http().post(`/api/v1/${kind}/merge`).set(auth).send(body);
    const undo = (auth: Auth, id: string) => t.http().post(`/api/v1/${kind}/merges/${id}/undo`).set(auth);
    const restore = (auth: Auth, id: string) => t.http().post(`/api/v1/${kind}/${id}/restore`).set(auth);
    const remove = (auth: Auth, id: string) => t.http().delete(`/api/v1/${kind}/${id}`).set(auth);

    describe(kind, () => {
      it('refuses to restore a merged duplicate by hand (409 ALREADY_MERGED with the merge), and restores it through the undo', async () => {
        const w1 = await create(north.auth);
        const w2 = await create(north.auth);
        const w3 = await create(north.auth);
        const m = (await merge(north.auth, { primaryId: w1, duplicateIds: [w2] }).expect(200)).body.id;

        for (const auth of [north.auth, admin]) {
          const res = await restore(auth, w2).expect(409);
          expect(res.body).toMatchObject({ type: 'urn:crm:problem:already-merged', status: 409, mergeId: m });
          expect(res.body.detail).toMatch(/undo/);
        }
        // Another team does not learn that the record exists.
        await restore(south.auth, w2).expect(404);
        await get(north.auth, w2).expect(404);
        const [row] = await t.dataSource.query(`SELECT deleted_at FROM contacts.${kind} WHERE id = $1`, [w2]);
        expect(row.deleted_at).not.toBeNull();
        // Still a merged duplicate: it cannot be merged again, and the merge can still be undone.
        expect((await merge(north.auth, { primaryId: w3, duplicateIds: [w2] }).expect(409)).body.mergeId).toBe(m);
        await undo(north.auth, m).expect(200);
        await get(north.auth, w2).expect(200);

        // Once the merge is undone, the record is an ordinary one: deleted and restored by hand.
        await remove(north.auth, w2).expect(204);
        await restore(north.auth, w2).expect(200);
      });

      it('answers an undo whose primary is in the recycle bin with a 409 saying to restore it first (404 out of sight)', async () => {
        const p = await create(north.auth);
        const d = await create(north.auth);
        const m = (await merge(north.auth, { primaryId: p, duplicateIds: [d] }).expect(200)).body.id;
        await remove(north.auth, p).expect(204);

        for (const auth of [north.auth, admin]) {
          const res = await undo(auth, m).expect(409);
          expect(res.body).toMatchObject({ type: 'urn:crm:problem:merge-primary-deleted', status: 409 });
          expect(res.body.detail).toMatch(/restore it first/);
        }
        await undo(south.auth, m).expect(404);

        await restore(north.auth, p).expect(200);
        await undo(north.auth, m).expect(200);
        await get(north.auth, d).expect(200);
      });

      it('answers an undo whose primary was merged into another record since with a 409 naming that merge, and undoes in reverse order', async () => {
        const d1 = await create(north.auth);
        const d3 = await create(north.auth);
        const d4 = await create(north.auth);
        const first = (await merge(north.auth, { primaryId: d1, duplicateIds: [d3] }).expect(200)).body.id;
        const later = (await merge(north.auth, { primaryId: d4, duplicateIds: [d1] }).expect(200)).body.id;

        for (const auth of [north.auth, admin]) {
          const res = await undo(auth, first).expect(409);
          expect(res.body).toMatchObject({ type: 'urn:crm:problem:merge-primary-merged', status: 409, mergeId: later });
          expect(res.body.detail).toMatch(/undo that merge first/);
        }
        await undo(south.auth, first).expect(404);
        // Restoring the primary by hand is no way around it.
        expect((await restore(north.auth, d1).expect(409)).body).toMatchObject({ type: 'urn:crm:problem:already-merged', mergeId: later });

        await undo(north.auth, later).expect(200);
        await undo(north.auth, first).expect(200);
        for (const id of [d1, d3, d4]) await get(north.auth, id).expect(200);
        // An undone merge whose primary is gone again says so first.
        await remove(north.auth, d1).expect(204);
        expect((await undo(north.auth, first).expect(409)).body.type).toBe('urn:crm:problem:merge-already-undone');
      });
    });
  }

  it('refuses a parent choice that would make the primary company its own parent (400 naming it), and nothing changes', async () => {
    // P <- A <- S1: S1's parent is A, the primary itself.
    const p = await createCompany(t, north.auth, { name: 'Parent' });
    const a = await createCompany(t, north.auth, { name: 'A', parentCompanyId: p });
    const s1 = await createCompany(t, north.auth, { name: 'S1', parentCompanyId: a });

    const res = await t.http().post('/api/v1/companies/merge').set(north.auth).send({ primaryId: a, duplicateIds: [s1], fieldChoices: { parentCompanyId: s1 } }).expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'fieldChoices.parentCompanyId' })]);
    expect((await t.http().get(`/api/v1/companies/${s1}`).set(north.auth).expect(200)).body.parentCompanyId).toBe(a);
    expect((await t.http().get(`/api/v1/companies/${a}`).set(north.auth).expect(200)).body.parentCompanyId).toBe(p);
    expect(await t.dataSource.query(`SELECT id FROM contacts.company_merges WHERE primary_id = $1`, [a])).toEqual([]);

    // Without the choice the primary keeps its place.
    await t.http().post('/api/v1/companies/merge').set(north.auth).send({ primaryId: a, duplicateIds: [s1] }).expect(200);
    expect((await t.http().get(`/api/v1/companies/${a}`).set(north.auth).expect(200)).body.parentCompanyId).toBe(p);
  });

  it('makes each moved activity a new version and moves meeting attendees too; the undo puts them back, again as a new version', async () => {
    const activity = (id: string) => t.http().get(`/api/v1/activities/${id}`).set(north.auth).expect(200);
    const primaryId = await createContact(t, north.auth);
    const dupId = await createContact(t, north.auth);
    const other = await createContact(t, north.auth);
    const note = (await t.http().post('/api/v1/activities').set(north.auth).send({ type: 'note', body: 'Called', contactIds: [dupId] }).expect(201)).body.id;
    const meeting = (
      await t
        .http()
        .post('/api/v1/activities')
        .set(north.auth)
        .send({
          type: 'meeting',
          startAt: '2026-03-01T09:00:00Z',
          contactIds: [dupId, other],
          attendees: [{ contactId: primaryId }, { contactId: dupId, name: 'Dup' }, { contactId: other }, { name: 'Guest', email: 'guest@example.com' }],
        })
        .expect(201)
    ).body.id;
    // A meeting the duplicate attended without being linked to it.
    const attended = (await t.http().post('/api/v1/activities').set(north.auth).send({ type: 'meeting', startAt: '2026-03-02T09:00:00Z', contactIds: [other], attendees: [{ contactId: dupId }] }).expect(201)).body.id;
    const untouched = (await t.http().post('/api/v1/activities').set(north.auth).send({ type: 'note', body: 'Other', contactIds: [other] }).expect(201)).body.id;
    const before = new Map<string, { etag: string; updatedAt: string }>();
    for (const id of [note, meeting, attended, untouched]) {
      const res = await activity(id);
      before.set(id, { etag: res.headers.etag, updatedAt: res.body.updatedAt });
    }

    const m = (await t.http().post('/api/v1/contacts/merge').set(north.auth).send({ primaryId, duplicateIds: [dupId] }).expect(200)).body.id;

    for (const id of [note, meeting, attended]) {
      const res = await activity(id);
      expect(res.headers.etag).toBe('"2"');
      expect(res.body.version).toBe(2);
      expect(res.body.updatedAt > (before.get(id)?.updatedAt as string)).toBe(true);
    }
    expect((await activity(untouched)).headers.etag).toBe(before.get(untouched)?.etag);
    expect((await activity(note)).body.contactIds).toEqual([primaryId]);
    const merged = (await activity(meeting)).body;
    expect([...merged.contactIds].sort()).toEqual([primaryId, other].sort());
    expect(merged.attendees.map((a: { contactId: string | null }) => a.contactId)).toEqual([primaryId, primaryId, other, null]);
    expect(merged.attendees[1]).toMatchObject({ name: 'Dup' });
    expect((await activity(attended)).body.attendees.map((a: { contactId: string | null }) => a.contactId)).toEqual([primaryId]);
    // A write prepared against the activity as it was before the merge no longer goes through.
    await t.http().patch(`/api/v1/activities/${note}`).set(north.auth).set('If-Match', '"1"').send({ contactIds: [other] }).expect(412);

    await t.http().post(`/api/v1/contacts/merges/${m}/undo`).set(north.auth).expect(200);
    for (const id of [note, meeting, attended]) expect((await activity(id)).headers.etag).toBe('"3"');
    expect((await activity(note)).body.contactIds).toEqual([dupId]);
    const back = (await activity(meeting)).body;
    expect([...back.contactIds].sort()).toEqual([dupId, other].sort());
    expect(back.attendees.map((a: { contactId: string | null }) => a.contactId)).toEqual([primaryId, dupId, other, null]);
    expect((await activity(attended)).body.attendees.map((a: { contactId: string | null }) => a.contactId)).toEqual([dupId]);
  });
});
