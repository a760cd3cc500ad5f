import { SetMetadata } from '@nestjs/common';

/** What a seeder can say, and what earlier seeders left for later ones (e.g. the demo users' ids by key). */
export interface DemoSeedContext {
  /** A line for the operator (credentials, counts). */
  print(line: string): void;
  readonly shared: Map<string, unknown>;
}

/**
 * One step of `crm seed:demo`. It must be idempotent: look records up by a natural key (a team's
 * name, a user's email) and create only what is missing, so that running the command twice
 * leaves one demo company, not two.
 */
export interface DemoSeeder {
  seed(ctx: DemoSeedContext): Promise<void>;
}

export const DEMO_SEEDER = 'crm:demo-seeder';

export interface DemoSeederMeta {
  name: string;
  /** Lower runs first: platform (users, teams) at 100, modules after it (contacts 200, sales 300, …). */
  order: number;
}

/**
 * Marks a provider as a demo seeder. Modules add theirs by decorating a provider of their own;
 * `crm seed:demo` discovers every one and runs them in `order`. This is the one list of seeders.
 */
export const DemoSeederStep = (name: string, order: number) => SetMetadata(DEMO_SEEDER, { name, order } satisfies DemoSeederMeta);
