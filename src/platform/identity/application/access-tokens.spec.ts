import * as jwt from 'jsonwebtoken';
import { loadConfig } from '../../config/config';
import { AccessTokens, JWT_AUDIENCE, JWT_ISSUER } from './access-tokens';

describe('AccessTokens', () => {
  const config = loadConfig('test', { JWT_SECRET: 'unit-secret-unit-secret-unit-secret-0123', ACCESS_TOKEN_TTL: '120', NODE_ENV: 'test' });

  it('signs HS256 tokens for a user with the configured lifetime, issuer and audience', () => {
    const tokens = new AccessTokens(config);
    const token = tokens.sign('0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11');
    const claims = jwt.verify(token, 'unit-secret-unit-secret-unit-secret-0123', { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: '0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11', typ: 'access' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(120);
    expect(jwt.decode(token, { complete: true })?.header.alg).toBe('HS256');
    expect(tokens.ttlSeconds).toBe(120);
  });

  it('keeps the secret as a KeyObject that verifies its tokens and rejects a tampered one', () => {
    const tokens = new AccessTokens(config);
    const token = tokens.sign('0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11');
    expect(jwt.verify(token, tokens.key, { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE })).toMatchObject({ typ: 'access' });
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'someone-else', typ: 'access', iss: JWT_ISSUER, aud: JWT_AUDIENCE })).toString('base64url');
    expect(() => jwt.verify(`${header}.${forged}.${signature}`, tokens.key, { algorithms: ['HS256'] })).toThrow();
  });

  it('without a configured secret, signs with a key of its own that nobody else accepts', () => {
    const a = new AccessTokens({ ...config, auth: { ...config.auth, jwtSecret: undefined } });
    const b = new AccessTokens({ ...config, auth: { ...config.auth, jwtSecret: undefined } });
    expect(a.secret).not.toBe(b.secret);
    expect(() => jwt.verify(a.sign('u'), b.secret)).toThrow();
  });
});
