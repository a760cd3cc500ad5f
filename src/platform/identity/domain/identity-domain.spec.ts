import { DEFAULT_LOGIN_POLICY, lockSecondsAfter } from './login-policy';
import { API_KEY_FORMAT, generatePassword, newApiKey, newRefreshToken, sha256Hex } from './secrets';

describe('lockSecondsAfter', () => {
  const p = DEFAULT_LOGIN_POLICY;
  it('does not lock below the threshold', () => {
    for (let n = 0; n < p.accountFreeFailures; n++) expect(lockSecondsAfter(n, p)).toBe(0);
  });

  it('locks from the threshold on, doubling, up to the cap', () => {
    expect(lockSecondsAfter(p.accountFreeFailures, p)).toBe(p.accountBaseLockSeconds);
    expect(lockSecondsAfter(p.accountFreeFailures + 1, p)).toBe(p.accountBaseLockSeconds * 2);
    expect(lockSecondsAfter(p.accountFreeFailures + 2, p)).toBe(p.accountBaseLockSeconds * 4);
    expect(lockSecondsAfter(p.accountFreeFailures + 100, p)).toBe(p.accountMaxLockSeconds);
  });
});

describe('secrets', () => {
  it('makes API keys in the documented format, with a distinct prefix', () => {
    const a = newApiKey();
    const b = newApiKey();
    expect(a.key).toMatch(API_KEY_FORMAT);
    expect(a.key.startsWith(`${a.prefix}_`)).toBe(true);
    expect(a.prefix).toMatch(/^crm_[A-Za-z0-9]{8}$/);
    expect(a.key).not.toBe(b.key);
  });

  it('makes opaque refresh tokens and unambiguous passwords', () => {
    expect(newRefreshToken()).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
    expect(newRefreshToken()).not.toBe(newRefreshToken());
    const pw = generatePassword();
    expect(pw).toMatch(/^[A-HJ-NP-Za-km-z2-9]{20}$/);
  });

  it('hashes with SHA-256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
