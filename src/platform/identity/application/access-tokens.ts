import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';

export const JWT_ISSUER = 'crm-box';
export const JWT_AUDIENCE = 'crm-api';

export interface AccessTokenClaims {
  sub: string;
  typ: 'access';
}

/** Short-lived JWT access tokens (HS256, the deployment's JWT secret), and the sessions' lifetimes. */
@Injectable()
export class AccessTokens {
  /** Without a configured secret (the CLI) tokens are signed with a per-process key nobody else trusts. */
  readonly secret: string;
  /**
   * The secret as a KeyObject, made once. Given a string, jsonwebtoken first tries to parse it as
   * a PEM public key on every sign and verify (and throws), which costs more than the HMAC itself.
   */
  readonly key: KeyObject;
  readonly ttlSeconds: number;
  /** How long a refresh token lives (each rotation starts a new one). */
  readonly refreshTtlSeconds: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.secret = config.auth.jwtSecret ?? randomBytes(48).toString('base64url');
    this.key = createSecretKey(Buffer.from(this.secret, 'utf8'));
    this.ttlSeconds = config.auth.accessTokenTtl;
    this.refreshTtlSeconds = config.auth.refreshTokenTtl;
  }

  sign(userId: string): string {
    const claims: AccessTokenClaims = { sub: userId, typ: 'access' };
    return jwt.sign(claims, this.key, { algorithm: 'HS256', expiresIn: this.ttlSeconds, issuer: JWT_ISSUER, audience: JWT_AUDIENCE, jwtid: randomBytes(9).toString('base64url') });
  }
}
