/**
 * Users and credentials for e2e specs.
 *
 *   const t = await createTestApp();
 *   const admin = await seedUser(t, { role: 'admin' });                    // any built-in or custom role name
 *   const rep = await seedUser(t, { role: 'sales', teams: ['North'] });    // teams by name, created when missing
 *   const auth = await loginAs(t, rep);                                     // { Authorization: 'Bearer …' }
 *   await t.http().get('/api/v1/contacts').set(auth).expect(200);
 *   const adminAuth = await asAdmin(t);                                     // one admin per app, logged in once
 *
 * Users are created through IdentityFacade (no HTTP, no audit noise in your assertions beyond
 * the user itself); sign-in goes through POST /api/v1/auth/login like a real client.
 */
import { randomBytes } from 'node:crypto';
import { IdentityFacade } from '../../src/platform/identity/identity.facade';
import type { TestApp } from './app';

export const TEST_PASSWORD = 'correct-horse-battery-staple';

export interface SeededUser {
  id: string;
  email: string;
  password: string;
  role: string;
  teamIds: string[];
}

export interface SeedUserOptions {
  /** A role name; default `sales`. */
  role?: string;
  /** Team names (created when missing) the user belongs to. */
  teams?: string[];
  email?: string;
  password?: string;
  displayName?: string;
}

export async function seedUser(t: TestApp, opts: SeedUserOptions = {}): Promise<SeededUser> {
  const identity = t.app.get(IdentityFacade, { strict: false });
  const teamIds: string[] = [];
  for (const name of opts.teams ?? []) teamIds.push((await identity.createTeam(name)).id);
  const email = opts.email ?? `${opts.role ?? 'sales'}-${randomBytes(4).toString('hex')}@example.test`;
  const password = opts.password ?? TEST_PASSWORD;
  const { user } = await identity.createUser({ email, password, role: opts.role ?? 'sales', displayName: opts.displayName, teamIds });
  return { id: user.id, email: user.email, password, role: user.role, teamIds: user.teamIds };
}

/** Signs in through the API; returns the header to `.set()` on requests. */
export async function loginAs(t: TestApp, user: Pick<SeededUser, 'email' | 'password'>): Promise<{ Authorization: string }> {
  const res = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
  if (res.status !== 200) throw new Error(`login as ${user.email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { Authorization: `Bearer ${res.body.accessToken}` };
}

const admins = new WeakMap<TestApp, Promise<{ Authorization: string }>>();

/** A bearer header of an admin of this app (created on first use). */
export function asAdmin(t: TestApp): Promise<{ Authorization: string }> {
  let auth = admins.get(t);
  if (!auth) {
    auth = seedUser(t, { role: 'admin' }).then((u) => loginAs(t, u));
    admins.set(t, auth);
  }
  return auth;
}

/** Every action of a resource scoped to the caller's teams, for a custom role's permissions. */
export const TEAM_SCOPE = { read: 'team', create: 'team', update: 'team', delete: 'team' } as const;

/** Creates a custom role through POST /api/v1/roles, as this app's admin; returns its name. */
export async function createRole(t: TestApp, name: string, permissions: Record<string, Record<string, string>>): Promise<string> {
  const res = await t.http().post('/api/v1/roles').set(await asAdmin(t)).send({ name, permissions });
  if (res.status !== 201) throw new Error(`creating the role ${name} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return name;
}
