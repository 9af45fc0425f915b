import { describe, expect, it } from "vitest";

import { formatErrorLine, formatSummary, percentile, summarizeLatencies } from "./report";

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it.each([
    [50, 50],
    [95, 95],
    [99, 99],
    [100, 100],
    [0, 1],
    [0.5, 1],
    [99.5, 100],
  ])("p%d of 1..100 is %d", (p, expected) => {
    expect(percentile(hundred, p)).toBe(expected);
  });

  it("takes the rank above for small samples", () => {
    expect(percentile([10, 20, 30], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 51)).toBe(30);
    expect(percentile([7], 99)).toBe(7);
  });

  it("is 0 without samples", () => {
    expect(percentile([], 99)).toBe(0);
  });
});

describe("summarizeLatencies", () => {
  it("sorts numerically, not as strings", () => {
    const summary = summarizeLatencies([9, 100, 2, 10, 1]);
    expect(summary).toEqual({ count: 5, p50: 9, p95: 100, p99: 100, max: 100 });
  });

  it("finds the tail of a long sample", () => {
    const samples = Array.from({ length: 1000 }, (_, i) => (i < 980 ? 1 : 50 + i));
    const summary = summarizeLatencies(samples);
    expect(summary.p50).toBe(1);
    expect(summary.p95).toBe(1);
    expect(summary.p99).toBe(50 + 989);
    expect(summary.max).toBe(50 + 999);
  });
});

describe("formatErrorLine", () => {
  it("prints time, host, latest, kind and command like the course's simulator", () => {
    const line = formatErrorLine({
      time: new Date(Date.UTC(2026, 10, 24, 8, 30, 5)),
      host: "http://localhost:3000/sim",
      latest: 4711,
      kind: "ReadTimeout",
      command: "tweet",
    });
    expect(line).toBe("2026-11-24T08:30:05.000Z,http://localhost:3000/sim,4711,ReadTimeout,tweet");
  });
});

describe("formatSummary", () => {
  it("lists the errors by kind and the latency percentiles", () => {
    const text = formatSummary({
      actions: 10,
      errors: 3,
      errorsByKind: { ReadTimeout: 1, "500": 2 },
      durationMs: 2000,
      requestsPerSecond: 5,
      latency: { count: 9, p50: 1.25, p95: 3, p99: 4, max: 5 },
    });
    expect(text).toContain("errors:    3 (500: 2, ReadTimeout: 1)");
    expect(text).toContain("req/s:     5.0");
    expect(text).toContain("p50 1.3 ms, p95 3.0 ms, p99 4.0 ms, max 5.0 ms");
  });
});
