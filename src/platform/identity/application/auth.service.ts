import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost, Transactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { newId } from '../../database/columns';
import { invalidCredentials, invalidRefreshToken } from '../domain/identity.errors';
import { LOGIN_POLICY, LoginPolicy } from '../domain/login-policy';
import { newRefreshToken, sha256Hex } from '../domain/secrets';
import { ActorLoader } from '../persistence/actor-loader';
import { RefreshTokenEntity } from '../persistence/refresh-token.entity';
import { UserEntity } from '../persistence/user.entity';
import { AccessTokens } from './access-tokens';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

type RotateOutcome = { kind: 'ok'; tokens: TokenPair } | { kind: 'invalid' } | { kind: 'reuse' };

/**
 * Sessions: a short-lived JWT plus an opaque refresh token that rotates on every use.
 * Presenting a refresh token that was already rotated means a copy of it exists elsewhere:
 * the whole family (every token of that session) is revoked.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokens,
    private readonly actors: ActorLoader,
    private readonly throttle: LoginThrottle,
    @Inject(LOGIN_POLICY) private readonly policy: LoginPolicy,
  ) {}

  async login(email: string, password: string, ip: string): Promise<TokenPair> {
    await this.throttle.assertAllowed(ip);
    const user = await this.txHost.tx
      .createQueryBuilder(UserEntity, 'u')
      .where('lower(u.email) = lower(:email)', { email: email.trim() })
      .getOne();
    const locked = !!user?.lockedUntil && user.lockedUntil.getTime() > Date.now();
    // Unknown and locked accounts still cost one argon2 check: the answer's timing tells nothing.
    const ok = user && !locked ? await this.hasher.verify(user.passwordHash, password) : await this.hasher.verifyDummy(password);
    if (!user || !ok) {
      if (user && !locked) await this.recordAccountFailure(user.id);
      await this.throttle.recordFailure(ip);
      throw invalidCredentials();
    }
    if (user.status !== 'active') throw invalidCredentials();
    await this.txHost.tx.query(
      `UPDATE platform.users SET failed_login_count = 0, locked_until = NULL, last_login_at = now() WHERE id = $1`,
      [user.id],
    );
    return this.issue(user.id, newId());
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const outcome = await this.rotate(refreshToken);
    // Thrown after the transaction committed, so a detected reuse stays revoked.
    if (outcome.kind !== 'ok') throw invalidRefreshToken();
    return outcome.tokens;
  }

  /** Ends the session the token belongs to. Unknown tokens are ignored: logout is idempotent. */
  @Transactional()
  async logout(refreshToken: string): Promise<void> {
    const row = await this.txHost.tx.findOne(RefreshTokenEntity, { where: { tokenHash: sha256Hex(refreshToken) } });
    if (row) await this.revokeFamily(row.familyId);
  }

  /** Every session of a user ends (password changed, user disabled or deleted). */
  async revokeAllSessions(userId: string): Promise<void> {
    await this.txHost.tx.query(`UPDATE platform.refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
  }

  @Transactional()
  private async rotate(refreshToken: string): Promise<RotateOutcome> {
    const tx = this.txHost.tx;
    const row = await tx
      .createQueryBuilder(RefreshTokenEntity, 't')
      .where('t.token_hash = :hash', { hash: sha256Hex(refreshToken) })
      .setLock('pessimistic_write')
      .getOne();
    if (!row) return { kind: 'invalid' };
    if (row.revokedAt) {
      if (row.replacedBy) {
        await this.revokeFamily(row.familyId);
        return { kind: 'reuse' };
      }
      return { kind: 'invalid' };
    }
    if (row.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' };
    if (!(await this.actors.forUser(row.userId))) {
      await this.revokeFamily(row.familyId);
      return { kind: 'invalid' };
    }
    const tokens = await this.issue(row.userId, row.familyId, async (nextId) => {
      await tx.update(RefreshTokenEntity, { id: row.id }, { revokedAt: () => 'now()', replacedBy: nextId } as never);
    });
    return { kind: 'ok', tokens };
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.txHost.tx.query(`UPDATE platform.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [familyId]);
  }

  private async issue(userId: string, familyId: string, beforeInsert?: (id: string) => Promise<void>): Promise<TokenPair> {
    const refreshToken = newRefreshToken();
    const id = newId();
    await beforeInsert?.(id);
    await this.txHost.tx.insert(RefreshTokenEntity, {
      id,
      userId,
      familyId,
      tokenHash: sha256Hex(refreshToken),
      expiresAt: new Date(Date.now() + this.tokens.refreshTtlSeconds * 1000),
    });
    return { accessToken: this.tokens.sign(userId), refreshToken, expiresIn: this.tokens.ttlSeconds };
  }

  /** One more failure in a row; from the policy's threshold on, the account locks, longer each time. */
  private async recordAccountFailure(userId: string): Promise<void> {
    const p = this.policy;
    await this.txHost.tx.query(
      `UPDATE platform.users
          SET failed_login_count = failed_login_count + 1,
              locked_until = CASE WHEN failed_login_count + 1 >= $2
                                  THEN now() + make_interval(secs => LEAST($4::float8, $3::float8 * power(2, LEAST(failed_login_count + 1 - $2, 30))))
                                  ELSE locked_until END
        WHERE id = $1`,
      [userId, p.accountFreeFailures, p.accountBaseLockSeconds, p.accountMaxLockSeconds],
    );
  }
}
