import { Injectable } from '@nestjs/common';
import { IdentityFacade } from '../../identity/identity.facade';
import { DemoSeedContext, DemoSeeder, DemoSeederStep } from './demo-seeder';

/** Every demo user signs in with this (demo data is for trying the box out, never for production). */
export const DEMO_PASSWORD = 'demo-password-2026';

export interface DemoPerson {
  key: string;
  email: string;
  displayName: string;
  role: string;
  teams: Array<'North' | 'South'>;
}

export const DEMO_TEAMS = ['North', 'South'] as const;

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { key: 'manager', email: 'morgan.manager@demo.example.com', displayName: 'Morgan Manager', role: 'manager', teams: ['North', 'South'] },
  { key: 'sales.north.1', email: 'nora.north@demo.example.com', displayName: 'Nora North', role: 'sales', teams: ['North'] },
  { key: 'sales.north.2', email: 'nils.berg@demo.example.com', displayName: 'Nils Berg', role: 'sales', teams: ['North'] },
  { key: 'sales.south.1', email: 'sofia.sol@demo.example.com', displayName: 'Sofia Sol', role: 'sales', teams: ['South'] },
  { key: 'sales.south.2', email: 'sam.reyes@demo.example.com', displayName: 'Sam Reyes', role: 'sales', teams: ['South'] },
  { key: 'support.1', email: 'sasha.support@demo.example.com', displayName: 'Sasha Support', role: 'support', teams: ['North', 'South'] },
];

/** Keys under which later seeders find the demo company in `ctx.shared`. */
export const DEMO_SHARED = { teams: 'platform.teams', users: 'platform.users' } as const;

/** The demo company's people: two teams, a manager over both, sales people in each, a support agent. */
@Injectable()
@DemoSeederStep('platform: teams and users', 100)
export class PlatformDemoSeeder implements DemoSeeder {
  constructor(private readonly identity: IdentityFacade) {}

  async seed(ctx: DemoSeedContext): Promise<void> {
    const teams = new Map<string, string>();
    for (const name of DEMO_TEAMS) teams.set(name, (await this.identity.createTeam(name)).id);

    const users = new Map<string, string>();
    for (const p of DEMO_PEOPLE) {
      const existing = await this.identity.findUserByEmail(p.email);
      if (existing) {
        users.set(p.key, existing.id);
        ctx.print(`  ${p.email.padEnd(34)} ${p.role.padEnd(8)} ${p.teams.join(', ')} (exists already)`);
        continue;
      }
      const { user } = await this.identity.createUser({
        email: p.email,
        password: DEMO_PASSWORD,
        role: p.role,
        displayName: p.displayName,
        teamIds: p.teams.map((t) => teams.get(t) as string),
      });
      users.set(p.key, user.id);
      ctx.print(`  ${p.email.padEnd(34)} ${p.role.padEnd(8)} ${p.teams.join(', ')}`);
    }
    ctx.print(`  password of every demo user: ${DEMO_PASSWORD}`);
    ctx.shared.set(DEMO_SHARED.teams, teams);
    ctx.shared.set(DEMO_SHARED.users, users);
  }
}
