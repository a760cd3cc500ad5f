import { createTestApp, TestApp } from '../support/app';
import { asAdmin, loginAs, seedUser } from '../support/auth';

type Auth = { Authorization: string };

describe('identity: API keys and roles', () => {
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

  describe('API keys', () => {
    it('shows the key once, stores it hashed, authenticates with its role, records lastUsedAt, and revokes', async () => {
      const created = await t.http().post('/api/v1/api-keys').set(admin).send({ name: 'Webshop', roleId: roleIds.readonly });
      expect(created.status).toBe(201);
      expect(created.headers.location).toBe(`/api/v1/api-keys/${created.body.id}`);
      const key: string = created.body.key;
      expect(key).toMatch(/^crm_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
      expect(created.body).toMatchObject({ name: 'Webshop', role: 'readonly', prefix: key.slice(0, 12), lastUsedAt: null, revokedAt: null });

      const [row] = await t.dataSource.query(`SELECT key_hash, key_prefix FROM platform.api_keys WHERE id = $1`, [created.body.id]);
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain(key.slice(13));

      const listed = await t.http().get('/api/v1/api-keys').set(admin);
      expect(listed.status).toBe(200);
      expect(JSON.stringify(listed.body)).not.toContain(key.slice(13));
      expect(listed.body.data[0]).not.toHaveProperty('key');
      const one = await t.http().get(`/api/v1/api-keys/${created.body.id}`).set(admin);
      expect(one.body).not.toHaveProperty('key');

      const me = await t.http().get('/api/v1/me').set('X-API-Key', key);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ type: 'apiKey', apiKeyId: created.body.id, role: 'readonly', isAdmin: false });
      // The role decides: readonly may read roles but not create users.
      expect((await t.http().get('/api/v1/roles').set('X-API-Key', key)).status).toBe(200);
      expect((await t.http().post('/api/v1/users').set('X-API-Key', key).send({ email: 'k@example.test', roleId: roleIds.readonly })).status).toBe(403);

      // lastUsedAt is written in the background, at most once a minute.
      let used: Date | null = null;
      for (let i = 0; i < 50 && !used; i++) {
        [{ last_used_at: used }] = await t.dataSource.query(`SELECT last_used_at FROM platform.api_keys WHERE id = $1`, [created.body.id]);
        if (!used) await new Promise((r) => setTimeout(r, 20));
      }
      expect(used).not.toBeNull();
      await t.http().get('/api/v1/me').set('X-API-Key', key);
      const [{ last_used_at: after }] = await t.dataSource.query(`SELECT last_used_at FROM platform.api_keys WHERE id = $1`, [created.body.id]);
      expect(new Date(after).getTime()).toBe(new Date(used as Date).getTime());

      expect((await t.http().delete(`/api/v1/api-keys/${created.body.id}`).set(admin)).status).toBe(204);
      expect((await t.http().delete(`/api/v1/api-keys/${created.body.id}`).set(admin)).status).toBe(204);
      const revoked = await t.http().get('/api/v1/me').set('X-API-Key', key);
      expect(revoked.status).toBe(401);
      expect(revoked.body.code).toBe('INVALID_API_KEY');
    });

    it('refuses expired keys and keys that were never issued', async () => {
      const created = await t.http().post('/api/v1/api-keys').set(admin).send({ name: 'Short-lived', roleId: roleIds.readonly, expiresAt: new Date(Date.now() + 60_000).toISOString() });
      expect(created.status).toBe(201);
      expect((await t.http().get('/api/v1/me').set('X-API-Key', created.body.key)).status).toBe(200);
      await t.dataSource.query(`UPDATE platform.api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [created.body.id]);
      expect((await t.http().get('/api/v1/me').set('X-API-Key', created.body.key)).status).toBe(401);
      const forged = `${created.body.key.slice(0, 13)}${'A'.repeat(43)}`;
      expect((await t.http().get('/api/v1/me').set('X-API-Key', forged)).status).toBe(401);
      const past = await t.http().post('/api/v1/api-keys').set(admin).send({ name: 'Past', roleId: roleIds.readonly, expiresAt: '2020-01-01T00:00:00Z' });
      expect(past.status).toBe(400);
      expect(past.body.errors[0].field).toBe('expiresAt');
      const bad = await t.http().post('/api/v1/api-keys').set(admin).send({ name: 'Bad', roleId: roleIds.readonly, expiresAt: 'tomorrow', key: 'mine' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['expiresAt', 'key']));
    });

    it('lets a non-admin create keys only within their own rights, and see only their own keys', async () => {
      const role = await t.http().post('/api/v1/roles').set(admin).send({
        name: 'integrator',
        permissions: { 'api-keys': { read: 'own', create: 'own', delete: 'own' }, contacts: { read: 'all' }, roles: { read: 'all' } },
      });
      expect(role.status).toBe(201);
      const integrator = await loginAs(t, await seedUser(t, { role: 'integrator' }));
      const above = await t.http().post('/api/v1/api-keys').set(integrator).send({ name: 'Too strong', roleId: roleIds.sales });
      expect(above.status).toBe(403);
      expect(above.body.code).toBe('GRANT_BEYOND_OWN_RIGHTS');
      const within = await t.http().post('/api/v1/api-keys').set(integrator).send({ name: 'Mine', roleId: role.body.id });
      expect(within.status).toBe(201);
      const mine = await t.http().get('/api/v1/api-keys').set(integrator);
      expect(mine.body.data.map((k: { id: string }) => k.id)).toEqual([within.body.id]);
      const adminKey = (await t.http().post('/api/v1/api-keys').set(admin).send({ name: 'Admin-made', roleId: roleIds.readonly })).body;
      expect((await t.http().get(`/api/v1/api-keys/${adminKey.id}`).set(integrator)).status).toBe(404);
      expect((await t.http().delete(`/api/v1/api-keys/${adminKey.id}`).set(integrator)).status).toBe(404);
    });

    it('an admin key cannot remove the last active admin', async () => {
      const key = (await t.http().post('/api/v1/api-keys').set(admin).send({ name: 'Ops', roleId: roleIds.admin })).body.key;
      const admins: { id: string }[] = await t.dataSource.query(
        `SELECT u.id FROM platform.users u JOIN platform.roles r ON r.id = u.role_id WHERE r.name = 'admin' AND u.status = 'active' AND u.deleted_at IS NULL`,
      );
      expect(admins).toHaveLength(1);
      const res = await t.http().delete(`/api/v1/users/${admins[0].id}`).set('X-API-Key', key);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('LAST_ADMIN');
      const disable = await t.http().patch(`/api/v1/users/${admins[0].id}`).set('X-API-Key', key).send({ status: 'disabled' });
      expect(disable.status).toBe(409);
    });
  });

  describe('roles', () => {
    it('lists the built-in roles', async () => {
      const res = await t.http().get('/api/v1/roles?limit=200').set(admin);
      expect(res.status).toBe(200);
      const builtIn = res.body.data.filter((r: { builtIn: boolean }) => r.builtIn).map((r: { name: string }) => r.name);
      expect(builtIn).toEqual(['admin', 'manager', 'marketing', 'readonly', 'sales', 'support']);
    });

    it('validates permissions: unknown resources, actions and scopes are a 400 naming the field', async () => {
      const res = await t.http().post('/api/v1/roles').set(admin).send({
        name: 'broken',
        permissions: { contacts: { read: 'everything', fly: 'all' }, spaceships: { read: 'all' }, deals: 'all' },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
        ['permissions.contacts.fly', 'permissions.contacts.read', 'permissions.deals', 'permissions.spaceships'].sort(),
      );
      const notObject = await t.http().post('/api/v1/roles').set(admin).send({ name: 'broken', permissions: [1] });
      expect(notObject.status).toBe(400);
      expect(notObject.body.errors[0].field).toBe('permissions');
      const badName = await t.http().post('/api/v1/roles').set(admin).send({ name: 'Has Spaces', permissions: {} });
      expect(badName.status).toBe(400);
    });

    it('creates, changes and deletes a custom role; built-in roles stay', async () => {
      const created = await t.http().post('/api/v1/roles').set(admin).send({ name: 'auditor', description: 'Reads history', permissions: { audit: { read: 'all', update: 'none' } } });
      expect(created.status).toBe(201);
      expect(created.body.permissions).toEqual({ audit: { read: 'all' } });
      expect((await t.http().post('/api/v1/roles').set(admin).send({ name: 'auditor', permissions: {} })).status).toBe(409);
      const changed = await t.http().patch(`/api/v1/roles/${created.body.id}`).set(admin).set('If-Match', '"1"').send({ permissions: { audit: { read: 'team' } } });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ version: 2, permissions: { audit: { read: 'team' } } });

      const holder = await seedUser(t, { role: 'auditor' });
      expect((await t.http().delete(`/api/v1/roles/${created.body.id}`).set(admin)).status).toBe(409);
      await t.http().patch(`/api/v1/users/${holder.id}`).set(admin).send({ roleId: roleIds.readonly });
      expect((await t.http().delete(`/api/v1/roles/${created.body.id}`).set(admin)).status).toBe(204);
      expect((await t.http().get(`/api/v1/roles/${created.body.id}`).set(admin)).status).toBe(404);

      expect((await t.http().delete(`/api/v1/roles/${roleIds.sales}`).set(admin)).status).toBe(409);
      expect((await t.http().patch(`/api/v1/roles/${roleIds.sales}`).set(admin).send({ name: 'sellers' })).status).toBe(409);
      expect((await t.http().patch(`/api/v1/roles/${roleIds.admin}`).set(admin).send({ description: 'x' })).status).toBe(409);
      const editable = await t.http().patch(`/api/v1/roles/${roleIds.sales}`).set(admin).send({ description: 'Our sellers' });
      expect(editable.status).toBe(200);
    });

    it('a role change applies to its holders on their next request', async () => {
      const role = (await t.http().post('/api/v1/roles').set(admin).send({ name: 'shifting', permissions: { roles: { read: 'all' } } })).body;
      const auth = await loginAs(t, await seedUser(t, { role: 'shifting' }));
      expect((await t.http().get('/api/v1/roles').set(auth)).status).toBe(200);
      await t.http().patch(`/api/v1/roles/${role.id}`).set(admin).send({ permissions: {} });
      expect((await t.http().get('/api/v1/roles').set(auth)).status).toBe(403);
    });

    it('a non-admin with roles rights cannot create a role stronger than their own', async () => {
      const roleAdmin = (await t.http().post('/api/v1/roles').set(admin).send({
        name: 'role-admin',
        permissions: { roles: { read: 'all', create: 'all', update: 'all' }, contacts: { read: 'team' } },
      })).body;
      const auth = await loginAs(t, await seedUser(t, { role: roleAdmin.name }));
      const stronger = await t.http().post('/api/v1/roles').set(auth).send({ name: 'stronger', permissions: { contacts: { read: 'all' } } });
      expect(stronger.status).toBe(403);
      const weaker = await t.http().post('/api/v1/roles').set(auth).send({ name: 'weaker', permissions: { contacts: { read: 'own' } } });
      expect(weaker.status).toBe(201);
      expect((await t.http().patch(`/api/v1/roles/${roleIds.manager}`).set(auth).send({ description: 'mine now' })).status).toBe(403);
    });
  });
});
