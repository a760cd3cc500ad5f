import { DomainError } from '../../errors/domain-error';

/**
 * One answer for every failed login (unknown email, wrong password, locked, disabled): the
 * response never tells which emails have accounts.
 */
export const invalidCredentials = () =>
  new DomainError('INVALID_CREDENTIALS', 'unauthenticated', 'The email or password is not correct.', [], { 'WWW-Authenticate': 'Bearer' });

export const invalidRefreshToken = () =>
  new DomainError('INVALID_REFRESH_TOKEN', 'unauthenticated', 'The refresh token is not valid; sign in again.', [], { 'WWW-Authenticate': 'Bearer' });

export const tooManyLoginAttempts = (retryAfterSeconds: number) =>
  new DomainError('TOO_MANY_LOGIN_ATTEMPTS', 'rate_limited', 'Too many failed sign-in attempts from this address; try again later.', [], {
    'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });

export const grantBeyondOwnRights = (what: string, beyond: string[]) =>
  new DomainError('GRANT_BEYOND_OWN_RIGHTS', 'forbidden', `You may not ${what} with rights you do not hold yourself (${beyond.slice(0, 5).join('; ')}).`);

export const lastAdmin = () =>
  new DomainError('LAST_ADMIN', 'conflict', 'This would leave the box without an active administrator.');
