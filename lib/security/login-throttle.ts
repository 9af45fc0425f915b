import { createHash } from "node:crypto";
import { sharedLimiter, SharedLimiter, type LimitVerdict } from "./rate-limiters";
import { singleton } from "../runtime/singleton";

/**
 * Throttles sign-in attempts per account and per client address, so guessing one account's password
 * and spraying many accounts from one place both stall. It runs where passwords are checked (the
 * credentials provider's `authorize`), so every route that can sign someone in is covered.
 *
 * An attempt is counted before its password is checked: parallel guesses cannot slip in between a
 * check and its count. A successful sign-in then resets the account's count and gives the address its
 * point back, so only failures stay counted. The counts are shared by every app instance (PostgreSQL)
 * and survive restarts.
 */

export const DEFAULT_LIMITS = { windowSeconds: 15 * 60, perAccount: 5, perAddress: 20 } as const;

export class LoginThrottle {
  constructor(
    private readonly accounts: SharedLimiter,
    private readonly addresses: SharedLimiter,
  ) {}

  /** Counts an attempt for this account from this address, or refuses it (refusals do not count). */
  async attempt(username: string, address: string): Promise<LimitVerdict> {
    const account = accountKey(username);
    const [byAddress, byAccount] = await Promise.all([
      this.addresses.consume(address),
      this.accounts.consume(account),
    ]);
    if (byAddress.allowed && byAccount.allowed) return { allowed: true };
    await Promise.all([
      byAddress.allowed ? this.addresses.refund(address) : undefined,
      byAccount.allowed ? this.accounts.refund(account) : undefined,
    ]);
    const waits = [byAddress, byAccount].map((verdict) => (verdict.allowed ? 0 : verdict.retryAfterSeconds));
    return { allowed: false, retryAfterSeconds: Math.max(...waits) };
  }

  /** The attempt signed in: only failures count. */
  async succeeded(username: string, address: string): Promise<void> {
    await Promise.all([this.accounts.reset(accountKey(username)), this.addresses.refund(address)]);
  }
}

/**
 * Usernames are compared as typed, but their throttle is shared by case variants. What is typed can
 * be anything up to the form's size: a long or odd one is keyed by its digest, so a key always fits
 * the table's column and holds no control characters.
 */
function accountKey(username: string): string {
  const name = username.trim().toLowerCase();
  if (name.length <= 64 && !/[\u0000-\u001f\u007f]/.test(name)) return name;
  return `#${createHash("sha256").update(name, "utf8").digest("hex")}`;
}

/**
 * The process's throttle, on the shared counters. On globalThis: Next.js bundles each route on its
 * own, and one pair of limiters per process is enough (the counts are in the database anyway).
 */
export function loginThrottle(): LoginThrottle {
  return singleton(
    "loginThrottle",
    () =>
      new LoginThrottle(
        sharedLimiter({
          keyPrefix: "login-account",
          points: DEFAULT_LIMITS.perAccount,
          durationSeconds: DEFAULT_LIMITS.windowSeconds,
        }),
        sharedLimiter({
          keyPrefix: "login-address",
          points: DEFAULT_LIMITS.perAddress,
          durationSeconds: DEFAULT_LIMITS.windowSeconds,
        }),
      ),
  );
}
