import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/platform/database/data-source-options';
import { JobRecordEntity } from '../../src/platform/queue/job-record.entity';
import { OutboxEntity } from '../../src/platform/queue/outbox.entity';
import { cloneDatabase, dropDatabase } from '../support/app';
import { databaseUrl } from '../support/env';

describe('queue: entities match the migration', () => {
  let name: string;
  let ds: DataSource;
  beforeAll(async () => {
    name = await cloneDatabase();
    ds = new DataSource({ ...dataSourceOptions(databaseUrl(name), 2), entities: [JobRecordEntity, OutboxEntity], migrations: [] });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await dropDatabase(name);
  });

  it('has no drift between platform.jobs / platform.outbox and their entities', async () => {
    const sql = await ds.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });
});
