import Redis from 'ioredis';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { batchedRedisStore } from './rate-limit-store';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('batchedRedisStore', () => {
  const prefix = `crmtest-rls-${process.pid}-${Date.now()}:`;
  const redis = new Redis(TEST_REDIS_URL);
  const stores: ReturnType<typeof batchedRedisStore>[] = [];
  const replica = (flushMs = 20) => {
    const s = batchedRedisStore(redis, prefix, flushMs);
    stores.push(s);
    return new s.Store();
  };
  const incr = (store: InstanceType<ReturnType<typeof batchedRedisStore>['Store']>, caller: string, windowMs = 60_000) =>
    new Promise<{ current: number; ttl: number }>((resolve, reject) => store.incr(caller, (err, res) => (err || !res ? reject(err ?? new Error('no result')) : resolve(res)), windowMs));

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('counts exactly within one process, Redis catching up at each flush', async () => {
    const store = replica();
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) counts.push((await incr(store, 'a')).current);
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    // The first request asked Redis; the next four reach it in one command.
    expect(await redis.get(`${prefix}a`)).toBe('1');
    await sleep(80);
    expect(await redis.get(`${prefix}a`)).toBe('5');
    const ttl = await redis.pttl(`${prefix}a`);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('shares one budget between replicas', async () => {
    const one = replica();
    const two = replica();
    for (let i = 0; i < 3; i++) await incr(one, 'b');
    await sleep(80);
    // Two's first request in the window reads the shared count.
    expect((await incr(two, 'b')).current).toBe(4);
    await incr(two, 'b');
    await sleep(80);
    // One learns of two's requests at its next flush.
    await incr(one, 'b');
    await sleep(80);
    expect((await incr(one, 'b')).current).toBe(7);
    expect(await redis.get(`${prefix}b`)).toBe('6');
  });

  it('starts a new window when the old one ends', async () => {
    const store = replica();
    await incr(store, 'c', 150);
    expect((await incr(store, 'c', 150)).current).toBe(2);
    await sleep(250);
    const fresh = await incr(store, 'c', 150);
    expect(fresh.current).toBe(1);
    expect(fresh.ttl).toBeGreaterThan(0);
    expect(fresh.ttl).toBeLessThanOrEqual(150);
  });

  it('counts callers beyond its local capacity in Redis, request by request', async () => {
    const s = batchedRedisStore(redis, prefix, 20, 1);
    stores.push(s);
    const store = new s.Store();
    await incr(store, 'e1');
    for (let i = 2; i <= 3; i++) expect((await incr(store, 'e2')).current).toBe(i - 1);
    // e2 was never kept locally: every request reached Redis at once.
    expect(await redis.get(`${prefix}e2`)).toBe('2');
    expect((await incr(store, 'e1')).current).toBe(2);
  });

  it('fails the first request of a window when Redis is gone (the limiter then lets it through)', async () => {
    const gone = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    const s = batchedRedisStore(gone, prefix, 20);
    stores.push(s);
    const store = new s.Store();
    await expect(incr(store, 'd')).rejects.toThrow();
    gone.disconnect();
  });
});
