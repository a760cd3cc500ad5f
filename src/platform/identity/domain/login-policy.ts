/**
 * How failed sign-ins slow an attacker down. Per account: after `accountFreeFailures` failures in
 * a row the account locks for `accountBaseLockSeconds`, doubling with each further failure up to
 * `accountMaxLockSeconds`; a success resets it. Per client address: `ipMaxFailures` failures
 * within `ipWindowSeconds` answer 429 until the window passes (kept in Redis, shared by replicas).
 */
export interface LoginPolicy {
  accountFreeFailures: number;
  accountBaseLockSeconds: number;
  accountMaxLockSeconds: number;
  ipMaxFailures: number;
  ipWindowSeconds: number;
}

export const DEFAULT_LOGIN_POLICY: LoginPolicy = {
  accountFreeFailures: 5,
  accountBaseLockSeconds: 60,
  accountMaxLockSeconds: 3600,
  ipMaxFailures: 30,
  ipWindowSeconds: 900,
};

export const LOGIN_POLICY = Symbol('LOGIN_POLICY');

/** How long an account locks after its `failures`-th failure in a row (0: not locked). */
export function lockSecondsAfter(failures: number, policy: LoginPolicy): number {
  if (failures < policy.accountFreeFailures) return 0;
  const doublings = failures - policy.accountFreeFailures;
  return Math.min(policy.accountMaxLockSeconds, policy.accountBaseLockSeconds * 2 ** Math.min(doublings, 30));
}
