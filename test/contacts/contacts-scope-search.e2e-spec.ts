import { createTestApp, TestApp } from '../support/app';
import { asAdmin, loginAs, seedUser, createRole, TEAM_SCOPE } from '../support/auth';
import { NameWordsHousekeeping } from '../../src/modules/contacts/persistence/name-words.housekeeping';

type Auth = { Authorization: string };
const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((x) => x.id).sort();

describe('contacts: scope, search, duplicates, tags, batch (e2e)', () => {
  let t: TestApp;
  let admin: Auth;
  let north: Auth;
  let south: Auth;
  const northIds: string[] = [];
  const southIds: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    admin = await asAdmin(t);
    await createRole(t, 'team-rep', { contacts: TEAM_SCOPE, companies: TEAM_SCOPE, tags: { read: 'all' }, 'custom-fields': { read: 'all' }, users: { read: 'team' } });
    north = await loginAs(t, await seedUser(t, { role: 'team-rep', teams: ['North'] }));
    south = await loginAs(t, await seedUser(t, { role: 'team-rep', teams: ['South'] }));

    const nCo = await t.http().post('/api/v1/companies').set(north).send({ name: 'Nordlicht GmbH', tags: ['partner'] }).expect(201);
    for (const body of [
      { firstName: 'Zoë', lastName: 'Lefèvre', emails: [{ email: 'zoe@nordlicht.example' }], tags: ['vip'], companies: [{ companyId: nCo.body.id, role: 'billing' }] },
      { firstName: 'Jürgen', lastName: 'Schmidt', phones: [{ number: '+49 30 901820' }], tags: ['vip', 'newsletter'] },
      { firstName: 'Katarzyna', lastName: 'Wiśniewska', emails: [{ email: 'kasia@example.pl' }], address: { city: 'Kraków', country: 'PL' } },
    ]) {
      northIds.push((await t.http().post('/api/v1/contacts').set(north).send(body).expect(201)).body.id);
    }
    for (const body of [
      { firstName: 'Zoe', lastName: 'Lefevre', emails: [{ email: 'zoe.south@example.com' }], tags: ['vip'] },
      { firstName: 'Marta', lastName: 'García', address: { city: 'Kraków', country: 'PL' }, tags: ['south-only'] },
    ]) {
      southIds.push((await t.http().post('/api/v1/contacts').set(south).send(body).expect(201)).body.id);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('two teams cannot see each other\'s contacts', () => {
    it('in lists, search, get, count and tags', async () => {
      expect(ids(await t.http().get('/api/v1/contacts').set(north).expect(200))).toEqual([...northIds].sort());
      expect(ids(await t.http().get('/api/v1/contacts').set(south).expect(200))).toEqual([...southIds].sort());
      expect(ids(await t.http().get('/api/v1/contacts').query({ q: 'zoe' }).set(south).expect(200))).toEqual([southIds[0]]);
      expect(ids(await t.http().post('/api/v1/contacts/search').set(north).send({ filter: { field: 'city', op: 'eq', value: 'Kraków' } }).expect(200))).toEqual([northIds[2]]);
      expect((await t.http().get('/api/v1/contacts/count').query({ 'filter[tags][contains]': 'vip' }).set(north).expect(200)).body).toEqual({ count: 2 });
      expect((await t.http().get('/api/v1/contacts/count').query({ 'filter[tags][contains]': 'vip' }).set(south).expect(200)).body).toEqual({ count: 1 });
      expect((await t.http().get('/api/v1/contacts/count').query({ 'filter[tags][contains]': 'vip' }).set(admin).expect(200)).body).toEqual({ count: 3 });
      await t.http().get(`/api/v1/contacts/${northIds[0]}`).set(south).expect(404);
      await t.http().patch(`/api/v1/contacts/${northIds[0]}`).set(south).send({ jobTitle: 'x' }).expect(404);
      await t.http().delete(`/api/v1/contacts/${northIds[0]}`).set(south).expect(404);
      await t.http().get(`/api/v1/contacts/${northIds[0]}/duplicates`).set(south).expect(404);
      const southTags = await t.http().get('/api/v1/tags').set(south).expect(200);
      expect(southTags.body.data).toEqual([
        { name: 'south-only', contacts: 1, companies: 0 },
        { name: 'vip', contacts: 1, companies: 0 },
      ]);
    });

    it('answers 403, not 404, for a change to a contact the caller may read but not change', async () => {
      await createRole(t, 'reader-rep', { contacts: { read: 'all', create: 'own', update: 'own', delete: 'own' } });
      const rep = await loginAs(t, await seedUser(t, { role: 'reader-rep', teams: ['North'] }));
      await t.http().get(`/api/v1/contacts/${southIds[0]}`).set(rep).expect(200);
      const patch = await t.http().patch(`/api/v1/contacts/${southIds[0]}`).set(rep).send({ jobTitle: 'x' }).expect(403);
      expect(patch.body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      expect(patch.body.detail).toMatch(/may see this contact but not change it/);
      await t.http().delete(`/api/v1/contacts/${southIds[0]}`).set(rep).expect(403);
      // Their own they change; one outside their read scope stays a 404 (south cannot read north's).
      const own = (await t.http().post('/api/v1/contacts').set(rep).send({ lastName: 'Readerrep' }).expect(201)).body.id;
      await t.http().patch(`/api/v1/contacts/${own}`).set(rep).send({ jobTitle: 'x' }).expect(200);
      await t.http().patch(`/api/v1/contacts/${northIds[0]}`).set(south).send({ jobTitle: 'x' }).expect(404);
      await t.http().delete(`/api/v1/contacts/${own}`).set(rep).expect(204);
    });

    it('cannot link another team\'s company nor move a contact into another team', async () => {
      const nCo = await t.http().get('/api/v1/companies').set(north).expect(200);
      const res = await t.http().post('/api/v1/contacts').set(south).send({ firstName: 'Sneaky', companies: [{ companyId: nCo.body.data[0].id }] }).expect(400);
      expect(res.body.errors[0].field).toBe('companies[0].companyId');
      const teams = await t.http().get('/api/v1/teams').set(admin).expect(200);
      const northTeam = teams.body.data.find((x: { name: string }) => x.name === 'North').id;
      await t.http().post('/api/v1/contacts').set(south).send({ firstName: 'Mover', teamId: northTeam }).expect(403);
    });

    it('gives a record only to an existing active user the caller can see, and only to an existing team (400 naming the field)', async () => {
      const teams = await t.http().get('/api/v1/teams').set(admin).expect(200);
      const northTeam = teams.body.data.find((x: { name: string }) => x.name === 'North').id as string;
      const southUser = await seedUser(t, { role: 'team-rep', teams: ['South'] });
      const northPeer = await seedUser(t, { role: 'team-rep', teams: ['North'] });
      const gone = await seedUser(t, { role: 'team-rep', teams: ['North'] });
      await t.http().patch(`/api/v1/users/${gone.id}`).set(admin).send({ status: 'disabled' }).expect(200);
      const missing = '0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11';
      const field = async (req: Promise<{ status: number; headers: Record<string, string>; body: { errors?: { field: string }[] } }>, name: string) => {
        const res = await req;
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body.errors?.map((e) => e.field)).toEqual([name]);
      };
      // The QA case: a North rep hands a North contact to a South user, whom GET /users/{id} hides from them.
      await t.http().get(`/api/v1/users/${southUser.id}`).set(north).expect(404);
      for (const ownerId of [southUser.id, missing, gone.id]) {
        await field(t.http().post('/api/v1/contacts').set(north).send({ firstName: 'own', ownerId }), 'ownerId');
        await field(t.http().post('/api/v1/companies').set(north).send({ name: 'own', ownerId }), 'ownerId');
        await field(t.http().patch(`/api/v1/contacts/${northIds[1]}`).set(north).send({ ownerId }), 'ownerId');
      }
      // An admin sees every user, but a user or a team that does not exist is still a 400.
      await field(t.http().post('/api/v1/contacts').set(admin).send({ firstName: 'own', ownerId: missing }), 'ownerId');
      await field(t.http().post('/api/v1/contacts').set(admin).send({ firstName: 'own', teamId: missing }), 'teamId');
      await field(t.http().post('/api/v1/companies').set(admin).send({ name: 'own', teamId: missing }), 'teamId');
      await field(t.http().patch(`/api/v1/companies/${(await t.http().get('/api/v1/companies').set(north)).body.data[0].id}`).set(admin).send({ teamId: missing }), 'teamId');
      // A colleague of the same team is fine, and so is the admin's choice of any active user.
      const peer = await t.http().post('/api/v1/contacts').set(north).send({ firstName: 'peer', ownerId: northPeer.id }).expect(201);
      expect(peer.body).toMatchObject({ ownerId: northPeer.id, teamId: northTeam });
      await t.http().post('/api/v1/contacts').set(admin).send({ firstName: 'south', ownerId: southUser.id, teamId: southUser.teamIds[0] }).expect(201);
      await t.http().delete(`/api/v1/contacts/${peer.body.id}`).set(admin).expect(204);
    });
  });

  describe('q search', () => {
    const q = async (text: string, auth: Auth = admin) => (await t.http().get('/api/v1/contacts').query({ q: text }).set(auth).expect(200)).body.data.map((c: { firstName: string }) => c.firstName).sort();
    it('is accent- and case-insensitive', async () => {
      expect(await q('LEFEVRE', north)).toEqual(['Zoë']);
      expect(await q('wisniewska')).toEqual(['Katarzyna']);
      expect(await q('jurgen')).toEqual(['Jürgen']);
    });
    it('tolerates typos and matches prefixes, emails, phones and company names', async () => {
      expect(await q('Schmitd')).toEqual(['Jürgen']);
      expect(await q('Wisniewsak')).toEqual(['Katarzyna']);
      expect(await q('Katar')).toEqual(['Katarzyna']);
      expect(await q('kasia@exa')).toEqual(['Katarzyna']);
      expect(await q('4930901820')).toEqual(['Jürgen']);
      // A phone number however it is written: separators, brackets, 00 for +, the national 0.
      for (const phone of ['+49 30 901820', '+49-30-901820', '(+49) 30901820', '004930901820', '030 901820', '901 820']) expect([phone, await q(phone)]).toEqual([phone, ['Jürgen']]);
      expect(await q('nordlicht')).toEqual(['Zoë']);
      expect(await q('zzzqqq')).toEqual([]);
    });
    it('finds a name with one letter swapped, dropped, doubled or replaced, within the caller\'s scope; erasure forgets the name', async () => {
      const people = [
        { firstName: 'John', lastName: 'Smith' },
        { firstName: 'Marie', lastName: 'Dubois' },
        { firstName: 'Søren', lastName: 'Köhler' },
      ];
      const created: string[] = [];
      for (const body of people) created.push((await t.http().post('/api/v1/contacts').set(north).send(body).expect(201)).body.id);
      // Too few trigrams in common with the name for the similarity search alone.
      for (const [typed, found] of [
        ['Jonh Smtih', 'John'],
        ['jhon', 'John'],
        ['Dubios', 'Marie'],
        ['Duboiss', 'Marie'],
        ['Koheer', 'Søren'],
        ['Marie Dubos', 'Marie'],
      ]) {
        expect([typed, await q(typed, north)]).toEqual([typed, [found]]);
      }
      // Companies alike.
      const acme = (await t.http().post('/api/v1/companies').set(north).send({ name: 'Acme Logistics' }).expect(201)).body.id;
      const companies = async (text: string, auth: Auth) => (await t.http().get('/api/v1/companies').query({ q: text }).set(auth).expect(200)).body.data.map((c: { id: string }) => c.id);
      for (const typed of ['Amce', 'Acem Logsitics', 'acme logistcs']) expect([typed, await companies(typed, north)]).toEqual([typed, [acme]]);
      expect(await companies('Amce', south)).toEqual([]);
      await t.http().delete(`/api/v1/companies/${acme}`).set(north).expect(204);
      // Another team's names are words too, but their contacts stay out of sight.
      expect(await q('Jonh Smtih', south)).toEqual([]);
      // A word too short to correct, and a word that is itself a name, match as before.
      expect(await q('Jhn', north)).toEqual([]);
      // A renamed contact is found under its new name's typos.
      await t.http().patch(`/api/v1/contacts/${created[0]}`).set(north).send({ lastName: 'Oyelaran' }).expect(200);
      expect(await q('Oyelaarn', north)).toEqual(['John']);
      const words = async () => (await t.dataSource.query(`SELECT DISTINCT word FROM contacts.name_words WHERE entity = 'contact' ORDER BY word`)).map((r: { word: string }) => r.word);
      expect(await words()).toEqual(expect.arrayContaining(['kohler', 'soren', 'oyelaran']));
      // Erasing the person removes the words of their name that no other contact's name holds.
      await t.http().post(`/api/v1/contacts/${created[2]}/erase`).set(admin).expect(200);
      expect(await words()).not.toEqual(expect.arrayContaining(['kohler']));
      expect(await words()).not.toEqual(expect.arrayContaining(['soren']));
      expect(await q('Koheer', north)).toEqual([]);
      await t.http().post(`/api/v1/contacts/${created[0]}/erase`).set(admin).expect(200);
      await t.http().delete(`/api/v1/contacts/${created[1]}`).set(north).expect(204);

      // The nightly pass removes words no name holds any more (a rename's old name, rows gone
      // without an erasure) and keeps one row per word in use.
      await t.dataSource.query(`DELETE FROM contacts.contacts WHERE id = $1`, [created[1]]);
      await t.dataSource.query(`INSERT INTO contacts.name_words (entity, word) VALUES ('contact', 'jurgen'), ('contact', 'jurgen')`);
      const housekeeping = t.app.get(NameWordsHousekeeping);
      expect(await housekeeping.run()).toBeGreaterThanOrEqual(4);
      const left = await words();
      expect(left).not.toEqual(expect.arrayContaining(['smith']));
      expect(left).not.toEqual(expect.arrayContaining(['dubois']));
      expect(left).toEqual(expect.arrayContaining(['jurgen', 'schmidt', 'katarzyna']));
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM contacts.name_words WHERE entity = 'contact' AND word = 'jurgen'`);
      expect(n).toBe(1);
      expect(await housekeeping.run()).toBe(0);
      expect(await q('Shcmidt')).toEqual(['Jürgen']);
    });

    it('lists the closest names first for a name, newest first for anything else, and pages either way', async () => {
      // Created oldest to newest: the newest-first order would put the person typed last.
      const people = [
        { firstName: 'Ignatius', lastName: 'Quellbrunner' },
        { firstName: 'Ignaz', lastName: 'Quellbrunnen' },
        { firstName: 'Otto', lastName: 'Quellbrunner-Steinhaus', emails: [{ email: 'ignatius.q@example.org' }] },
      ];
      const created: string[] = [];
      for (const body of people) created.push((await t.http().post('/api/v1/contacts').set(admin).send(body).expect(201)).body.id);
      const page = async (query: Record<string, string | number>) => (await t.http().get('/api/v1/contacts').query(query).set(admin).expect(200)).body;
      const order = async (text: string) => (await page({ q: text })).data.map((c: { id: string }) => c.id);
      expect((await order('Ignatius Quelbrunner'))[0]).toBe(created[0]);
      // Similarity to the whole name: 0.59, 0.52 and 0.46, the reverse of newest first.
      expect(await order('quellbrunner')).toEqual(created);
      expect((await page({ q: 'quellbrunner', sort: '-createdAt' })).data.map((c: { id: string }) => c.id)).toEqual([...created].reverse());
      // Not a name (an email's part): newest first.
      expect(await order('ignatius.q@')).toEqual([created[2], created[0]]);
      expect((await page({ q: 'quellbrunner', sort: 'createdAt' })).data.map((c: { id: string }) => c.id)).toEqual(created);
      // One by one through the ranked order: every match once, in the order of the whole page.
      const whole = await order('quellbrunner');
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const p: { data: { id: string }[]; page: { nextCursor: string | null } } = await page({ q: 'quellbrunner', limit: 1, ...(cursor ? { cursor } : {}) });
        walked.push(...p.data.map((c) => c.id));
        cursor = p.page.nextCursor;
      } while (cursor);
      expect(walked).toEqual(whole);
      expect(new Set(walked)).toEqual(new Set(created));
      // A cursor of the ranked order is refused under another sort.
      const ranked = await page({ q: 'quellbrunner', limit: 1 });
      expect((await t.http().get('/api/v1/contacts').query({ q: 'quellbrunner', sort: '-createdAt', cursor: ranked.page.nextCursor }).set(admin)).status).toBe(400);
      for (const id of created) await t.http().delete(`/api/v1/contacts/${id}`).set(admin).expect(204);
    });

    it('pages a ranked search to its end, each match once, whatever the ranks (contacts and companies)', async () => {
      const contacts: string[] = [];
      for (const [firstName, lastName] of [['Anna', 'Kowalska'], ['Anna', 'Kowalski'], ['Anna', 'Nowak'], ['Anna', 'Kowal'], ['Annabel', 'Lee']]) {
        contacts.push((await t.http().post('/api/v1/contacts').set(admin).send({ firstName, lastName }).expect(201)).body.id);
      }
      const companies: string[] = [];
      for (const name of ['Harbour Labs', 'Harbour Logistics Labs', 'Labs of the Harbour', 'Harbourside Labs']) {
        companies.push((await t.http().post('/api/v1/companies').set(admin).send({ name }).expect(201)).body.id);
      }
      const walk = async (resource: string, q: string) => {
        const whole = (await t.http().get(`/api/v1/${resource}`).query({ q, limit: 200 }).set(admin).expect(200)).body.data.map((r: { id: string }) => r.id);
        const walked: string[] = [];
        let cursor: string | null = null;
        for (let pages = 0; pages <= whole.length; pages++) {
          const page: { data: { id: string }[]; page: { nextCursor: string | null } } = (
            await t.http().get(`/api/v1/${resource}`).query({ q, limit: 1, ...(cursor ? { cursor } : {}) }).set(admin).expect(200)
          ).body;
          walked.push(...page.data.map((r) => r.id));
          cursor = page.page.nextCursor;
          if (!cursor) break;
        }
        expect(cursor).toBeNull();
        expect(walked).toEqual(whole);
        return whole;
      };
      expect(await walk('contacts', 'anna')).toEqual(expect.arrayContaining(contacts.slice(0, 4)));
      expect(await walk('companies', 'harbour labs')).toEqual(expect.arrayContaining(companies));
      for (const id of contacts) await t.http().delete(`/api/v1/contacts/${id}`).set(admin).expect(204);
      for (const id of companies) await t.http().delete(`/api/v1/companies/${id}`).set(admin).expect(204);
    });

    it('finds a contact under its company\'s new name', async () => {
      const co = (await t.http().get('/api/v1/companies').query({ q: 'nordlicht' }).set(north).expect(200)).body.data[0];
      await t.http().patch(`/api/v1/companies/${co.id}`).set(north).send({ name: 'Polarstern AG' }).expect(200);
      expect(await q('polarstern')).toEqual(['Zoë']);
    });
  });

  describe('duplicates', () => {
    it('answers 409 with candidates for the same email, the same phone, or a similar name at the same company', async () => {
      const byEmail = await t.http().post('/api/v1/contacts').set(north).send({ firstName: 'Someone', emails: [{ email: 'ZOE@nordlicht.example' }] }).expect(409);
      expect(byEmail.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(byEmail.body).toMatchObject({ status: 409, code: 'CONTACT_POSSIBLE_DUPLICATE', candidates: [{ id: northIds[0], score: 1, reason: 'email' }] });
      // The flag is true or false: anything else is a 400 naming it, not a silent false.
      const maybe = await t.http().post('/api/v1/contacts?skipDuplicateCheck=maybe').set(north).send({ firstName: 'Someone', emails: [{ email: 'ZOE@nordlicht.example' }] }).expect(400);
      expect(maybe.body.errors).toEqual([expect.objectContaining({ field: 'skipDuplicateCheck' })]);

      const byPhone = await t.http().post('/api/v1/contacts').set(north).send({ firstName: 'Other', phones: [{ number: '030 901820' }], address: { country: 'DE' } }).expect(409);
      expect(byPhone.body.candidates).toEqual([{ id: northIds[1], score: 0.9, reason: 'phone' }]);

      const co = (await t.http().get('/api/v1/companies').set(north).expect(200)).body.data[0];
      const byName = await t.http().post('/api/v1/contacts').set(north).send({ firstName: 'Zoe', lastName: 'Lefevre', companies: [{ companyId: co.id }] }).expect(409);
      expect(byName.body.candidates).toEqual([{ id: northIds[0], score: expect.any(Number), reason: 'name_company' }]);
      expect(byName.body.candidates[0].score).toBeGreaterThanOrEqual(0.6);

      // Candidates are what the caller may see: the south team's Zoe Lefevre is not offered to north.
      const forced = await t.http().post('/api/v1/contacts?skipDuplicateCheck=true').set(north).send({ firstName: 'Zoe', lastName: 'Lefevre', emails: [{ email: 'zoe@nordlicht.example' }] }).expect(201);
      const dups = await t.http().get(`/api/v1/contacts/${forced.body.id}/duplicates`).set(north).expect(200);
      expect(dups.body.data).toEqual([{ id: northIds[0], score: 1, reason: 'email' }]);
    });
  });

  describe('batch', () => {
    it('creates and updates up to 100 in one call with a result per item', async () => {
      const res = await t
        .http()
        .post('/api/v1/contacts/batch?skipDuplicateCheck=true')
        .set(north)
        .send({ create: [{ firstName: 'B1' }, { firstName: 'B2', emails: [{ email: 'bad' }] }, { jobTitle: 'nameless' }] });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('create[1].emails[0].email');
      const ok = await t.http().post('/api/v1/contacts/batch?skipDuplicateCheck=true').set(north).send({ create: [{ firstName: 'B1' }, { jobTitle: 'nameless' }] }).expect(200);
      expect(ok.body.results).toEqual([
        { index: 0, status: 201, data: expect.objectContaining({ firstName: 'B1', version: 1 }) },
        { index: 1, status: 400, error: expect.objectContaining({ code: 'VALIDATION_FAILED', errors: [{ field: 'firstName', message: expect.any(String) }] }) },
      ]);
      const id = ok.body.results[0].data.id;
      const upd = await t.http().post('/api/v1/contacts/batch').set(north).send({ update: [{ id, jobTitle: 'CTO' }, { id: southIds[0], jobTitle: 'x' }] }).expect(200);
      expect(upd.body.results.map((r: { status: number }) => r.status)).toEqual([200, 404]);
      expect(upd.body.results[0].data).toMatchObject({ jobTitle: 'CTO', version: 2 });
      const notObject = await t.http().post('/api/v1/contacts/batch').set(north).send({ create: [[]] }).expect(400);
      expect(notObject.body.errors).toEqual([expect.objectContaining({ field: 'create[0]' })]);
      const tooMany = await t.http().post('/api/v1/contacts/batch').set(north).send({ create: Array.from({ length: 101 }, (_, i) => ({ firstName: `N${i}` })) }).expect(400);
      expect(tooMany.body.errors[0].field).toBe('create');
      await t.http().post('/api/v1/contacts/batch').set(north).send({ create: [{ firstName: 'x' }], update: [{ id, jobTitle: 'y' }] }).expect(400);
      const companies = await t.http().post('/api/v1/companies/batch').set(north).send({ create: [{ name: 'Batch Co 1' }, { name: 'Batch Co 2', domains: ['batch2.example'] }] }).expect(200);
      expect(companies.body.results.map((r: { status: number }) => r.status)).toEqual([201, 201]);
    });
  });

  describe('lists', () => {
    it('pages with cursors over a custom sort without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: Record<string, string> = { limit: '2', sort: 'lastName' };
        if (cursor) query.cursor = cursor;
        const res = await t.http().get('/api/v1/contacts').query(query).set(admin).expect(200);
        seen.push(...res.body.data.map((c: { id: string }) => c.id));
        cursor = res.body.page.nextCursor;
      } while (cursor);
      const all = await t.http().get('/api/v1/contacts').query({ limit: '200' }).set(admin).expect(200);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual(ids(all));
    });

    it('matches emails, phones and domains in the form they are stored', async () => {
      const one = async (query: Record<string, string>) => ids(await t.http().get('/api/v1/contacts').query(query).set(admin).expect(200));
      expect(await one({ 'filter[emails][contains]': ' KASIA@Example.PL' })).toEqual([northIds[2]]);
      expect(await one({ 'filter[primaryEmail][eq]': 'Kasia@example.pl' })).toEqual([northIds[2]]);
      expect(await one({ 'filter[phones][in]': '+49 30 901820,+1 415 555 0100' })).toEqual([northIds[1]]);
      const cos = await t.http().get('/api/v1/companies').query({ 'filter[domains][contains]': 'https://www.Batch2.example/' }).set(admin).expect(200);
      expect(cos.body.data.map((c: { name: string }) => c.name)).toEqual(['Batch Co 2']);
    });

    it('lists tags with counts and pages them', async () => {
      const first = await t.http().get('/api/v1/tags').query({ limit: '1' }).set(admin).expect(200);
      expect(first.body.data).toHaveLength(1);
      expect(first.body.page.hasMore).toBe(true);
      const rest = await t.http().get('/api/v1/tags').query({ cursor: first.body.page.nextCursor }).set(admin).expect(200);
      const all = [...first.body.data, ...rest.body.data];
      expect(all.find((x: { name: string }) => x.name === 'vip')).toEqual({ name: 'vip', contacts: 3, companies: 0 });
      expect(all.find((x: { name: string }) => x.name === 'partner')).toEqual({ name: 'partner', contacts: 0, companies: 1 });
      expect(rest.body.page).toEqual({ hasMore: false, nextCursor: null });
      const filtered = await t.http().get('/api/v1/tags').query({ q: 'VI' }).set(admin).expect(200);
      expect(filtered.body.data.map((x: { name: string }) => x.name)).toEqual(['vip']);
    });
  });
});
