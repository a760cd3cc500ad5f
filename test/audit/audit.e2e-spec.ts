import { AuditAccessRegistry } from '../../src/platform/audit/audit-access.registry';
import { newId } from '../../src/platform/database/columns';
import { createTestApp, TestApp } from '../support/app';
import { loginAs, seedUser, SeededUser } from '../support/auth';

/** GET /api/v1/audit through the real auth: who may read which history. */
describe('GET /api/v1/audit', () => {
  let t: TestApp;
  let admin: SeededUser;
  let adminAuth: { Authorization: string };
  let sales: SeededUser;
  let salesAuth: { Authorization: string };
  let roleId: string;
  const readable = newId();
  const unreadable = newId();

  beforeAll(async () => {
    t = await createTestApp();
    admin = await seedUser(t, { role: 'admin' });
    adminAuth = await loginAs(t, admin);
    sales = await seedUser(t, { role: 'sales' });
    salesAuth = await loginAs(t, sales);
    const role = await t.http().post('/api/v1/roles').set(adminAuth).set('X-Request-Id', 'audit-e2e-1').send({ name: 'auditors', permissions: { contacts: { read: 'own' } } });
    expect(role.status).toBe(201);
    roleId = role.body.id;
    // A resource whose readability the spec decides: the sales user may read `readable` only.
    t.app.get(AuditAccessRegistry).register('test-notes', async (actor, id) => actor.id === sales.id && id === readable);
    for (const [recordId, action] of [
      [readable, 'create'],
      [readable, 'update'],
      [unreadable, 'create'],
    ]) {
      await t.dataSource.query(
        `INSERT INTO platform.audit_log (id, actor_type, actor_id, resource, record_id, action, changes) VALUES ($1, 'system', 'system', 'test-notes', $2, $3, NULL)`,
        [newId(), recordId, action],
      );
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('needs credentials', async () => {
    expect((await t.http().get('/api/v1/audit')).status).toBe(401);
  });

  it('shows an admin who changed what, with the request id and a field diff', async () => {
    const res = await t.http().get(`/api/v1/audit?filter[resource][eq]=roles&filter[recordId][eq]=${roleId}`).set(adminAuth);
    expect(res.status).toBe(200);
    expect(res.body.page).toEqual({ nextCursor: null, hasMore: false });
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({ resource: 'roles', recordId: roleId, action: 'create', actorType: 'user', actorId: admin.id, requestId: 'audit-e2e-1' });
    expect(res.body.data[0].changes.name).toEqual({ from: null, to: 'auditors' });
  });

  it('filters by actor and time range and pages with a cursor', async () => {
    const all = await t.http().get('/api/v1/audit?filter[resource][eq]=test-notes&sort=occurredAt').set(adminAuth);
    expect(all.body.data).toHaveLength(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; page: { nextCursor: string | null } } } = await t
        .http()
        .get(`/api/v1/audit?filter[resource][eq]=test-notes&sort=occurredAt&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        .set(adminAuth);
      seen.push(...page.body.data.map((e) => e.id));
      cursor = page.body.page.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual(all.body.data.map((e: { id: string }) => e.id));
    const future = await t.http().get('/api/v1/audit?filter[occurredAt][gte]=2999-01-01T00:00:00Z').set(adminAuth);
    expect(future.body.data).toEqual([]);
    const mine = await t.http().get(`/api/v1/audit?filter[actorId][eq]=${admin.id}`).set(adminAuth);
    expect(mine.body.data.length).toBeGreaterThan(0);
    expect(mine.body.data.every((e: { actorId: string }) => e.actorId === admin.id)).toBe(true);
  });

  it('lets anyone else read only the history of a record they can read', async () => {
    const whole = await t.http().get('/api/v1/audit').set(salesAuth);
    expect(whole.status).toBe(403);
    expect(whole.headers['content-type']).toMatch(/problem\+json/);
    expect((await t.http().get('/api/v1/audit?filter[resource][eq]=test-notes').set(salesAuth)).status).toBe(403);
    const own = await t.http().get(`/api/v1/audit?filter[resource][eq]=test-notes&filter[recordId][eq]=${readable}`).set(salesAuth);
    expect(own.status).toBe(200);
    expect(own.body.data.map((e: { action: string }) => e.action).sort()).toEqual(['create', 'update']);
    expect((await t.http().get(`/api/v1/audit?filter[resource][eq]=test-notes&filter[recordId][eq]=${unreadable}`).set(salesAuth)).status).toBe(404);
    // An OR cannot widen the pinned record.
    expect((await t.http().get(`/api/v1/audit?filter[resource][in]=test-notes,roles&filter[recordId][eq]=${readable}`).set(salesAuth)).status).toBe(403);
    // A resource nobody registered is for admins only.
    expect((await t.http().get(`/api/v1/audit?filter[resource][eq]=nothing&filter[recordId][eq]=${readable}`).set(salesAuth)).status).toBe(404);
  });

  it('names a bad filter', async () => {
    const res = await t.http().get('/api/v1/audit?filter[changes][eq]=x').set(adminAuth);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('filter[changes]');
  });
});
