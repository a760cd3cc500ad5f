import { DataSource } from 'typeorm';
import { ActivityLinkEntity } from '../../src/modules/contacts/activities/persistence/activity-link.entity';
import { ActivityEntity } from '../../src/modules/contacts/activities/persistence/activity.entity';
import { TimelineEntryEntity } from '../../src/modules/contacts/activities/persistence/timeline-entry.entity';
import { dataSourceOptions } from '../../src/platform/database/data-source-options';
import { NotificationEntity } from '../../src/platform/notifications/notification.entity';
import { cloneDatabase, dropDatabase } from '../support/app';
import { databaseUrl } from '../support/env';

describe('activities, timeline and notifications: entities match the migrations', () => {
  let name: string;
  let ds: DataSource;
  beforeAll(async () => {
    name = await cloneDatabase();
    ds = new DataSource({ ...dataSourceOptions(databaseUrl(name), 2), entities: [ActivityEntity, ActivityLinkEntity, TimelineEntryEntity, NotificationEntity], migrations: [] });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await dropDatabase(name);
  });

  it('has no drift', async () => {
    const sql = await ds.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });
});
