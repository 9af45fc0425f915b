import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { db, disconnectDb } from "../db/prisma";
import { logger } from "../observability/logger";
import { sharedLimiter } from "./rate-limiters";

afterAll(disconnectDb);

/** Two limiter objects with one prefix stand for the same limit in two app instances. */
function instances(points: number, durationSeconds = 60) {
  const keyPrefix = `test-${randomBytes(4).toString("hex")}`;
  const make = () => sharedLimiter({ keyPrefix, points, durationSeconds });
  return { keyPrefix, a: make(), b: make() };
}

describe("shared rate limits (PostgreSQL)", () => {
  it("count in the database: what one instance counted, the other refuses", async () => {
    const { keyPrefix, a, b } = instances(3);
    for (let i = 0; i < 3; i++)
      expect(await (i % 2 ? a : b).consume("203.0.113.1")).toEqual({ allowed: true });
    const refused = await b.consume("203.0.113.1");
    expect(refused.allowed).toBe(false);
    expect(!refused.allowed && refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(!refused.allowed && refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await a.consume("203.0.113.2")).allowed).toBe(true);
    // A new instance (a restart) reads the same count.
    const restarted = sharedLimiter({ keyPrefix, points: 3, durationSeconds: 60 });
    expect((await restarted.consume("203.0.113.1")).allowed).toBe(false);
    const row = await db().rateLimit.findUnique({ where: { key: `${keyPrefix}:203.0.113.1` } });
    expect(row?.points).toBeGreaterThanOrEqual(3);
  });

  it("count a burst exactly, wherever its requests land", async () => {
    const { a, b } = instances(5);
    const verdicts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).consume("burst")),
    );
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(5);
  });

  it("refund and reset on the shared count", async () => {
    const { a, b } = instances(2);
    await a.consume("k");
    await a.consume("k");
    expect((await b.consume("k")).allowed).toBe(false);
    await b.refund("k", 2);
    expect((await a.consume("k")).allowed).toBe(true);
    await a.reset("k");
    expect((await b.consume("k")).allowed).toBe(true);
    expect((await b.consume("k")).allowed).toBe(true);
  });

  it("keep counting in the database when the pool's connections are replaced", async () => {
    // On the embedded database every connection is one backend session: statements the first
    // connection prepared must not make the next one fail (and fall back to memory).
    const error = vi.spyOn(logger(), "error");
    try {
      const { keyPrefix, a } = instances(2);
      expect((await a.consume("k")).allowed).toBe(true);
      await disconnectDb();
      const next = sharedLimiter({ keyPrefix, points: 2, durationSeconds: 60 });
      expect((await next.consume("k")).allowed).toBe(true);
      expect((await next.consume("k")).allowed).toBe(false);
      expect(error).not.toHaveBeenCalled();
    } finally {
      error.mockRestore();
    }
  });

  it("start a new window once the old one ended", async () => {
    const { a, b } = instances(1, 1);
    expect((await a.consume("k")).allowed).toBe(true);
    expect((await b.consume("k")).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await b.consume("k")).allowed).toBe(true);
  });
});
