/**
 * Throttles failed sign-ins per account and per client address, so guessing one account's password
 * or spraying many accounts from one place both stall.
 *
 * Sliding windows held in this process's memory: with several app instances each keeps its own
 * count, which multiplies the allowance by the instance count but still bounds guessing. Successful
 * sign-ins reset the account's window, not the address's.
 */

export interface ThrottleLimits {
  windowMs: number;
  perAccount: number;
  perAddress: number;
  /** Tracked keys at most; the oldest are forgotten first, so a flood cannot exhaust memory. */
  maxKeys: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = {
  windowMs: 15 * 60_000,
  perAccount: 5,
  perAddress: 20,
  maxKeys: 50_000,
};

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether another attempt may be made for this account from this address. */
  check(username: string, address: string): ThrottleVerdict {
    const waits = [
      this.wait(accountKey(username), this.limits.perAccount),
      this.wait(addressKey(address), this.limits.perAddress),
    ];
    const retryAfterMs = Math.max(...waits);
    return retryAfterMs > 0
      ? { allowed: false, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) }
      : { allowed: true };
  }

  recordFailure(username: string, address: string): void {
    this.push(accountKey(username));
    this.push(addressKey(address));
  }

  recordSuccess(username: string): void {
    this.failures.delete(accountKey(username));
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.limits.windowMs;
    const times = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }

  /** Milliseconds until the key is under its limit again (0: it is). */
  private wait(key: string, limit: number): number {
    const times = this.recent(key);
    if (times.length < limit) return 0;
    // The attempt that must age out is the limit-th most recent one.
    const blocking = times[times.length - limit]!;
    return blocking + this.limits.windowMs - this.now();
  }

  private push(key: string): void {
    const times = this.recent(key);
    // Re-inserting moves the key to the end of the Map's order, making eviction least-recently-failed.
    this.failures.delete(key);
    this.failures.set(key, [...times, this.now()]);
    while (this.failures.size > this.limits.maxKeys) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }
}

function accountKey(username: string): string {
  return `account:${username.trim().toLowerCase()}`;
}

function addressKey(address: string): string {
  return `address:${address}`;
}

const globalForThrottle = globalThis as unknown as { minitwitLoginThrottle?: LoginThrottle };

/** The process's one throttle (kept on globalThis so dev reloads do not reset it). */
export function loginThrottle(): LoginThrottle {
  globalForThrottle.minitwitLoginThrottle ??= new LoginThrottle();
  return globalForThrottle.minitwitLoginThrottle;
}
