import { TestApp } from '../support/app';

type Auth = { Authorization: string };

export const IMPORT_DONE = ['completed', 'failed', 'reverted'];

/** Polls `GET /imports/{id}` until the import reaches one of `until` (a worker must be running). */
export async function importSettled(t: TestApp, auth: Auth, id: string, until: readonly string[] = IMPORT_DONE, pollMs = 50): Promise<Record<string, any>> {
  for (let i = 0; i < 20_000 / pollMs; i++) {
    const res = await t.http().get(`/api/v1/imports/${id}`).set(auth).expect(200);
    if (until.includes(res.body.status)) return res.body;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`import ${id} did not reach ${until.join('|')}`);
}
