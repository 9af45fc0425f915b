import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { latencyHistogram, latencyOverTime, writeBenchResults } from "./results";

describe("latencyHistogram", () => {
  it("puts every sample in one of the log-spaced bins, fastest to slowest", () => {
    const samples = [0.5, 0.9, 1, 2, 3, 10, 50, 250];
    const bins = latencyHistogram(samples, 8);
    expect(bins).toHaveLength(8);
    expect(bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(samples.length);
    expect(bins[0]!.fromMs).toBeCloseTo(0.5);
    expect(bins.at(-1)!.toMs).toBeCloseTo(250);
    expect(bins.at(-1)!.count).toBe(1);
    for (let i = 1; i < bins.length; i++) expect(bins[i]!.fromMs).toBeCloseTo(bins[i - 1]!.toMs);
  });

  it("is empty without samples", () => {
    expect(latencyHistogram([])).toEqual([]);
  });
});

describe("latencyOverTime", () => {
  it("cuts the run into time slices with their own percentiles", () => {
    // A slow second half: its slices must show it.
    const startMs = Array.from({ length: 200 }, (_, i) => i * 10);
    const latencyMs = startMs.map((t) => (t < 1000 ? 2 : 20));
    const buckets = latencyOverTime({ startMs, latencyMs }, 4);
    expect(buckets.map((b) => b.count)).toEqual([50, 50, 50, 50]);
    expect(buckets.map((b) => b.p50)).toEqual([2, 2, 20, 20]);
    expect(buckets[0]!.fromS).toBe(0);
    expect(buckets.at(-1)!.toS).toBeCloseTo(1.99);
  });
});

describe("writeBenchResults", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("writes the figures as JSON and two SVG charts per run", async () => {
    const base = await mkdtemp(path.join(os.tmpdir(), "minitwit-bench-results-"));
    dirs.push(base);
    const startMs = Array.from({ length: 500 }, (_, i) => i * 4);
    const latencyMs = startMs.map((t, i) => 1 + (i % 17) / 4 + (t > 1500 ? 30 : 0));
    const written = await writeBenchResults({
      bench: "sim",
      dir: path.join(base, "out"),
      context: { scenario: "generated" },
      runs: [
        {
          label: "sequential (1 simulator)",
          figures: { errors: 0, requestsPerSecond: 250 },
          samples: { startMs, latencyMs },
        },
      ],
    });
    const results = JSON.parse(await readFile(written.json, "utf8")) as {
      bench: string;
      context: Record<string, unknown>;
      runs: {
        label: string;
        figures: Record<string, number>;
        latency: { count: number; max: number };
        charts: Record<string, string>;
      }[];
    };
    expect(results.bench).toBe("sim");
    expect(results.context).toEqual({ scenario: "generated" });
    expect(results.runs[0]).toMatchObject({
      label: "sequential (1 simulator)",
      figures: { errors: 0, requestsPerSecond: 250 },
      latency: { count: 500, max: 35 },
      charts: {
        distribution: "sequential-1-simulator-latency-distribution.svg",
        overTime: "sequential-1-simulator-latency-over-time.svg",
      },
    });
    expect(written.charts.map((file) => path.basename(file))).toEqual([
      "sequential-1-simulator-latency-distribution.svg",
      "sequential-1-simulator-latency-over-time.svg",
    ]);
    const distribution = await readFile(written.charts[0]!, "utf8");
    const overTime = await readFile(written.charts[1]!, "utf8");
    for (const svg of [distribution, overTime]) {
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg).toContain("sim: sequential (1 simulator)");
      expect(svg).toContain("latency (ms)");
    }
    // One bar per non-empty bin; three lines (p50, p99, max).
    const nonEmpty =
      results.runs[0] &&
      JSON.parse(await readFile(written.json, "utf8")).runs[0].histogram.filter(
        (b: { count: number }) => b.count > 0,
      ).length;
    expect(
      distribution.match(/<path[^>]*fill="#4c78a8"/g)?.length ??
        distribution.match(/fill="#4c78a8"/g)?.length,
    ).toBeGreaterThanOrEqual(nonEmpty);
    expect(overTime).toContain("p99");
    expect(overTime.match(/stroke="#f58518"/g)?.length).toBeGreaterThanOrEqual(1);
  });
});
