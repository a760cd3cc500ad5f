import * as jwt from 'jsonwebtoken';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin, loginAs, seedUser, TEST_PASSWORD } from '../support/auth';

describe('identity: sign-in, sessions, guard', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (email: string, password: string) => t.http().post('/api/v1/auth/login').send({ email, password });

  describe('login', () => {
    it('returns an access token, a refresh token and its lifetime', async () => {
      const u = await seedUser(t, { role: 'sales' });
      const res = await login(u.email.toUpperCase(), u.password);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.stringMatching(/^rt_/), expiresIn: t.config.auth.accessTokenTtl });
      const claims = jwt.verify(res.body.accessToken, t.config.auth.jwtSecret as string, { algorithms: ['HS256'] }) as jwt.JwtPayload;
      expect(claims.sub).toBe(u.id);
      const me = await t.http().get('/api/v1/me').set('Authorization', `Bearer ${res.body.accessToken}`);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ type: 'user', role: 'sales', isAdmin: false, user: { id: u.id, email: u.email } });
      expect(me.body.user).not.toHaveProperty('passwordHash');
      const [row] = await t.dataSource.query(`SELECT last_login_at FROM platform.users WHERE id = $1`, [u.id]);
      expect(row.last_login_at).not.toBeNull();
    });

    it('answers the same 401 for a wrong password and an unknown email', async () => {
      const u = await seedUser(t);
      const wrong = await login(u.email, 'not-the-password');
      const unknown = await login('nobody@example.test', 'not-the-password');
      for (const res of [wrong, unknown]) {
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      }
      const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
      expect(strip(wrong.body)).toEqual(strip(unknown.body));
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    });

    it('locks an account after repeated failures, even for the right password, without saying so', async () => {
      const u = await seedUser(t);
      for (let i = 0; i < 5; i++) expect((await login(u.email, `wrong-${i}`)).status).toBe(401);
      const [row] = await t.dataSource.query(`SELECT failed_login_count, locked_until FROM platform.users WHERE id = $1`, [u.id]);
      expect(row.failed_login_count).toBe(5);
      expect(new Date(row.locked_until).getTime()).toBeGreaterThan(Date.now());
      const locked = await login(u.email, u.password);
      expect(locked.status).toBe(401);
      expect(locked.body.code).toBe('INVALID_CREDENTIALS');
      // The lock grows with each failure after it ends.
      await t.dataSource.query(`UPDATE platform.users SET locked_until = now() - interval '1 second' WHERE id = $1`, [u.id]);
      expect((await login(u.email, 'wrong-again')).status).toBe(401);
      const [again] = await t.dataSource.query(`SELECT failed_login_count, extract(epoch FROM locked_until - now()) AS secs FROM platform.users WHERE id = $1`, [u.id]);
      expect(again.failed_login_count).toBe(6);
      expect(Number(again.secs)).toBeGreaterThan(60);
      // Once the lock is over, the right password works and resets the counter.
      await t.dataSource.query(`UPDATE platform.users SET locked_until = now() - interval '1 second' WHERE id = $1`, [u.id]);
      expect((await login(u.email, u.password)).status).toBe(200);
      const [reset] = await t.dataSource.query(`SELECT failed_login_count, locked_until FROM platform.users WHERE id = $1`, [u.id]);
      expect(reset).toEqual({ failed_login_count: 0, locked_until: null });
    });

    it('refuses disabled and deleted users', async () => {
      const disabled = await seedUser(t);
      const deleted = await seedUser(t);
      await t.dataSource.query(`UPDATE platform.users SET status = 'disabled' WHERE id = $1`, [disabled.id]);
      await t.dataSource.query(`UPDATE platform.users SET deleted_at = now() WHERE id = $1`, [deleted.id]);
      expect((await login(disabled.email, disabled.password)).status).toBe(401);
      expect((await login(deleted.email, deleted.password)).status).toBe(401);
    });

    it('rejects bad input with a 400 naming the field', async () => {
      const res = await t.http().post('/api/v1/auth/login').send({ email: 42, password: 'x', extra: true });
      expect(res.status).toBe(400);
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['email', 'extra']));
    });
  });

  describe('refresh and logout', () => {
    it('rotates the refresh token, and a reused one ends the whole session', async () => {
      const u = await seedUser(t);
      const first = (await login(u.email, u.password)).body;
      const second = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken });
      expect(second.status).toBe(200);
      expect(second.body.refreshToken).not.toBe(first.refreshToken);
      expect((await t.http().get('/api/v1/me').set('Authorization', `Bearer ${second.body.accessToken}`)).status).toBe(200);

      // The first token again: someone else has a copy. Both it and its successor stop working.
      const reuse = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken });
      expect(reuse.status).toBe(401);
      expect(reuse.body.code).toBe('INVALID_REFRESH_TOKEN');
      const successor = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: second.body.refreshToken });
      expect(successor.status).toBe(401);
      const [{ live }] = await t.dataSource.query(`SELECT count(*)::int AS live FROM platform.refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL`, [u.id]);
      expect(live).toBe(0);
    });

    it('stores refresh tokens only hashed', async () => {
      const u = await seedUser(t);
      const { refreshToken } = (await login(u.email, u.password)).body;
      const rows = await t.dataSource.query(`SELECT token_hash FROM platform.refresh_tokens WHERE user_id = $1`, [u.id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0].token_hash).not.toContain(refreshToken.slice(3));
    });

    it('logout revokes the session; logging out twice is fine', async () => {
      const u = await seedUser(t);
      const { refreshToken } = (await login(u.email, u.password)).body;
      expect((await t.http().post('/api/v1/auth/logout').send({ refreshToken })).status).toBe(204);
      expect((await t.http().post('/api/v1/auth/logout').send({ refreshToken })).status).toBe(204);
      expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken })).status).toBe(401);
    });

    it('refuses to refresh for a user disabled since', async () => {
      const u = await seedUser(t);
      const { refreshToken, accessToken } = (await login(u.email, u.password)).body;
      await t.dataSource.query(`UPDATE platform.users SET status = 'disabled' WHERE id = $1`, [u.id]);
      expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken })).status).toBe(401);
      // The access token stops working at once too: the guard reads the user's status.
      expect((await t.http().get('/api/v1/me').set('Authorization', `Bearer ${accessToken}`)).status).toBe(401);
    });

    it('rejects an unknown refresh token', async () => {
      const res = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: 'rt_nope' });
      expect(res.status).toBe(401);
    });
  });

  describe('guard', () => {
    it('answers 401 with a challenge without credentials, and for bad or expired ones', async () => {
      const none = await t.http().get('/api/v1/me');
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="crm"');
      expect(none.headers['content-type']).toMatch(/^application\/problem\+json/);

      const garbage = await t.http().get('/api/v1/me').set('Authorization', 'Bearer not.a.jwt');
      expect(garbage.status).toBe(401);
      expect(garbage.headers['www-authenticate']).toContain('invalid_token');

      const u = await seedUser(t);
      const expired = jwt.sign({ sub: u.id, typ: 'access' }, t.config.auth.jwtSecret as string, { algorithm: 'HS256', expiresIn: -10, issuer: 'crm-box', audience: 'crm-api' });
      expect((await t.http().get('/api/v1/me').set('Authorization', `Bearer ${expired}`)).status).toBe(401);
      const forged = jwt.sign({ sub: u.id, typ: 'access' }, 'another-secret-another-secret-another-secret', { algorithm: 'HS256', expiresIn: 60, issuer: 'crm-box', audience: 'crm-api' });
      expect((await t.http().get('/api/v1/me').set('Authorization', `Bearer ${forged}`)).status).toBe(401);
      const noneAlg = jwt.sign({ sub: u.id, typ: 'access' }, '', { algorithm: 'none', issuer: 'crm-box', audience: 'crm-api' } as jwt.SignOptions);
      expect((await t.http().get('/api/v1/me').set('Authorization', `Bearer ${noneAlg}`)).status).toBe(401);

      expect((await t.http().get('/api/v1/me').set('X-API-Key', 'crm_nothere_x')).status).toBe(401);
    });

    it('checks the expiry of a token and its user on every use, not only when it is first verified', async () => {
      const u = await seedUser(t);
      const exp = Math.floor(Date.now() / 1000) + 2;
      const token = jwt.sign({ sub: u.id, typ: 'access', exp }, t.config.auth.jwtSecret as string, { algorithm: 'HS256', issuer: 'crm-box', audience: 'crm-api' });
      const me = () => t.http().get('/api/v1/me').set('Authorization', `Bearer ${token}`);
      expect((await me()).status).toBe(200);
      expect((await me()).status).toBe(200);
      // The same claims under another signature are not the verified token.
      const [head, body] = token.split('.');
      expect((await t.http().get('/api/v1/me').set('Authorization', `Bearer ${head}.${body}.${'A'.repeat(43)}`)).status).toBe(401);
      await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 50));
      expect((await me()).status).toBe(401);

      const v = await seedUser(t);
      const { accessToken } = (await login(v.email, v.password)).body;
      expect((await t.http().get('/api/v1/me').set('Authorization', `Bearer ${accessToken}`)).status).toBe(200);
      await t.dataSource.query(`UPDATE platform.users SET status = 'disabled' WHERE id = $1`, [v.id]);
      expect((await t.http().get('/api/v1/me').set('Authorization', `Bearer ${accessToken}`)).status).toBe(401);
    });

    it('keeps public routes open', async () => {
      expect((await t.http().get('/health/live')).status).toBe(200);
    });

    it('answers 403 when the role has no scope for the action', async () => {
      const viewer = await loginAs(t, await seedUser(t, { role: 'readonly' }));
      const res = await t.http().get('/api/v1/api-keys').set(viewer);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
      expect((await t.http().get('/api/v1/roles').set(viewer)).status).toBe(200);
    });

    it('lets an admin in everywhere', async () => {
      const admin = await asAdmin(t);
      const me = await t.http().get('/api/v1/me').set(admin);
      expect(me.body).toMatchObject({ isAdmin: true, role: 'admin' });
      expect((await t.http().get('/api/v1/api-keys').set(admin)).status).toBe(200);
    });

    it('never answers 5xx to odd credentials', async () => {
      const u = await seedUser(t);
      const weird = jwt.sign({ sub: "x' OR 1=1 --", typ: 'access' }, t.config.auth.jwtSecret as string, { algorithm: 'HS256', expiresIn: 60, issuer: 'crm-box', audience: 'crm-api' });
      const refreshClaims = jwt.sign({ sub: u.id, typ: 'refresh' }, t.config.auth.jwtSecret as string, { algorithm: 'HS256', expiresIn: 60, issuer: 'crm-box', audience: 'crm-api' });
      for (const h of [`Bearer ${weird}`, `Bearer ${refreshClaims}`, 'Basic abc', 'Bearer', '']) {
        const res = await t.http().get('/api/v1/me').set('Authorization', h);
        expect(res.status).toBe(401);
      }
      expect(TEST_PASSWORD.length).toBeGreaterThanOrEqual(12);
    });
  });
});
