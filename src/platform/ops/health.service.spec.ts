import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { DomainError } from '../errors/domain-error';
import { HealthService } from './health.service';

const never = () => new Promise<never>(() => undefined);

function service(db: { query: (sql: string) => Promise<unknown> }, redis: { ping: () => Promise<unknown> }, migrations: { name: string }[] = []) {
  const ds = { ...db, migrations } as unknown as DataSource;
  return new HealthService(ds, redis as unknown as Redis);
}

async function failure(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected NOT_READY');
}

describe('HealthService.ready', () => {
  it('names a hung database, and does not wait for it', async () => {
    const err = await failure(service({ query: never }, { ping: async () => 'PONG' }).ready());
    expect(err.code).toBe('NOT_READY');
    expect(err.kind).toBe('unavailable');
    expect(err.extensions.checks).toEqual({ database: 'down', redis: 'up', migrations: 'down' });
    expect(err.errors).toEqual([
      { field: 'database', message: 'did not answer within 1000 ms' },
      { field: 'migrations', message: 'unknown while the database is down' },
    ]);
  });

  it('reports the cause of a refused connection without credentials', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED postgres://crm:s3cret@db:5432/crm'), { code: 'ECONNREFUSED' });
    const err = await failure(service({ query: async () => Promise.reject(refused) }, { ping: async () => 'PONG' }).ready());
    expect(err.errors[0]).toEqual({ field: 'database', message: 'ECONNREFUSED: connect ECONNREFUSED db:5432/crm' });
  });

  it('names every failing part at once', async () => {
    const err = await failure(service({ query: never }, { ping: never }).ready());
    expect(err.errors.map((e) => e.field)).toEqual(['database', 'redis', 'migrations']);
    expect(err.message).toBe('Not ready: database, redis, migrations.');
  });

  it('is ready when both answer and every known migration is applied', async () => {
    const db = {
      query: async (sql: string) => (sql.includes('to_regclass') ? [{ ok: true }] : sql.includes('FROM public.migrations') ? [{ name: 'A1' }] : [{ '?column?': 1 }]),
    };
    await expect(service(db, { ping: async () => 'PONG' }, [{ name: 'A1' }]).ready()).resolves.toEqual({ database: 'up', redis: 'up', migrations: 'up' });
    const behind = service(db, { ping: async () => 'PONG' }, [{ name: 'A1' }, { name: 'B2' }]);
    expect((await failure(behind.ready())).errors).toEqual([{ field: 'migrations', message: 'migrations are pending: run `crm migrate`' }]);
  });
});
