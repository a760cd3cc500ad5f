import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { BEARER_STRATEGY } from '../../access/access.guard';
import { AccessTokenClaims, AccessTokens, JWT_AUDIENCE, JWT_ISSUER } from '../application/access-tokens';
import { ActorLoader, LoadedActor } from '../persistence/actor-loader';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `Authorization: Bearer <JWT>`: a person's session. The user must still be active. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, BEARER_STRATEGY) {
  constructor(
    tokens: AccessTokens,
    private readonly actors: ActorLoader,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt hands this to jsonwebtoken.verify, which takes a KeyObject (its typings say only string | Buffer).
      secretOrKey: tokens.key as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  async validate(claims: Partial<AccessTokenClaims>): Promise<LoadedActor | false> {
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || !UUID.test(claims.sub)) return false;
    return (await this.actors.forUserRequest(claims.sub)) ?? false;
  }
}
