import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/platform/database/data-source-options';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin } from '../support/auth';
import { databaseUrl } from '../support/env';
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

/** The schema TypeORM would build for these entities is the one the migrations built. */
export async function expectNoDrift(t: TestApp, entities: Function[]): Promise<void> {
  const ds = new DataSource({ ...dataSourceOptions(databaseUrl(t.databaseName), 1), entities, migrations: [] });
  await ds.initialize();
  try {
    const sql = await ds.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  } finally {
    await ds.destroy();
  }
}
