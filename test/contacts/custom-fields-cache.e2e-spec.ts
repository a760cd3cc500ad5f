import { CacheVersions } from '../../src/platform/database/cache-versions';
import { CustomFieldRepository } from '../../src/modules/contacts/persistence/custom-field.repository';
import { createTestApp, TestApp } from '../support/app';
import { asAdmin } from '../support/auth';

/**
 * Custom field definitions are read by every contacts and companies request, so a process keeps
 * them between requests, under the `custom-fields` counter of platform.cache_versions that a
 * trigger bumps on every write and the caller's actor query reads. A change is seen by the next
 * request, whoever made it.
 */
describe('custom field definitions: cached per process, never stale', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let loads: jest.SpyInstance;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await asAdmin(t);
    loads = jest.spyOn(CustomFieldRepository.prototype, 'liveShapes');
  });
  afterAll(async () => {
    loads?.mockRestore();
    await t?.close();
  });

  const filterBy = (key: string) => t.http().get('/api/v1/contacts').query({ [`filter[customFields.${key}][eq]`]: 'x' }).set(admin);
  const version = async () => (await t.dataSource.query(`SELECT version FROM platform.cache_versions WHERE name = 'custom-fields'`))[0]?.version as string;

  it('reads the definitions once while nothing changes', async () => {
    await t.http().get('/api/v1/contacts').set(admin).expect(200);
    loads.mockClear();
    for (let i = 0; i < 3; i++) await t.http().get('/api/v1/contacts').set(admin).expect(200);
    expect(loads).not.toHaveBeenCalled();
  });

  it('sees a definition written with plain SQL on the very next request, and caches again after it', async () => {
    expect((await filterBy('tier').expect(400)).body.errors[0].field).toMatch(/customFields\.tier/);
    const before = await version();
    await t.dataSource.query(
      `INSERT INTO contacts.custom_field_definitions (id, entity, key, label, type, required, options) VALUES (gen_random_uuid(), 'contact', 'tier', 'Tier', 'text', false, '{}')`,
    );
    expect(BigInt(await version())).toBeGreaterThan(BigInt(before));
    loads.mockClear();
    await filterBy('tier').expect(200);
    expect(loads).toHaveBeenCalledTimes(1);
    await filterBy('tier').expect(200);
    expect(loads).toHaveBeenCalledTimes(1);
    // A soft delete through SQL (an update) is a change too.
    await t.dataSource.query(`UPDATE contacts.custom_field_definitions SET deleted_at = now() WHERE key = 'tier'`);
    await filterBy('tier').expect(400);
  });

  it('sees a definition created through the API at once, and uses it in the same process', async () => {
    await t.http().post('/api/v1/custom-fields').set(admin).send({ entity: 'contact', key: 'level', label: 'Level', type: 'select', options: ['a', 'b'] }).expect(201);
    const created = await t.http().post('/api/v1/contacts').set(admin).send({ firstName: 'Ada', customFields: { level: 'b' } }).expect(201);
    expect(created.body.customFields).toEqual({ level: 'b' });
    await t.http().patch(`/api/v1/custom-fields/${(await t.http().get('/api/v1/custom-fields').set(admin)).body.data.find((d: { key: string }) => d.key === 'level').id}`)
      .set(admin)
      .send({ options: ['a', 'b', 'c'] })
      .expect(200);
    await t.http().post('/api/v1/contacts').set(admin).send({ firstName: 'Bo', customFields: { level: 'c' } }).expect(201);
  });

  it('has no version to trust outside a request (jobs, the CLI): there the definitions are read from the database', async () => {
    const versions = t.app.get(CacheVersions);
    expect(versions.current('custom-fields')).toBeUndefined();
  });
});
