import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import type Redis from 'ioredis';

/**
 * Adds `delta` to a caller's counter and gives the window's count and time left. The window
 * starts with the caller's first request (the counter's expiry is set when it is created) and
 * ends when the key expires, as @fastify/rate-limit's own Redis store counts.
 */
const ADD = `
  local current = redis.call('INCRBY', KEYS[1], ARGV[1])
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    ttl = tonumber(ARGV[2])
  end
  return {current, ttl}`;

type AddCommand = (key: string, delta: number, windowMs: number) => Promise<[number, number]>;

/**
 * Callers counted in the process at most; beyond it (a flood from many addresses) a new
 * caller's requests each go to Redis, as with a store that keeps nothing, until windows end.
 */
const MAX_LOCAL_WINDOWS = 50_000;

interface Window {
  /** The shared count as Redis last gave it (every replica's requests, ours included). */
  shared: number;
  /** This process's requests not yet added to the shared count. */
  pending: number;
  /** Requests on their way to Redis in the flush under way. */
  sending: number;
  endsAt: number;
  windowMs: number;
}

type Callback = Parameters<FastifyRateLimitStore['incr']>[1];

/**
 * A rate-limit store for @fastify/rate-limit that counts in Redis, shared by every API replica,
 * without a Redis round trip per request. A caller's first request of a window asks Redis (the
 * exact shared count); the window's later requests are counted here and added to Redis in one
 * command per caller every `flushMs`, which brings back what the other replicas counted
 * meanwhile. Within one process the count is exact; across replicas a caller can exceed the
 * limit by what the other replicas served in the last `flushMs`. With Redis gone, the first
 * request of a window fails (the limiter lets it through, as skipOnError says) and counts already
 * under way go on being counted here, retried at each flush.
 */
export function batchedRedisStore(redis: Redis, prefix: string, flushMs = 50, maxWindows = MAX_LOCAL_WINDOWS) {
  const add: AddCommand = (key, delta, windowMs) =>
    (redis as unknown as { crmRateLimitAdd: AddCommand }).crmRateLimitAdd(key, delta, windowMs);
  if (!(redis as unknown as { crmRateLimitAdd?: unknown }).crmRateLimitAdd) redis.defineCommand('crmRateLimitAdd', { numberOfKeys: 1, lua: ADD });

  const windows = new Map<string, Window>();
  let timer: NodeJS.Timeout | null = null;

  const flush = async () => {
    const now = Date.now();
    const sends: Promise<void>[] = [];
    for (const [key, w] of windows) {
      if (w.endsAt <= now) {
        // Ended: what it still holds belongs to a window Redis has let go.
        if (!w.sending) windows.delete(key);
        continue;
      }
      if (!w.pending || w.sending) continue;
      const delta = w.pending;
      w.sending = delta;
      w.pending = 0;
      sends.push(
        add(key, delta, w.windowMs).then(
          ([current, ttl]) => {
            w.shared = current;
            w.endsAt = Date.now() + ttl;
            w.sending = 0;
          },
          () => {
            // Redis is away: the requests stay counted here, sent again at the next flush.
            w.pending += delta;
            w.sending = 0;
          },
        ),
      );
    }
    await Promise.all(sends);
    if (!windows.size && timer) {
      clearInterval(timer);
      timer = null;
    }
  };

  const schedule = () => {
    if (timer) return;
    timer = setInterval(() => void flush(), flushMs);
    timer.unref();
  };

  class BatchedRedisStore implements FastifyRateLimitStore {
    constructor(
      _params?: unknown,
      private readonly keyPrefix = prefix,
    ) {}

    incr(caller: string, cb: Callback, windowMs: number): void {
      const key = this.keyPrefix + caller;
      const w = windows.get(key);
      const now = Date.now();
      if (w && w.endsAt > now) {
        w.pending++;
        cb(null, { current: w.shared + w.sending + w.pending, ttl: w.endsAt - now });
        return;
      }
      add(key, 1, windowMs).then(
        ([current, ttl]) => {
          const open = windows.get(key);
          if (open && open.endsAt > Date.now()) {
            // Another request of this caller opened the window first: both are in Redis's count.
            open.shared = Math.max(open.shared, current);
            cb(null, { current: open.shared + open.sending + open.pending, ttl: open.endsAt - Date.now() });
            return;
          }
          if (windows.size < maxWindows) {
            windows.set(key, { shared: current, pending: 0, sending: 0, endsAt: Date.now() + ttl, windowMs });
            schedule();
          }
          cb(null, { current, ttl });
        },
        (err: Error) => cb(err),
      );
    }

    /** Per-route limits count under the route's own key, as the plugin's Redis store does. */
    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): BatchedRedisStore {
      // The plugin passes its merged settings with the route under `routeInfo` (its typings say otherwise).
      const route = (routeOptions as unknown as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo ?? {};
      return new BatchedRedisStore(undefined, `${this.keyPrefix}${String(route.method ?? '')}${String(route.url ?? '')}-`);
    }
  }

  return {
    Store: BatchedRedisStore,
    /** Sends what is counted and stops the timer (the app is closing). */
    async close(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await flush().catch(() => undefined);
      windows.clear();
    },
  };
}
