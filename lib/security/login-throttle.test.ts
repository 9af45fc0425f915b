import { RateLimiterMemory } from "rate-limiter-flexible";
import { describe, expect, it } from "vitest";
import { LoginThrottle } from "./login-throttle";
import { SharedLimiter } from "./rate-limiters";

/** The throttle's rules on in-memory counters (the shared PostgreSQL store has its own tests). */
function setup(limits = { perAccount: 3, perAddress: 5 }) {
  const limiter = (points: number) =>
    new SharedLimiter(new RateLimiterMemory({ keyPrefix: `t${points}`, points, duration: 60 }));
  return new LoginThrottle(limiter(limits.perAccount), limiter(limits.perAddress));
}

describe("LoginThrottle", () => {
  it("refuses an account after its limit of attempts, from any address and in any case", async () => {
    const throttle = setup();
    for (let i = 0; i < 3; i++) expect((await throttle.attempt("alice", `10.0.0.${i}`)).allowed).toBe(true);
    const verdict = await throttle.attempt(" Alice", "10.9.9.9");
    expect(verdict).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect((await throttle.attempt("bob", "10.9.9.9")).allowed).toBe(true);
  });

  it("refuses an address spraying many accounts, and only that address", async () => {
    const throttle = setup();
    for (let i = 0; i < 5; i++) await throttle.attempt(`user${i}`, "10.0.0.1");
    expect((await throttle.attempt("someone-else", "10.0.0.1")).allowed).toBe(false);
    expect((await throttle.attempt("someone-else", "10.0.0.2")).allowed).toBe(true);
  });

  it("counts only failures: a success resets the account and gives the address its point back", async () => {
    const throttle = setup();
    await throttle.attempt("carol", "10.0.0.1");
    await throttle.attempt("carol", "10.0.0.1");
    await throttle.attempt("carol", "10.0.0.1");
    await throttle.succeeded("carol", "10.0.0.1");
    for (let i = 0; i < 3; i++) expect((await throttle.attempt("carol", "10.0.0.1")).allowed).toBe(true);
    // 3 failures before the success and 3 after: the address (limit 5) has counted 5, not 7.
    expect((await throttle.attempt("dave", "10.0.0.1")).allowed).toBe(false);
  });

  it("does not count refused attempts against the side that still had room", async () => {
    const throttle = setup({ perAccount: 1, perAddress: 3 });
    await throttle.attempt("erin", "10.0.0.1");
    // Erin is locked; trying her again and again from this address must not lock the address.
    for (let i = 0; i < 5; i++) expect((await throttle.attempt("erin", "10.0.0.1")).allowed).toBe(false);
    expect((await throttle.attempt("frank", "10.0.0.1")).allowed).toBe(true);
    expect((await throttle.attempt("grace", "10.0.0.1")).allowed).toBe(true);
    expect((await throttle.attempt("heidi", "10.0.0.1")).allowed).toBe(false);
  });

  it("counts attempts made in parallel, so a burst cannot outrun the check", async () => {
    const throttle = setup();
    const verdicts = await Promise.all(
      Array.from({ length: 10 }, () => throttle.attempt("ivan", "10.0.0.1")),
    );
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(3);
  });

  it("keys odd or overlong usernames by digest, so any input is a valid key", async () => {
    const throttle = setup({ perAccount: 1, perAddress: 100 });
    const long = "x".repeat(5000);
    expect((await throttle.attempt(long, "10.0.0.1")).allowed).toBe(true);
    expect((await throttle.attempt(long.toUpperCase(), "10.0.0.2")).allowed).toBe(false);
    expect((await throttle.attempt("a\u0000b", "10.0.0.1")).allowed).toBe(true);
    expect((await throttle.attempt("a\u0000b", "10.0.0.1")).allowed).toBe(false);
  });
});
