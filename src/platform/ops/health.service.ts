import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { hasPendingMigrations } from '../database/migrator';
import { DomainError, FieldError } from '../errors/domain-error';
import { REDIS } from '../redis/redis.module';
import { CheckState, ReadinessChecksDto } from './dto/health.dto';

/** A probe must answer well within an orchestrator's probe timeout (typically 1-5 s) even when a dependency hangs. */
export const CHECK_TIMEOUT_MS = 1000;
/** Migrations only become pending when a new release is deployed; re-reading the table on every probe buys nothing. */
const MIGRATIONS_OK_TTL_MS = 10_000;

class CheckTimeout extends Error {}

/**
 * A promise that rejects with CheckTimeout after `ms`, and its cancel. One per probe, shared by
 * the checks that start together: probes come often, and each timer is an allocation and a
 * timer-list insert and removal.
 */
function deadline(ms: number): { expired: Promise<never>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(`did not answer within ${ms} ms`)), ms);
  });
  // Nobody may be racing it any more when it fires.
  expired.catch(() => undefined);
  return { expired, cancel: () => clearTimeout(timer) };
}

/** What a failed check says to the operator: the cause, never credentials or a stack. */
function describe(err: unknown): string {
  if (err instanceof CheckTimeout) return err.message;
  const e = err as { code?: string; message?: string };
  const text = e?.code ? `${e.code}: ${e.message ?? ''}` : String(e?.message ?? err);
  return text.replace(/\w+:\/\/[^@\s]*@/g, '').slice(0, 200);
}

@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();
  private migrationsOkUntil = 0;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  uptimeSeconds(): number {
    return Math.round((Date.now() - this.startedAt) / 1000);
  }

  /** Resolves with every check up, or throws a 503 DomainError that lists the failing parts. */
  async ready(): Promise<ReadinessChecksDto> {
    const failures: FieldError[] = [];
    const run = async (field: keyof ReadinessChecksDto, check: Promise<void>, expired: Promise<never>): Promise<CheckState> => {
      try {
        await Promise.race([check, expired]);
        return 'up';
      } catch (err) {
        failures.push({ field, message: describe(err) });
        return 'down';
      }
    };
    const checks = deadline(CHECK_TIMEOUT_MS);
    const [database, redis] = await Promise.all([run('database', this.pingDatabase(), checks.expired), run('redis', this.pingRedis(), checks.expired)]).finally(
      checks.cancel,
    );
    let migrations: CheckState = 'down';
    if (database === 'up') {
      if (Date.now() < this.migrationsOkUntil) migrations = 'up';
      else {
        const limit = deadline(CHECK_TIMEOUT_MS);
        migrations = await run('migrations', this.checkMigrations(), limit.expired).finally(limit.cancel);
      }
    }
    if (database === 'down' && !failures.some((f) => f.field === 'migrations')) {
      failures.push({ field: 'migrations', message: 'unknown while the database is down' });
    }
    const result: ReadinessChecksDto = { database, redis, migrations };
    if (failures.length) {
      const parts = [...new Set(failures.map((f) => f.field))];
      throw new DomainError('NOT_READY', 'unavailable', `Not ready: ${parts.join(', ')}.`, failures, { 'Retry-After': '5' }, { checks: result });
    }
    return result;
  }

  private async pingDatabase(): Promise<void> {
    // Straight to the pool TypeORM uses: the probe asks Postgres, not TypeORM's query runner.
    const pool = (this.dataSource.driver as unknown as { master?: { query(sql: string): Promise<unknown> } } | undefined)?.master;
    await (pool ? pool.query('SELECT 1') : this.dataSource.query('SELECT 1'));
  }

  private async pingRedis(): Promise<void> {
    await this.redis.ping();
  }

  private async checkMigrations(): Promise<void> {
    if (await hasPendingMigrations(this.dataSource)) throw new Error('migrations are pending: run `crm migrate`');
    this.migrationsOkUntil = Date.now() + MIGRATIONS_OK_TTL_MS;
  }
}
