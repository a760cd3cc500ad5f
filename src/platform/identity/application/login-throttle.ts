import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS, RedisKeys } from '../../redis/redis.module';
import { tooManyLoginAttempts } from '../domain/identity.errors';
import { LOGIN_POLICY, LoginPolicy } from '../domain/login-policy';

/**
 * Failed sign-ins per client address, in Redis so every replica counts the same. The window
 * starts at the first failure; once `ipMaxFailures` is reached the address gets 429 until it ends.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @Inject(LOGIN_POLICY) private readonly policy: LoginPolicy,
  ) {}

  private key(ip: string): string {
    return this.keys.key('auth', 'login-failures', ip);
  }

  /** 429 with Retry-After while the address is over its budget. */
  async assertAllowed(ip: string): Promise<void> {
    const key = this.key(ip);
    const [[, count], [, ttl]] = (await this.redis.multi().get(key).pttl(key).exec()) as [[null, string | null], [null, number]];
    if (count !== null && Number(count) >= this.policy.ipMaxFailures) {
      throw tooManyLoginAttempts(ttl > 0 ? ttl / 1000 : this.policy.ipWindowSeconds);
    }
  }

  async recordFailure(ip: string): Promise<void> {
    const key = this.key(ip);
    await this.redis.multi().set(key, 0, 'EX', this.policy.ipWindowSeconds, 'NX').incr(key).exec();
  }
}
