import { env } from "../runtime/env";
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import type pg from "pg";
import { dbPool } from "../db/prisma";
import { logger } from "../observability/logger";

/**
 * Rate limits whose counters live in PostgreSQL (rate-limiter-flexible's store; one table for all of
 * them, told apart by a key prefix), so every app instance counts against the same budget and a
 * restart resets nothing. Each count is one prepared upsert on the app's pool.
 *
 * Windows are fixed (a key's window starts with its first point) and their ends are computed from
 * the app's clock: replicas need synchronised clocks (NTP), as any deployment has.
 */

/** Created by the migration `sessions_and_rate_limits` (model `RateLimit`), not by the library. */
export const RATE_LIMIT_TABLE = "rate_limits";

export type LimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type LimiterOptions = {
  /** Names the limiter's keys in the table; the same on every instance. */
  keyPrefix: string;
  points: number;
  durationSeconds: number;
  /**
   * Once a key is over its limit, refuse it from this process's memory until its window ends,
   * without asking the database again. Only for limiters whose keys are never reset early.
   */
  blockInMemory?: boolean;
  /** The pool to count on (default: the app's). */
  pool?: pg.Pool;
};

function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/**
 * One limit: counted in `store`; while the store fails (database unreachable), counted in `fallback`,
 * this process's memory, and logged, rather than failing every request for a reason that is not the
 * caller's.
 */
export class SharedLimiter {
  constructor(
    readonly store: RateLimiterAbstract,
    private readonly fallback: RateLimiterAbstract = new RateLimiterMemory({
      keyPrefix: store.keyPrefix,
      points: store.points,
      duration: store.duration,
    }),
  ) {}

  /** Counts `points` for `key`, refusing when that takes the key over its limit. */
  async consume(key: string, points = 1): Promise<LimitVerdict> {
    try {
      await this.run("consume", (limiter) => limiter.consume(key, points));
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        return { allowed: false, retryAfterSeconds: retryAfterSeconds(rejection) };
      }
      throw rejection;
    }
  }

  /** Gives back points counted for an attempt that, after all, should not count. */
  async refund(key: string, points = 1): Promise<void> {
    await this.run("refund", (limiter) => limiter.reward(key, points));
  }

  /** Forgets the key's count. */
  async reset(key: string): Promise<void> {
    await this.run("reset", (limiter) => limiter.delete(key));
  }

  private async run<T>(action: string, operation: (limiter: RateLimiterAbstract) => Promise<T>): Promise<T> {
    try {
      return await operation(this.store);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw error;
      logger().error(
        { err: error, limiter: this.store.keyPrefix, action },
        "rate limit store failed; counting in this process's memory",
      );
      return operation(this.fallback);
    }
  }
}

type StoreClient = { query(config: pg.QueryConfig): Promise<pg.QueryResult> };

/**
 * The library names its statements, so each is prepared once per connection. The embedded database
 * (PGlite) is one backend session behind every socket connection: a statement prepared through an
 * earlier connection outlives that connection's client-side cache, and preparing it again fails.
 * There the statements go unnamed.
 */
function storeClient(pool: pg.Pool): StoreClient {
  if (!env().embeddedDatabase) return pool;
  return { query: ({ text, values }) => pool.query({ text, values }) };
}

/** A limit counted in the app's PostgreSQL database. */
export function sharedLimiter(options: LimiterOptions): SharedLimiter {
  const { keyPrefix, points, durationSeconds } = options;
  return new SharedLimiter(
    new RateLimiterPostgres({
      storeClient: storeClient(options.pool ?? dbPool()),
      storeType: "pool",
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true,
      keyPrefix,
      points,
      duration: durationSeconds,
      ...(options.blockInMemory ? { inMemoryBlockOnConsumed: points + 1 } : {}),
    }),
  );
}
