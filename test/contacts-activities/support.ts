import { randomBytes } from 'node:crypto';
import type { TestApp } from '../support/app';
import { asAdmin, loginAs, seedUser, SeededUser, TEAM_SCOPE } from '../support/auth';

export type Auth = { Authorization: string };

const suffix = () => randomBytes(3).toString('hex');

/** A contact through the contacts API, as a client would create it. */
export async function createContact(t: TestApp, auth: Auth, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t
    .http()
    .post('/api/v1/contacts')
    .set(auth)
    .query({ skipDuplicateCheck: 'true' })
    .send({ firstName: `Ann${suffix()}`, lastName: `Lee${suffix()}`, ...extra });
  if (res.status !== 201) throw new Error(`creating a contact failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export async function createCompany(t: TestApp, auth: Auth, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t
    .http()
    .post('/api/v1/companies')
    .set(auth)
    .query({ skipDuplicateCheck: 'true' })
    .send({ name: `Acme ${suffix()}`, ...extra });
  if (res.status !== 201) throw new Error(`creating a company failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** A role whose reach over contacts, companies and activities is the caller's team (two teams never see each other). */
export async function ensureTeamRole(t: TestApp): Promise<string> {
  const admin = await asAdmin(t);
  const res = await t
    .http()
    .post('/api/v1/roles')
    .set(admin)
    .send({ name: 'team-rep', permissions: { contacts: TEAM_SCOPE, companies: TEAM_SCOPE, activities: TEAM_SCOPE, deals: { read: 'team' }, users: { read: 'team' } } });
  if (res.status !== 201 && res.status !== 409) throw new Error(`creating the role failed: ${res.status} ${JSON.stringify(res.body)}`);
  return 'team-rep';
}

export interface TeamMember {
  user: SeededUser;
  auth: Auth;
}

export async function teamMember(t: TestApp, team: string): Promise<TeamMember> {
  const role = await ensureTeamRole(t);
  const user = await seedUser(t, { role, teams: [team] });
  return { user, auth: await loginAs(t, user) };
}

