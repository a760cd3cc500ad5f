import { DemoSeedService } from '../../src/platform/ops/seed/demo-seed.service';
import { createTestApp, TestApp } from '../support/app';
import { loginAs } from '../support/auth';

describe('contacts demo data (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('seeds companies and contacts with tags and custom fields across two teams, once', async () => {
    const seeds = t.app.get(DemoSeedService, { strict: false });
    const lines: string[] = [];
    await seeds.run((l) => lines.push(l));
    const counts = async () =>
      (await t.dataSource.query(
        `SELECT (SELECT count(*)::int FROM contacts.contacts) AS contacts, (SELECT count(*)::int FROM contacts.companies) AS companies,
                (SELECT count(DISTINCT team_id)::int FROM contacts.contacts) AS teams,
                (SELECT count(*)::int FROM contacts.contacts WHERE custom_fields ? 'loyaltyLevel' AND cardinality(company_ids) = 1) AS linked`,
      ))[0];
    expect(await counts()).toEqual({ contacts: 360, companies: 120, teams: 2, linked: 360 });
    await seeds.run(() => undefined);
    expect((await counts()).contacts).toBe(360);

    // A sales rep of one team sees the whole demo (the sales role reads all contacts), through the API.
    const rep = await loginAs(t, { email: 'nora.north@demo.example.com', password: 'demo-password-2026' });
    const gold = await t.http().get('/api/v1/contacts/count').query({ 'filter[customFields.loyaltyLevel][eq]': 'gold' }).set(rep).expect(200);
    expect(gold.body.count).toBeGreaterThan(0);
    const tags = await t.http().get('/api/v1/tags').set(rep).expect(200);
    expect(tags.body.data.length).toBeGreaterThan(3);
  }, 120_000);
});
