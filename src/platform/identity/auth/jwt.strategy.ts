import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { BEARER_STRATEGY } from '../../access/access.guard';
import { AccessTokenClaims, AccessTokens, JWT_AUDIENCE, JWT_ISSUER } from '../application/access-tokens';
import { ActorLoader, LoadedActor } from '../persistence/actor-loader';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();
/** The request as passport hands it over (what passport-jwt's extractors read). */
type Request = Parameters<typeof bearerToken>[0];

/** Verified tokens remembered per process; beyond it the oldest is forgotten (and verified again when next used). */
const MAX_VERIFIED = 10_000;

type Claims = Partial<AccessTokenClaims> & { exp?: number };

/**
 * `Authorization: Bearer <JWT>`: a person's session. The user must still be active: that is
 * read on every request (validate). The token's signature, issuer and audience are checked once
 * per token text and remembered; its expiry is checked on every use, as jsonwebtoken checks it.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, BEARER_STRATEGY) {
  private readonly verified = new Map<string, Claims>();

  constructor(
    tokens: AccessTokens,
    private readonly actors: ActorLoader,
  ) {
    super({
      jwtFromRequest: bearerToken,
      // passport-jwt hands this to jsonwebtoken.verify, which takes a KeyObject (its typings say only string | Buffer).
      secretOrKey: tokens.key as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
      passReqToCallback: true,
    });
  }

  override authenticate(req: Request, options?: object): void {
    const token = bearerToken(req);
    const claims = token ? this.verified.get(token) : undefined;
    if (!claims || !unexpired(claims)) {
      // passport-jwt verifies the token, then calls validate (which remembers it).
      super.authenticate(req, options);
      return;
    }
    this.actorOf(claims).then(
      (actor) => (actor ? this.success(actor) : this.fail(undefined, 401)),
      (err: Error) => this.error(err),
    );
  }

  /** Called by passport-jwt with a token it has just verified. */
  async validate(req: Request, claims: Claims): Promise<LoadedActor | false> {
    const token = bearerToken(req);
    if (token && typeof claims.exp === 'number') {
      if (this.verified.size >= MAX_VERIFIED) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, claims);
    }
    return this.actorOf(claims);
  }

  private async actorOf(claims: Claims): Promise<LoadedActor | false> {
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || !UUID.test(claims.sub)) return false;
    return (await this.actors.forUserRequest(claims.sub)) ?? false;
  }
}

/** jsonwebtoken's rule: expired once the current second reaches `exp`. */
function unexpired(claims: Claims): boolean {
  return typeof claims.exp === 'number' && Math.floor(Date.now() / 1000) < claims.exp;
}
