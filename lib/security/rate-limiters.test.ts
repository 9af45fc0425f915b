import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { logger } from "../observability/logger";
import { sharedLimiter } from "./rate-limiters";

describe("sharedLimiter", () => {
  // Nothing listens on port 1: every statement fails at once, as with a database that is down.
  const pool = new pg.Pool({ host: "127.0.0.1", port: 1, connectionTimeoutMillis: 1000 });
  afterAll(() => pool.end());

  it("counts in this process's memory, and says so, while the database cannot count", async () => {
    const error = vi.spyOn(logger(), "error").mockImplementation(() => undefined);
    try {
      const limiter = sharedLimiter({ keyPrefix: "unit", points: 2, durationSeconds: 60, pool });
      expect(await limiter.consume("k")).toEqual({ allowed: true });
      expect(await limiter.consume("k")).toEqual({ allowed: true });
      expect((await limiter.consume("k")).allowed).toBe(false);
      await limiter.reset("k");
      expect((await limiter.consume("k")).allowed).toBe(true);
      expect(error).toHaveBeenCalledWith(
        expect.objectContaining({ limiter: "unit", action: "consume" }),
        "rate limit store failed; counting in this process's memory",
      );
    } finally {
      error.mockRestore();
    }
  });
});
