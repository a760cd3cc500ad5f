import { createTestApp, TestApp } from '../support/app';
import { asAdmin } from '../support/auth';
import { Auth, teamMember, TeamMember } from '../contacts-activities/support';

export interface TwoTeams {
  t: TestApp;
  admin: Auth;
  north: TeamMember;
  south: TeamMember;
}

/** The file's own app, its administrator, and a member of each of two teams that never see each other's records. */
export async function twoTeams(): Promise<TwoTeams> {
  const t = await createTestApp();
  return { t, admin: await asAdmin(t), north: await teamMember(t, 'North'), south: await teamMember(t, 'South') };
}
