/**
 * A sliding-window rate limiter kept in process memory: per key, the counts of the current and the
 * previous fixed window, the previous one weighted by how much of it still overlaps the sliding
 * window. Two numbers per client instead of a timestamp per request, and no burst of twice the
 * limit at a window boundary. Each app instance limits on its own.
 */
export type RateVerdict =
  { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

type Bucket = { windowStart: number; current: number; previous: number };

export class SlidingWindowRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    readonly limit: number,
    readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request for `key` if it is allowed; refused requests do not count. */
  hit(key: string): RateVerdict {
    const t = this.now();
    const window = Math.floor(t / this.windowMs) * this.windowMs;
    this.sweep(window);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { windowStart: window, current: 0, previous: 0 };
      this.buckets.set(key, bucket);
    } else if (bucket.windowStart !== window) {
      bucket.previous = window - bucket.windowStart === this.windowMs ? bucket.current : 0;
      bucket.current = 0;
      bucket.windowStart = window;
    }
    const overlap = 1 - (t - window) / this.windowMs;
    const estimate = bucket.previous * overlap + bucket.current;
    if (estimate + 1 > this.limit) {
      return { allowed: false, retryAfterSeconds: this.retryAfter(bucket, t, window) };
    }
    bucket.current++;
    return { allowed: true, remaining: Math.max(0, Math.floor(this.limit - estimate - 1)) };
  }

  /** Seconds until the estimate has decayed enough for one more request. */
  private retryAfter(bucket: Bucket, t: number, window: number): number {
    const room = this.limit - 1;
    let at: number;
    if (bucket.current <= room && bucket.previous > 0) {
      at = window + this.windowMs * (1 - (room - bucket.current) / bucket.previous);
    } else {
      // Not before the next window, where this window's count starts to fade.
      const fade = bucket.current > 0 ? Math.max(0, 1 - room / bucket.current) : 0;
      at = window + this.windowMs + this.windowMs * fade;
    }
    return Math.max(1, Math.ceil((at - t) / 1000));
  }

  /** Forgets clients idle for two windows, at most once a window, so memory follows active clients. */
  private sweep(window: number): void {
    if (window === this.lastSweep) return;
    this.lastSweep = window;
    for (const [key, bucket] of this.buckets) {
      if (window - bucket.windowStart > this.windowMs) this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
