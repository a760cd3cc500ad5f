/**
 * Platform rules of the REST contract that hold for every operation (API.md "Writes", "Errors"):
 * an Idempotency-Key replay repeats Location and ETag; a taken unique value names its field; a
 * required body cannot be left out; a query parameter or body the operation does not declare is
 * a 400, never silently ignored.
 */
import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin } from '../support/auth';

type Auth = { Authorization: string };
const PROBLEM = /^application\/problem\+json/;

describe('request contract (e2e)', () => {
  let t: TestApp;
  let admin: Auth;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await asAdmin(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const newContact = async (body: Record<string, unknown> = {}) =>
    (await t.http().post('/api/v1/contacts?skipDuplicateCheck=true').set(admin).send({ lastName: `Doe ${randomUUID()}`, ...body }).expect(201)).body as {
      id: string;
      version: number;
    };
  const contactCount = async () => Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM contacts.contacts`))[0].n);

  describe('Idempotency-Key replays', () => {
    it('repeat Location and ETag of the first answer (set by the route interceptors)', async () => {
      const key = randomUUID();
      const body = { lastName: `Replay ${key}` };
      const first = await t.http().post('/api/v1/contacts').set(admin).set('Idempotency-Key', key).send(body).expect(201);
      expect(first.headers.location).toBe(`/api/v1/contacts/${first.body.id}`);
      expect(first.headers.etag).toBe('"1"');

      const before = await contactCount();
      const retry = await t.http().post('/api/v1/contacts').set(admin).set('Idempotency-Key', key).send(body).expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.text).toBe(first.text);
      expect(retry.headers.location).toBe(first.headers.location);
      expect(retry.headers.etag).toBe(first.headers.etag);
      expect(retry.headers['content-type']).toBe(first.headers['content-type']);
      expect(await contactCount()).toBe(before);
    });

    it('still replay answers stored without headers (rows written before they were kept)', async () => {
      const key = randomUUID();
      const body = { lastName: `Old ${key}` };
      const first = await t.http().post('/api/v1/contacts').set(admin).set('Idempotency-Key', key).send(body).expect(201);
      await t.dataSource.query(`UPDATE platform.idempotency_keys SET response_headers = NULL WHERE key = $1`, [key]);
      const retry = await t.http().post('/api/v1/contacts').set(admin).set('Idempotency-Key', key).send(body).expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.text).toBe(first.text);
    });

    it('replay a stored problem with its content type', async () => {
      const taken = `ext-idem-${randomUUID()}`;
      await newContact({ externalId: taken });
      const key = randomUUID();
      const body = { lastName: 'Dup', externalId: taken };
      const first = await t.http().post('/api/v1/contacts?skipDuplicateCheck=true').set(admin).set('Idempotency-Key', key).send(body).expect(409);
      const retry = await t.http().post('/api/v1/contacts?skipDuplicateCheck=true').set(admin).set('Idempotency-Key', key).send(body).expect(409);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.headers['content-type']).toMatch(PROBLEM);
      expect(retry.text).toBe(first.text);
    });
  });

  describe('a taken unique value', () => {
    const expectTaken = (res: { status: number; headers: Record<string, string>; body: Record<string, unknown>; text: string }, value: string) => {
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ code: 'UNIQUE_VIOLATION', errors: [{ field: 'externalId', message: 'is taken' }] });
      // The field's API name only: no value, column, constraint, table or SQL.
      expect(res.text).not.toContain(value);
      expect(res.text).not.toMatch(/external_id|_uq|contacts\.|Key \(|INSERT|UPDATE/);
    };

    it('is a 409 naming the field on create, update, restore and batch items', async () => {
      const value = `ext-dup-${randomUUID()}`;
      const holder = await newContact({ externalId: value });
      expectTaken(await t.http().post('/api/v1/contacts?skipDuplicateCheck=true').set(admin).send({ lastName: 'X', externalId: value }), value);

      const other = await newContact();
      expectTaken(await t.http().patch(`/api/v1/contacts/${other.id}`).set(admin).send({ externalId: value }), value);

      // The holder goes to the recycle bin, another takes the value, the holder cannot come back.
      await t.http().delete(`/api/v1/contacts/${holder.id}`).set(admin).expect(204);
      await t.http().patch(`/api/v1/contacts/${other.id}`).set(admin).send({ externalId: value }).expect(200);
      expectTaken(await t.http().post(`/api/v1/contacts/${holder.id}/restore`).set(admin), value);

      const batch = await t.http().post('/api/v1/contacts/batch?skipDuplicateCheck=true').set(admin).send({ create: [{ lastName: 'Y', externalId: value }] }).expect(200);
      expect(batch.body.results[0]).toMatchObject({ status: 409 });
      expect(JSON.stringify(batch.body)).toContain('externalId');
      expect(JSON.stringify(batch.body)).not.toContain(value);
    });
  });

  describe('a required body', () => {
    it('cannot be null or left out of a PATCH', async () => {
      const c = await newContact();
      const nullBody = await t.http().patch(`/api/v1/contacts/${c.id}`).set(admin).set('Content-Type', 'application/json').send('null');
      expect(nullBody.status).toBe(400);
      expect(nullBody.headers['content-type']).toMatch(PROBLEM);
      expect(nullBody.body.errors).toEqual([expect.objectContaining({ field: 'body' })]);
      const noBody = await t.http().patch(`/api/v1/contacts/${c.id}`).set(admin);
      expect(noBody.status).toBe(400);
      expect(noBody.body.errors).toEqual([expect.objectContaining({ field: 'body' })]);
      const after = await t.http().get(`/api/v1/contacts/${c.id}`).set(admin).expect(200);
      expect(after.body.version).toBe(c.version);
    });

    it('cannot be left out of a POST that creates', async () => {
      const res = await t.http().post('/api/v1/contacts?skipDuplicateCheck=true').set(admin).set('Content-Type', 'application/json').send('null');
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body' })]);
    });
  });

  describe('input an operation does not declare', () => {
    const expectUnknownQuery = (res: { status: number; headers: Record<string, string>; body: { code?: string; errors?: unknown[]; detail?: string } }, name: string) => {
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('INVALID_QUERY');
      expect(res.body.errors).toEqual([{ field: name, message: 'is not a known query parameter' }]);
      expect(res.body.detail).toBe(`Unknown query parameter ${name}.`);
    };
    const expectUnexpectedBody = (res: { status: number; headers: Record<string, string>; body: { code?: string; errors?: Array<{ field: string }> } }) => {
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('UNEXPECTED_BODY');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body' })]);
    };

    it('an unknown query parameter on erase is a 400, and nothing is erased', async () => {
      const c = await newContact({ firstName: 'Still', lastName: 'Here' });
      expectUnknownQuery(await t.http().post(`/api/v1/contacts/${c.id}/erase?dryRun=true`).set(admin), 'dryRun');
      const after = await t.http().get(`/api/v1/contacts/${c.id}`).set(admin).expect(200);
      expect(after.body.firstName).toBe('Still');
    });

    it('an unknown query parameter is a 400 naming it, on every kind of operation', async () => {
      const c = await newContact();
      const before = await contactCount();
      expectUnknownQuery(await t.http().post('/api/v1/contacts?foo=1').set(admin).send({ lastName: 'Foo' }), 'foo');
      expect(await contactCount()).toBe(before);
      expectUnknownQuery(await t.http().get(`/api/v1/contacts/${c.id}?expand=all`).set(admin), 'expand');
      expectUnknownQuery(await t.http().post('/api/v1/contacts/search?limit=5').set(admin).send({}), 'limit');
      expectUnknownQuery(await t.http().patch(`/api/v1/contacts/${c.id}?x=1`).set(admin).send({ firstName: 'Z' }), 'x');
      expectUnknownQuery(await t.http().delete(`/api/v1/contacts/${c.id}?force=true`).set(admin), 'force');
      expectUnknownQuery(await t.http().get('/api/v1/me?verbose=1').set(admin), 'verbose');
      // Lists answer as they did: an unknown parameter beside their own.
      expectUnknownQuery(await t.http().get('/api/v1/contacts?limit=5&bogus=1').set(admin), 'bogus');
      const two = await t.http().get(`/api/v1/contacts/${c.id}?a=1&b=2`).set(admin).expect(400);
      expect(two.body.errors.map((e: { field: string }) => e.field)).toEqual(['a', 'b']);
      // Nothing changed.
      expect((await t.http().get(`/api/v1/contacts/${c.id}`).set(admin).expect(200)).body.version).toBe(c.version);
    });

    it('declared query parameters still work', async () => {
      await t.http().get('/api/v1/contacts?limit=5&sort=-createdAt&filter[lastName][startsWith]=D').set(admin).expect(200);
      await t.http().get('/api/v1/contacts/count?filter[lastName][startsWith]=D').set(admin).expect(200);
      await t.http().post('/api/v1/contacts?skipDuplicateCheck=true').set(admin).send({ lastName: 'Declared' }).expect(201);
    });

    it('checks credentials first: without them it is still a 401', async () => {
      const res = await t.http().get('/api/v1/contacts/00000000-0000-7000-8000-000000000000?expand=all');
      expect(res.status).toBe(401);
    });

    it('a body sent to an operation that takes none is a 400 naming body, and nothing happens', async () => {
      const c = await newContact({ firstName: 'Kept' });
      expectUnexpectedBody(await t.http().post(`/api/v1/contacts/${c.id}/erase`).set(admin).send({ bogus: 1 }));
      expect((await t.http().get(`/api/v1/contacts/${c.id}`).set(admin).expect(200)).body.firstName).toBe('Kept');
      expectUnexpectedBody(await t.http().delete(`/api/v1/contacts/${c.id}`).set(admin).send({ bogus: 1 }));
      await t.http().get(`/api/v1/contacts/${c.id}`).set(admin).expect(200);
      await t.http().delete(`/api/v1/contacts/${c.id}`).set(admin).expect(204);
      expectUnexpectedBody(await t.http().post(`/api/v1/contacts/${c.id}/restore`).set(admin).send({ version: 1 }));
      expectUnexpectedBody(await t.http().post(`/api/v1/contacts/${c.id}/restore`).set(admin).set('Content-Type', 'application/json').send('[1]'));
      // An empty object is no body to speak of.
      await t.http().post(`/api/v1/contacts/${c.id}/restore`).set(admin).send({}).expect(200);
    });

    it('holds for every operation of the document', async () => {
      type Op = { parameters?: Array<{ in: string; style?: string }>; requestBody?: unknown };
      const doc = (await t.http().get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, Op>> };
      const failures: string[] = [];
      let checked = 0;
      for (const [path, item] of Object.entries(doc.paths)) {
        if (!path.startsWith('/api/')) continue;
        for (const [method, op] of Object.entries(item)) {
          if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
          // Path ids that name nothing: the refusal comes before any lookup, so nothing runs.
          const url = path.replace(/\{[^}]+\}/g, '00000000-0000-7000-8000-000000000000');
          const ownQuery = (op.parameters ?? []).some((p) => p.in === 'query' && p.style === 'deepObject');
          const call = (u: string) => (t.http() as unknown as Record<string, (u: string) => ReturnType<ReturnType<TestApp['http']>['get']>>)[method](u).set(admin);
          const q = await call(`${url}?undeclaredProbe=1`);
          const named = q.status === 400 && (q.body.errors ?? []).some((e: { field: string }) => e.field === 'undeclaredProbe');
          // A list-like operation parses its query itself, after finding what a path id names.
          if (!named && !(ownQuery && url !== path && q.status === 404)) failures.push(`${method.toUpperCase()} ${path}?undeclaredProbe=1 → ${q.status} ${q.text.slice(0, 200)}`);
          if (!op.requestBody) {
            const b = await call(url).send({ undeclaredProbe: 1 });
            if (b.status !== 400 || b.body.code !== 'UNEXPECTED_BODY') failures.push(`${method.toUpperCase()} ${path} with a body → ${b.status} ${b.text.slice(0, 200)}`);
          }
          checked++;
        }
      }
      expect(failures).toEqual([]);
      expect(checked).toBeGreaterThan(50);
    });

    it('leaves health, metrics and docs alone', async () => {
      await t.http().get('/health/live?probe=1').expect(200);
    });
  });
});
