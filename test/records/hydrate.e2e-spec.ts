import { ObjectLiteral } from 'typeorm';
import { ContactEntity } from '../../src/modules/contacts/persistence/contact.entity';
import { rowHydrator, tableSelect } from '../../src/platform/records/hydrate';
import { createTestApp, TestApp } from '../support/app';
import { THINGS_DDL, ThingEntity, ThingsTestModule } from './things.fixture';

describe('rowHydrator: raw page rows to entities', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ThingsTestModule] });
    await t.dataSource.query(THINGS_DDL);
    await t.dataSource.query(`
      INSERT INTO public.test_things (id, created_at, owner_id, name, city, score, tags, secret_token, deleted_at) VALUES
        ('0193b6b2-0000-7000-8000-000000000001', '2026-01-02 03:04:05.123456+00', '0193b6b2-0000-7000-8000-0000000000aa', 'Zoë', 'Rīga', 7, '{a,"b c"}', NULL, NULL),
        ('0193b6b2-0000-7000-8000-000000000002', '2026-01-03 00:00:00+00', NULL, NULL, NULL, NULL, '{}', 's3cret', now())`);
    await t.dataSource.query(`
      INSERT INTO contacts.contacts (id, first_name, last_name, emails, phones, primary_email, email_keys, phone_keys, country, tags, company_links, company_ids, custom_fields, search_text)
      VALUES ('0193b6b2-0000-7000-8000-000000000003', 'Jérôme', NULL, '[{"email": "j@example.com", "primary": true, "label": null}]', '[]', 'j@example.com',
              '{j@example.com}', '{}', 'FR', '{vip}', '[{"companyId": "0193b6b2-0000-7000-8000-000000000009", "role": "billing"}]',
              '{0193b6b2-0000-7000-8000-000000000009}', '{"score": 3, "since": "2024-01-01"}', 'Jérôme j@example.com')`);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** What TypeORM's own transformer builds, and what the hydrator builds from the same raw rows. */
  async function both<E extends ObjectLiteral>(entity: new () => E): Promise<{ typeorm: E[]; hydrated: E[] }> {
    const qb = () => t.dataSource.manager.createQueryBuilder(entity, 'r').withDeleted().orderBy('r.id');
    const { entities } = await qb().getRawAndEntities();
    const hydrate = rowHydrator<E>(t.dataSource, t.dataSource.getMetadata(entity), 'r');
    if (!hydrate) throw new Error(`no hydrator for ${entity.name}`);
    return { typeorm: entities, hydrated: hydrate(await qb().getRawMany()) };
  }

  it('builds the same entities as getRawAndEntities (nulls, arrays, timestamps, soft-deleted rows)', async () => {
    const { typeorm, hydrated } = await both(ThingEntity);
    expect(hydrated).toHaveLength(2);
    expect(hydrated).toEqual(typeorm);
    expect(hydrated[0]).toBeInstanceOf(ThingEntity);
    expect(hydrated[0].createdAt).toBeInstanceOf(Date);
    expect(hydrated[0].tags).toEqual(['a', 'b c']);
    expect(hydrated[1].deletedAt).toBeInstanceOf(Date);
  });

  it('builds the same contacts (jsonb, text arrays, fixed-length text)', async () => {
    const { typeorm, hydrated } = await both(ContactEntity);
    expect(hydrated).toHaveLength(1);
    expect(hydrated).toEqual(typeorm);
    expect(hydrated[0]).toMatchObject({ firstName: 'Jérôme', lastName: null, country: 'FR', customFields: { score: 3, since: '2024-01-01' } });
  });

  it('leaves out columns the query did not select', async () => {
    const raw = await t.dataSource.manager.createQueryBuilder(ThingEntity, 'r').select(['r.id', 'r.name']).where('r.name IS NOT NULL').getRawMany();
    const [thing] = rowHydrator<ThingEntity>(t.dataSource, t.dataSource.getMetadata(ThingEntity), 'r')!(raw);
    expect(thing).toEqual(Object.assign(new ThingEntity(), { id: '0193b6b2-0000-7000-8000-000000000001', name: 'Zoë' }));
  });

  it('tableSelect reads the columns and aliases that TypeORM reads, all or all but the omitted', async () => {
    for (const entity of [ThingEntity, ContactEntity] as (new () => ObjectLiteral)[]) {
      const parts = tableSelect(t.dataSource, t.dataSource.getMetadata(entity), 'r');
      if (!parts) throw new Error(`no table select for ${entity.name}`);
      const direct = await t.dataSource.query(`SELECT ${parts.select} FROM ${parts.from} ORDER BY "r"."id"`);
      const typeorm = await t.dataSource.manager.createQueryBuilder(entity, 'r').withDeleted().orderBy('r.id').getRawMany();
      expect(direct).toEqual(typeorm);
    }
    const parts = tableSelect(t.dataSource, t.dataSource.getMetadata(ContactEntity), 'r', new Set(['searchText', 'emailKeys']));
    const [row] = await t.dataSource.query(`SELECT ${parts!.select} FROM ${parts!.from}`);
    expect(row).not.toHaveProperty('r_search_text');
    expect(row).not.toHaveProperty('r_email_keys');
    expect(row).toHaveProperty('r_first_name', 'Jérôme');
  });
});
