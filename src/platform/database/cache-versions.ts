import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';

/** Request-context key: the counters of platform.cache_versions as the caller's actor query read them. */
export const CLS_CACHE_VERSIONS = 'cacheVersions';

export type CacheVersionSnapshot = Readonly<Record<string, string>>;

/**
 * Which version of a kind of cached reference data the current request may use. Tables holding
 * such data bump a counter in platform.cache_versions from a trigger (any writer, plain SQL
 * included), and the actor query of every authenticated request reads all counters in the same
 * round trip. A copy cached under the request's counter is therefore exactly as current as a
 * query would be: whatever committed before the request authenticated is in it.
 *
 * No version (undefined), so no cache: outside a request (jobs, CLI), and inside a transaction,
 * which may itself have changed the data.
 */
@Injectable()
export class CacheVersions {
  constructor(
    private readonly cls: ClsService,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  current(name: string): string | undefined {
    if (!this.cls.isActive() || this.txHost.isTransactionActive()) return undefined;
    return this.cls.get<CacheVersionSnapshot | undefined>(CLS_CACHE_VERSIONS)?.[name];
  }

  /** A process-local cache of one kind of data, by key, checked against the request's version of `name`. */
  cache<K, V>(name: string): VersionedCache<K, V> {
    return new VersionedCache<K, V>(this, name);
  }
}

export class VersionedCache<K, V> {
  private readonly entries = new Map<K, { version: bigint; value: V }>();

  constructor(
    private readonly versions: Pick<CacheVersions, 'current'>,
    private readonly name: string,
  ) {}

  async get(key: K, load: () => Promise<V>): Promise<V> {
    const current = this.versions.current(this.name);
    if (current === undefined) return load();
    const version = BigInt(current);
    const hit = this.entries.get(key);
    if (hit && hit.version >= version) return hit.value;
    // Loaded after the request read `version`: at least that current, perhaps newer. A slower
    // request holding an older version never replaces a newer entry.
    const value = await load();
    const now = this.entries.get(key);
    if (!now || now.version < version) this.entries.set(key, { version, value });
    return value;
  }
}
