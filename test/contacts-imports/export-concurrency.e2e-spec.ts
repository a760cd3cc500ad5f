import { ClientRequest, get, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin } from '../support/auth';

type Auth = { Authorization: string };

/**
 * An export holds a database connection while its client reads: a server runs at most half its
 * pool of exports at once, so slow downloads cannot starve the rest of the API.
 */
describe('CSV export: concurrent downloads (e2e)', () => {
  let t: TestApp;
  let admin: Auth;
  let base: string;

  beforeAll(async () => {
    // A pool of 2: one export at a time.
    t = await createTestApp({ env: { DATABASE_POOL_SIZE: '2' } });
    admin = await asAdmin(t);
    // Enough rows that a download the client does not read stays open (socket buffers full).
    await t.dataSource.query(
      `INSERT INTO contacts.contacts (id, first_name, last_name, city, search_text)
       SELECT gen_random_uuid(), 'Person ' || g, repeat('Long-Name-', 5) || g, 'Lyon', 'person ' || g FROM generate_series(1, 40000) g`,
    );
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => t?.close());

  /** Starts a download and leaves its body unread. */
  const openDownload = () =>
    new Promise<{ req: ClientRequest; res: IncomingMessage }>((resolve, reject) => {
      const req = get(`${base}/api/v1/contacts/export?format=csv`, { headers: admin }, (res) => {
        res.pause();
        resolve({ req, res });
      });
      req.on('error', reject);
    });

  it('answers 429 with Retry-After while the server is busy with another export, and serves the next one once it ends', async () => {
    const slow = await openDownload();
    try {
      expect(slow.res.statusCode).toBe(200);
      await expectBusy();
    } finally {
      slow.req.destroy();
    }
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await t.http().get('/api/v1/contacts/export?format=csv&filter[city][eq]=Nowhere').set(admin)).status;
    }
    expect(status).toBe(200);
  });

  async function expectBusy(): Promise<void> {
    const busy = await t.http().get('/api/v1/contacts/export?format=csv').set(admin).timeout(10_000).expect(429);
    expect(busy.headers['content-type']).toContain('application/problem+json');
    expect(busy.headers['retry-after']).toBe('60');
    expect(busy.body).toMatchObject({ status: 429, code: 'EXPORTS_BUSY' });
    // The rest of the API still has a connection (a starved pool would leave this waiting).
    await t.http().get('/api/v1/contacts?limit=1').set(admin).timeout(10_000).expect(200);
  }
});
