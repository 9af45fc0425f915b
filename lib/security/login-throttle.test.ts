import { describe, expect, it } from "vitest";
import { LoginThrottle } from "./login-throttle";

function setup() {
  let now = 1_000_000;
  const throttle = new LoginThrottle(
    { windowMs: 60_000, perAccount: 3, perAddress: 5, maxKeys: 100 },
    () => now,
  );
  return { throttle, advance: (ms: number) => (now += ms) };
}

describe("LoginThrottle", () => {
  it("blocks an account after its limit of failures, from any address", () => {
    const { throttle } = setup();
    for (let i = 0; i < 3; i++) {
      expect(throttle.check("alice", `10.0.0.${i}`).allowed).toBe(true);
      throttle.recordFailure("alice", `10.0.0.${i}`);
    }
    const verdict = throttle.check("Alice", "10.9.9.9");
    expect(verdict).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(throttle.check("bob", "10.9.9.9").allowed).toBe(true);
  });

  it("blocks an address spraying many accounts", () => {
    const { throttle } = setup();
    for (let i = 0; i < 5; i++) throttle.recordFailure(`user${i}`, "10.0.0.1");
    expect(throttle.check("someone-else", "10.0.0.1").allowed).toBe(false);
    expect(throttle.check("someone-else", "10.0.0.2").allowed).toBe(true);
  });

  it("slides: old failures age out of the window", () => {
    const { throttle, advance } = setup();
    throttle.recordFailure("alice", "a");
    advance(30_000);
    throttle.recordFailure("alice", "b");
    throttle.recordFailure("alice", "c");
    const blocked = throttle.check("alice", "d");
    expect(blocked).toEqual({ allowed: false, retryAfterSeconds: 30 });
    advance(30_001);
    expect(throttle.check("alice", "d").allowed).toBe(true);
  });

  it("a success clears the account's failures", () => {
    const { throttle } = setup();
    for (let i = 0; i < 3; i++) throttle.recordFailure("alice", "a");
    throttle.recordSuccess("alice");
    expect(throttle.check("alice", "b").allowed).toBe(true);
  });

  it("forgets the least recent keys beyond its capacity", () => {
    let now = 0;
    const throttle = new LoginThrottle(
      { windowMs: 60_000, perAccount: 1, perAddress: 1000, maxKeys: 4 },
      () => now,
    );
    throttle.recordFailure("first", "x");
    now += 1;
    throttle.recordFailure("second", "y");
    throttle.recordFailure("third", "z");
    expect(throttle.check("first", "q").allowed).toBe(true);
    expect(throttle.check("third", "q").allowed).toBe(false);
  });
});
