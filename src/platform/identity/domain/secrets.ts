import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 hex of a high-entropy secret (refresh tokens, API keys): enough, as such secrets cannot be guessed. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** An opaque refresh token: 32 random bytes. */
export function newRefreshToken(): string {
  return `rt_${randomBytes(32).toString('base64url')}`;
}

const ALPHANUM = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  // Rejection sampling keeps every character equally likely.
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    if (bytes[i] < 256 - (256 % ALPHANUM.length)) out += ALPHANUM[bytes[i] % ALPHANUM.length];
  }
  return out.length === length ? out : out + randomAlphanumeric(length - out.length);
}

/**
 * `crm_<8 chars>_<43 chars>`: the prefix (`crm_<8 chars>`) is stored and shown in lists so people
 * can tell keys apart; the whole key is stored only as its SHA-256.
 */
export function newApiKey(): { key: string; prefix: string } {
  const prefix = `crm_${randomAlphanumeric(8)}`;
  return { key: `${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

export const API_KEY_FORMAT = /^crm_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/;

/** A password for a user created without one: 20 characters from a 56-symbol alphabet (~116 bits). */
export function generatePassword(): string {
  return randomAlphanumeric(20);
}
