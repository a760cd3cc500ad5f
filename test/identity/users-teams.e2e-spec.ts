import { createTestApp, TestApp } from '../support/app';
import { asAdmin, loginAs, seedUser, SeededUser } from '../support/auth';

type Auth = { Authorization: string };

describe('identity: users and teams', () => {
  let t: TestApp;
  let admin: Auth;
  let roleIds: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await asAdmin(t);
    const rows: { id: string; name: string }[] = await t.dataSource.query(`SELECT id, name FROM platform.roles`);
    roleIds = Object.fromEntries(rows.map((r) => [r.name, r.id]));
  });
  afterAll(async () => {
    await t.close();
  });

  describe('create, read, update, delete', () => {
    let created: { id: string; email: string };

    it('creates a user with a role and teams, generating a password shown once', async () => {
      const team = await t.http().post('/api/v1/teams').set(admin).send({ name: 'Alpha' });
      expect(team.status).toBe(201);
      expect(team.headers.location).toBe(`/api/v1/teams/${team.body.id}`);
      expect((await t.http().post(`/api/v1/teams/${team.body.id}/restore`).set(admin)).status).toBe(409);
      const res = await t.http().post('/api/v1/users').set(admin).send({ email: 'New.Person@Example.test', roleId: roleIds.sales, teamIds: [team.body.id] });
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe(`/api/v1/users/${res.body.id}`);
      expect(res.body).toMatchObject({ email: 'New.Person@Example.test', displayName: 'New.Person', role: 'sales', roleId: roleIds.sales, teamIds: [team.body.id], status: 'active', version: 1, deletedAt: null });
      expect(res.body.generatedPassword).toMatch(/^[A-Za-z0-9]{20}$/);
      expect(res.body).not.toHaveProperty('passwordHash');
      created = res.body;
      expect((await t.http().post('/api/v1/auth/login').send({ email: 'new.person@example.test', password: res.body.generatedPassword })).status).toBe(200);
      const again = await t.http().get(`/api/v1/users/${created.id}`).set(admin);
      expect(again.body).not.toHaveProperty('generatedPassword');
      expect(again.headers.etag).toBe('"1"');
    });

    it('refuses a second account for the same email in another case (409 naming email)', async () => {
      const res = await t.http().post('/api/v1/users').set(admin).send({ email: 'NEW.PERSON@example.test', roleId: roleIds.sales, password: 'long-enough-password' });
      expect(res.status).toBe(409);
      expect(res.body.errors).toEqual([{ field: 'email', message: 'is taken' }]);
    });

    it('rejects unknown fields, wrong types and fields nobody may set with a 400 naming them', async () => {
      const res = await t.http().post('/api/v1/users').set(admin).send({ email: 'x@example.test', roleId: 'nope', teamIds: 'a', id: 'abc', version: 3, password: 'short' });
      expect(res.status).toBe(400);
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['roleId', 'teamIds', 'id', 'version', 'password']));
      const patch = await t.http().patch(`/api/v1/users/${created.id}`).set(admin).send({ status: 'gone', createdAt: '2020-01-01', displayName: '   ' });
      expect(patch.status).toBe(400);
      expect(patch.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['status', 'createdAt', 'displayName']));
      const badTeam = await t.http().post('/api/v1/users').set(admin).send({ email: 'y@example.test', roleId: roleIds.sales, teamIds: ['0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11'] });
      expect(badTeam.status).toBe(400);
      expect(badTeam.body.errors).toEqual([{ field: 'teamIds[0]', message: 'is not an existing team' }]);
      expect((await t.http().get('/api/v1/users/not-a-uuid').set(admin)).status).toBe(400);
    });

    it('updates with If-Match and bumps the version; a stale If-Match is a 412', async () => {
      const res = await t.http().patch(`/api/v1/users/${created.id}`).set(admin).set('If-Match', '"1"').send({ displayName: 'Renamed', roleId: roleIds.support });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ displayName: 'Renamed', role: 'support', version: 2 });
      expect(res.headers.etag).toBe('"2"');
      const stale = await t.http().patch(`/api/v1/users/${created.id}`).set(admin).set('If-Match', '"1"').send({ displayName: 'Again' });
      expect(stale.status).toBe(412);
      const audit = await t.dataSource.query(`SELECT action, changes, actor_type, request_id FROM platform.audit_log WHERE resource = 'users' AND record_id = $1 ORDER BY occurred_at`, [created.id]);
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['create', 'update']);
      expect(audit[1]).toMatchObject({ actor_type: 'user', request_id: expect.any(String) });
      expect(audit[1].changes).toEqual({ displayName: { from: 'New.Person', to: 'Renamed' }, roleId: { from: roleIds.sales, to: roleIds.support } });
      expect(JSON.stringify(audit)).not.toMatch(/\$argon2/);
    });

    it('deletes to the recycle bin (no more sign-in), lists it only on request, and restores', async () => {
      const u = await seedUser(t);
      const session = await loginAs(t, u);
      const del = await t.http().delete(`/api/v1/users/${u.id}`).set(admin);
      expect(del.status).toBe(200);
      expect(del.body.deletedAt).not.toBeNull();
      expect((await t.http().get('/api/v1/me').set(session)).status).toBe(401);
      expect((await t.http().post('/api/v1/auth/login').send({ email: u.email, password: u.password })).status).toBe(401);
      expect((await t.http().get(`/api/v1/users/${u.id}`).set(admin)).status).toBe(404);
      const live = await t.http().get('/api/v1/users?limit=200').set(admin);
      expect(live.body.data.map((x: { id: string }) => x.id)).not.toContain(u.id);
      const bin = await t.http().get('/api/v1/users?filter[deleted][eq]=true').set(admin);
      expect(bin.body.data.map((x: { id: string }) => x.id)).toEqual([u.id]);
      const restored = await t.http().post(`/api/v1/users/${u.id}/restore`).set(admin);
      expect(restored.status).toBe(200);
      expect(restored.body.deletedAt).toBeNull();
      expect((await t.http().post('/api/v1/auth/login').send({ email: u.email, password: u.password })).status).toBe(200);
      // A live user is not in the bin: 409, not 404 (it exists).
      const again = await t.http().post(`/api/v1/users/${u.id}/restore`).set(admin);
      expect([again.status, again.body.code]).toEqual([409, 'NOT_DELETED']);
    });

    it('keeps the last admin: nobody changes their own role or deletes themself', async () => {
      const [me] = await t.dataSource.query(`SELECT u.id FROM platform.users u JOIN platform.roles r ON r.id = u.role_id WHERE r.name = 'admin'`);
      expect((await t.http().patch(`/api/v1/users/${me.id}`).set(admin).send({ roleId: roleIds.sales })).status).toBe(403);
      expect((await t.http().delete(`/api/v1/users/${me.id}`).set(admin)).status).toBe(403);
      const second = await seedUser(t, { role: 'admin' });
      const secondAuth = await loginAs(t, second);
      // Demoting the first admin is fine while the second remains.
      const demote = await t.http().patch(`/api/v1/users/${me.id}`).set(secondAuth).send({ status: 'disabled' });
      expect(demote.status).toBe(200);
      const lastOne = await seedUser(t, { role: 'admin' });
      await t.dataSource.query(`UPDATE platform.users SET status = 'active' WHERE id = $1`, [me.id]);
      expect((await t.http().delete(`/api/v1/users/${lastOne.id}`).set(secondAuth)).status).toBe(200);
    });

    it('paginates with a cursor and enforces limit bounds', async () => {
      for (let i = 0; i < 3; i++) await seedUser(t);
      const first = await t.http().get('/api/v1/users?limit=2').set(admin);
      expect(first.status).toBe(200);
      expect(first.body.data).toHaveLength(2);
      expect(first.body.page).toEqual({ nextCursor: expect.any(String), hasMore: true });
      const second = await t.http().get(`/api/v1/users?limit=2&cursor=${encodeURIComponent(first.body.page.nextCursor)}`).set(admin);
      expect(second.body.data[0].id).not.toBe(first.body.data[0].id);
      expect(second.body.data.map((u: { id: string }) => u.id)).not.toContain(first.body.data[1].id);
      expect((await t.http().get('/api/v1/users?limit=201').set(admin)).status).toBe(400);
      const bad = await t.http().get('/api/v1/users?filter[passwordHash][eq]=x').set(admin);
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('filter[passwordHash]');
    });
  });

  describe('self-service', () => {
    it('lets anyone change their own name and password (with the current one), ending their sessions', async () => {
      const u = await seedUser(t, { role: 'readonly' });
      const auth = await loginAs(t, u);
      const login = (await t.http().post('/api/v1/auth/login').send({ email: u.email, password: u.password })).body;
      expect((await t.http().patch(`/api/v1/users/${u.id}`).set(auth).send({ displayName: 'Me Myself' })).body.displayName).toBe('Me Myself');
      const noCurrent = await t.http().patch(`/api/v1/users/${u.id}`).set(auth).send({ password: 'a-brand-new-password' });
      expect(noCurrent.status).toBe(400);
      expect(noCurrent.body.errors[0].field).toBe('currentPassword');
      const wrongCurrent = await t.http().patch(`/api/v1/users/${u.id}`).set(auth).send({ password: 'a-brand-new-password', currentPassword: 'nope' });
      expect(wrongCurrent.status).toBe(403);
      const ok = await t.http().patch(`/api/v1/users/${u.id}`).set(auth).send({ password: 'a-brand-new-password', currentPassword: u.password });
      expect(ok.status).toBe(200);
      expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken: login.refreshToken })).status).toBe(401);
      expect((await t.http().post('/api/v1/auth/login').send({ email: u.email, password: 'a-brand-new-password' })).status).toBe(200);
      // …but not their own role, status or teams without the users update permission.
      const escalate = await t.http().patch(`/api/v1/users/${u.id}`).set(auth).send({ roleId: roleIds.admin });
      expect(escalate.status).toBe(403);
    });

    it('lets an admin reset someone\'s password without the current one', async () => {
      const u = await seedUser(t);
      expect((await t.http().patch(`/api/v1/users/${u.id}`).set(admin).send({ password: 'reset-by-the-admin' })).status).toBe(200);
      expect((await t.http().post('/api/v1/auth/login').send({ email: u.email, password: 'reset-by-the-admin' })).status).toBe(200);
    });
  });

  describe('scopes', () => {
    let northA: SeededUser;
    let northB: SeededUser;
    let south: SeededUser;
    let customRole: string;

    beforeAll(async () => {
      const role = await t.http().post('/api/v1/roles').set(admin).send({
        name: 'team-lead',
        permissions: { users: { read: 'team', create: 'team', update: 'team' }, teams: { read: 'team', update: 'team' }, roles: { read: 'all' }, contacts: { read: 'all' } },
      });
      expect(role.status).toBe(201);
      customRole = role.body.id;
      northA = await seedUser(t, { role: 'team-lead', teams: ['North'] });
      northB = await seedUser(t, { role: 'readonly', teams: ['North'] });
      south = await seedUser(t, { role: 'readonly', teams: ['South'] });
    });

    it('team scope: users see only those who share a team; others are 404', async () => {
      const a = await loginAs(t, northA);
      const list = await t.http().get('/api/v1/users?limit=200').set(a);
      expect(list.status).toBe(200);
      expect(list.body.data.map((u: { id: string }) => u.id).sort()).toEqual([northA.id, northB.id].sort());
      expect((await t.http().get(`/api/v1/users/${northB.id}`).set(a)).status).toBe(200);
      expect((await t.http().get(`/api/v1/users/${south.id}`).set(a)).status).toBe(404);
      expect((await t.http().patch(`/api/v1/users/${south.id}`).set(a).send({ displayName: 'x' })).status).toBe(404);

      const s = await loginAs(t, south);
      const southList = await t.http().get('/api/v1/users').set(s);
      expect(southList.body.data.map((u: { id: string }) => u.id)).toEqual([south.id]);
      // teams.read = team: only one's own teams.
      const teams = await t.http().get('/api/v1/teams').set(a);
      expect(teams.body.data.map((x: { name: string }) => x.name)).toEqual(['North']);
      const southTeam = south.teamIds[0];
      expect((await t.http().get(`/api/v1/teams/${southTeam}`).set(a)).status).toBe(404);
    });

    it('a non-admin cannot grant a role beyond their own rights, nor touch teams they are not in', async () => {
      const a = await loginAs(t, northA);
      const beyond = await t.http().post('/api/v1/users').set(a).send({ email: 'sales-hire@example.test', roleId: roleIds.sales, teamIds: northA.teamIds });
      expect(beyond.status).toBe(403);
      expect(beyond.body.code).toBe('GRANT_BEYOND_OWN_RIGHTS');
      const adminGrant = await t.http().patch(`/api/v1/users/${northB.id}`).set(a).send({ roleId: roleIds.admin });
      expect(adminGrant.status).toBe(403);
      const same = await t.http().post('/api/v1/users').set(a).send({ email: 'peer@example.test', roleId: customRole, teamIds: northA.teamIds });
      expect(same.status).toBe(201);
      const otherTeam = await t.http().post('/api/v1/users').set(a).send({ email: 'peer2@example.test', roleId: customRole, teamIds: south.teamIds });
      expect(otherTeam.status).toBe(403);
      // A user with a stronger role is out of reach, even in the same team.
      const boss = await seedUser(t, { role: 'manager', teams: ['North'] });
      expect((await t.http().patch(`/api/v1/users/${boss.id}`).set(a).send({ displayName: 'x' })).status).toBe(403);
    });

    it('team membership: add and remove through the team', async () => {
      const team = (await t.http().post('/api/v1/teams').set(admin).send({ name: 'Gamma' })).body;
      const put = await t.http().put(`/api/v1/teams/${team.id}/members/${south.id}`).set(admin);
      expect(put.status).toBe(200);
      expect(put.body.memberIds).toEqual([south.id]);
      expect((await t.http().put(`/api/v1/teams/${team.id}/members/${south.id}`).set(admin)).body.memberIds).toEqual([south.id]);
      const user = await t.http().get(`/api/v1/users/${south.id}`).set(admin);
      expect(user.body.teamIds).toContain(team.id);
      expect((await t.http().delete(`/api/v1/teams/${team.id}/members/${south.id}`).set(admin)).body.memberIds).toEqual([]);
      expect((await t.http().delete(`/api/v1/teams/${team.id}/members/${south.id}`).set(admin)).status).toBe(404);
      const dup = await t.http().post('/api/v1/teams').set(admin).send({ name: 'gamma' });
      expect(dup.status).toBe(409);
    });
  });
});
