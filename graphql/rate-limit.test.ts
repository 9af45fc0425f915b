import { describe, expect, it } from "vitest";
import { SlidingWindowRateLimiter } from "./rate-limit";

function clock(start: number) {
  const state = { t: start };
  return { state, now: () => state.t };
}

describe("SlidingWindowRateLimiter", () => {
  it("allows the limit, then refuses with a Retry-After, per key", () => {
    const { now } = clock(0);
    const limiter = new SlidingWindowRateLimiter(3, 60_000, now);
    expect([1, 2, 3].map(() => limiter.hit("a").allowed)).toEqual([true, true, true]);
    const refused = limiter.hit("a");
    // At 80 s two thirds of this window's 3 still count: 2 + 1 fits the limit again.
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 80 });
    expect(limiter.hit("b").allowed).toBe(true);
  });

  it("weights the previous window, so no double burst at the boundary", () => {
    const { state, now } = clock(0);
    const limiter = new SlidingWindowRateLimiter(10, 60_000, now);
    for (let i = 0; i < 10; i++) limiter.hit("a");
    state.t = 60_000 + 6_000; // 10% into the next window: 90% of the old 10 still count.
    expect(limiter.hit("a").allowed).toBe(true);
    expect(limiter.hit("a")).toMatchObject({ allowed: false });
    state.t = 60_000 + 30_000; // Halfway: 5 of the old, plus the 1 taken.
    let allowed = 0;
    while (limiter.hit("a").allowed) allowed++;
    expect(allowed).toBe(4);
  });

  it("tells a refused client when it may come back, and means it", () => {
    const { state, now } = clock(0);
    const limiter = new SlidingWindowRateLimiter(5, 60_000, now);
    for (let i = 0; i < 5; i++) limiter.hit("a");
    state.t = 70_000;
    const refused = limiter.hit("a");
    if (refused.allowed) throw new Error("expected a refusal");
    const retryAt = 70_000 + refused.retryAfterSeconds * 1000;
    state.t = retryAt - 1500;
    expect(limiter.hit("a").allowed).toBe(false);
    state.t = retryAt;
    expect(limiter.hit("a").allowed).toBe(true);
  });

  it("does not count refused requests, and forgets idle clients", () => {
    const { state, now } = clock(0);
    const limiter = new SlidingWindowRateLimiter(1, 60_000, now);
    limiter.hit("a");
    for (let i = 0; i < 100; i++) limiter.hit("a");
    state.t = 120_000; // Two windows later nothing of the old ones counts.
    expect(limiter.hit("a").allowed).toBe(true);
    limiter.hit("b");
    state.t = 300_000;
    limiter.hit("c");
    expect(limiter.size).toBe(1);
  });
});
