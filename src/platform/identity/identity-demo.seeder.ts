import { Injectable } from '@nestjs/common';
import { DemoSeedContext, DemoSeeder, DemoSeederStep } from '../ops/seed/demo-seeder';
import { IdentityFacade } from './identity.facade';

/** Keys under which later seeders find what this one made (`ctx.shared`). */
export const DEMO_TEAMS = 'identity.teams';
export const DEMO_USERS = 'identity.users';

const TEAMS = ['Sales', 'Support', 'Marketing'];

const USERS: Array<{ key: string; displayName: string; role: string; teams: string[] }> = [
  { key: 'manager', displayName: 'Mia Manager', role: 'manager', teams: ['Sales', 'Support'] },
  { key: 'sales1', displayName: 'Sam Seller', role: 'sales', teams: ['Sales'] },
  { key: 'sales2', displayName: 'Sara Seller', role: 'sales', teams: ['Sales'] },
  { key: 'support1', displayName: 'Sid Support', role: 'support', teams: ['Support'] },
  { key: 'marketing1', displayName: 'Max Marketer', role: 'marketing', teams: ['Marketing'] },
  { key: 'viewer', displayName: 'Vera Viewer', role: 'readonly', teams: ['Sales'] },
];

const demoEmail = (key: string) => `${key}@demo.crm.local`;

/**
 * The demo company's people: three teams and a user per working role. Existing users (by
 * email) are kept as they are; new ones get a generated password, printed once.
 * Shares `identity.teams` (name → id) and `identity.users` (key → id) with later seeders.
 */
@Injectable()
@DemoSeederStep('identity', 100)
export class IdentityDemoSeeder implements DemoSeeder {
  constructor(private readonly identity: IdentityFacade) {}

  async seed(ctx: DemoSeedContext): Promise<void> {
    const teams = new Map<string, string>();
    for (const name of TEAMS) teams.set(name, (await this.identity.createTeam(name)).id);
    const users = new Map<string, string>();
    for (const u of USERS) {
      const email = demoEmail(u.key);
      const existing = await this.identity.findUserByEmail(email);
      if (existing) {
        users.set(u.key, existing.id);
        continue;
      }
      const created = await this.identity.createUser({ email, role: u.role, displayName: u.displayName, teamIds: u.teams.map((t) => teams.get(t) as string) });
      users.set(u.key, created.user.id);
      ctx.print(`  ${email} (${u.role}) password: ${created.generatedPassword}`);
    }
    ctx.shared.set(DEMO_TEAMS, teams);
    ctx.shared.set(DEMO_USERS, users);
  }
}
