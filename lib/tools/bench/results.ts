import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type * as vega from "vega";
import { summarizeLatencies, type LatencySummary, type RunStats } from "../simulator/report";

/**
 * What a benchmark keeps of its runs: one JSON file with the figures it printed, and per run two
 * SVG charts drawn with Vega (rendered in Node, no browser, no network): the latency distribution
 * and latency over time. Benchmarks call `writeBenchResults` with their runs; the files go to
 * `.bench/<bench>-<UTC time>/` (git-ignored), or under BENCH_RESULTS_DIR.
 */

export type LatencySamples = {
  /** When each request started, ms since the run began. */
  startMs: readonly number[];
  /** Its latency in ms. */
  latencyMs: readonly number[];
};

export type BenchRun = {
  label: string;
  /** Figures to keep as they are (errors, requests per second, CPU per action, ...). */
  figures: Record<string, number | string>;
  samples: LatencySamples;
};

export type HistogramBin = { fromMs: number; toMs: number; count: number };
export type TimeBucket = { fromS: number; toS: number; count: number; p50: number; p99: number; max: number };

/** Log-spaced bins from the fastest to the slowest sample: latencies span orders of magnitude. */
export function latencyHistogram(latencyMs: readonly number[], bins = 40): HistogramBin[] {
  if (latencyMs.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const value of latencyMs) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  const low = Math.log10(Math.max(min, 0.01));
  const high = Math.log10(Math.max(max, 0.01)) + 1e-9;
  const width = (high - low) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const value of latencyMs) {
    const index = Math.floor((Math.log10(Math.max(value, 0.01)) - low) / width);
    counts[Math.min(bins - 1, Math.max(0, index))]! += 1;
  }
  return counts.map((count, i) => ({
    fromMs: 10 ** (low + i * width),
    toMs: 10 ** (low + (i + 1) * width),
    count,
  }));
}

/** The run cut into equal stretches of time, with each stretch's request count and percentiles. */
export function latencyOverTime(samples: LatencySamples, buckets = 60): TimeBucket[] {
  const count = Math.min(samples.startMs.length, samples.latencyMs.length);
  if (count === 0) return [];
  let end = 0;
  for (let i = 0; i < count; i++) end = Math.max(end, samples.startMs[i]!);
  const width = end / buckets || 1;
  const grouped: number[][] = Array.from({ length: buckets }, () => []);
  for (let i = 0; i < count; i++) {
    grouped[Math.min(buckets - 1, Math.floor(samples.startMs[i]! / width))]!.push(samples.latencyMs[i]!);
  }
  return grouped.flatMap((latencies, i) => {
    if (latencies.length === 0) return [];
    const summary = summarizeLatencies(latencies);
    return [
      {
        fromS: (i * width) / 1000,
        toS: ((i + 1) * width) / 1000,
        count: latencies.length,
        p50: summary.p50,
        p99: summary.p99,
        max: summary.max,
      },
    ];
  });
}

const FONT = { font: "sans-serif", labelFont: "sans-serif", titleFont: "sans-serif" };

function histogramSpec(title: string, bins: HistogramBin[]): vega.Spec {
  return {
    $schema: "https://vega.github.io/schema/vega/v6.json",
    width: 640,
    height: 260,
    padding: 8,
    title: { text: title, subtitle: "Latency distribution (requests per latency bin, log scale)", ...FONT },
    data: [{ name: "bins", values: bins }],
    scales: [
      {
        name: "x",
        type: "log",
        domain: {
          fields: [
            { data: "bins", field: "fromMs" },
            { data: "bins", field: "toMs" },
          ],
        },
        range: "width",
        nice: false,
      },
      { name: "y", type: "linear", domain: { data: "bins", field: "count" }, range: "height", nice: true },
    ],
    axes: [
      { orient: "bottom", scale: "x", title: "latency (ms)", format: "~g", ...FONT },
      { orient: "left", scale: "y", title: "requests", format: "~s", ...FONT },
    ],
    marks: [
      {
        type: "rect",
        from: { data: "bins" },
        encode: {
          enter: {
            x: { scale: "x", field: "fromMs" },
            x2: { scale: "x", field: "toMs", offset: -1 },
            y: { scale: "y", field: "count" },
            y2: { scale: "y", value: 0 },
            fill: { value: "#4c78a8" },
          },
        },
      },
    ],
  };
}

function overTimeSpec(title: string, buckets: TimeBucket[]): vega.Spec {
  const points = buckets.flatMap((bucket) =>
    (["p50", "p99", "max"] as const).map((series) => ({
      t: (bucket.fromS + bucket.toS) / 2,
      series,
      ms: bucket[series],
    })),
  );
  return {
    $schema: "https://vega.github.io/schema/vega/v6.json",
    width: 640,
    height: 260,
    padding: 8,
    title: {
      text: title,
      subtitle: "Latency over the run (per time slice: p50, p99, max; log scale)",
      ...FONT,
    },
    data: [{ name: "points", values: points }],
    scales: [
      { name: "x", type: "linear", domain: { data: "points", field: "t" }, range: "width", zero: true },
      { name: "y", type: "log", domain: { data: "points", field: "ms" }, range: "height", nice: true },
      {
        name: "color",
        type: "ordinal",
        domain: ["p50", "p99", "max"],
        range: ["#4c78a8", "#f58518", "#e45756"],
      },
    ],
    axes: [
      { orient: "bottom", scale: "x", title: "time since the run started (s)", ...FONT },
      { orient: "left", scale: "y", title: "latency (ms)", format: "~g", ...FONT },
    ],
    legends: [{ stroke: "color", orient: "top-left", ...FONT }],
    marks: [
      {
        type: "group",
        from: { facet: { name: "series", data: "points", groupby: "series" } },
        marks: [
          {
            type: "line",
            from: { data: "series" },
            encode: {
              enter: {
                x: { scale: "x", field: "t" },
                y: { scale: "y", field: "ms" },
                stroke: { scale: "color", field: "series" },
                strokeWidth: { value: 1.5 },
              },
            },
          },
        ],
      },
    ],
  };
}

/** An SVG of a Vega specification, rendered headless. */
export async function renderSvg(spec: vega.Spec): Promise<string> {
  // Loaded when needed, as ES module: Vega's canvas probe uses top-level await, which the CommonJS
  // that tsx makes of a static import cannot load.
  const { View, parse } = await import("vega");
  const view = new View(parse(spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function slug(label: string): string {
  return (
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "run"
  );
}

export type WrittenResults = { dir: string; json: string; charts: string[] };

export async function writeBenchResults(options: {
  bench: string;
  runs: readonly BenchRun[];
  /** About the whole benchmark (scenario, database, machine). */
  context?: Record<string, unknown>;
  dir?: string;
  now?: Date;
}): Promise<WrittenResults> {
  const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, "-");
  const dir =
    options.dir ??
    path.join(
      process.env.BENCH_RESULTS_DIR ?? path.join(process.cwd(), ".bench"),
      `${options.bench}-${stamp}`,
    );
  await mkdir(dir, { recursive: true });
  const charts: string[] = [];
  const runs: {
    label: string;
    figures: Record<string, number | string>;
    latency: LatencySummary;
    histogram: HistogramBin[];
    overTime: TimeBucket[];
    charts: { distribution: string; overTime: string };
  }[] = [];
  for (const run of options.runs) {
    const histogram = latencyHistogram(run.samples.latencyMs);
    const overTime = latencyOverTime(run.samples);
    const name = slug(run.label);
    const files = {
      distribution: `${name}-latency-distribution.svg`,
      overTime: `${name}-latency-over-time.svg`,
    };
    const title = `${options.bench}: ${run.label}`;
    await writeFile(path.join(dir, files.distribution), await renderSvg(histogramSpec(title, histogram)));
    await writeFile(path.join(dir, files.overTime), await renderSvg(overTimeSpec(title, overTime)));
    charts.push(path.join(dir, files.distribution), path.join(dir, files.overTime));
    runs.push({
      label: run.label,
      figures: run.figures,
      latency: summarizeLatencies(run.samples.latencyMs),
      histogram,
      overTime,
      charts: files,
    });
  }
  const json = path.join(dir, "results.json");
  await writeFile(
    json,
    `${JSON.stringify({ bench: options.bench, time: (options.now ?? new Date()).toISOString(), context: options.context ?? {}, runs }, null, 2)}\n`,
  );
  return { dir, json, charts };
}

/** A simulator replay as a `BenchRun`: its figures, and its samples (run it with `keepSamples`). */
export function simulatorRun(label: string, stats: RunStats, figures: Record<string, number> = {}): BenchRun {
  return {
    label,
    figures: {
      actions: stats.actions,
      errors: stats.errors,
      durationMs: stats.durationMs,
      requestsPerSecond: stats.requestsPerSecond,
      p50Ms: stats.latency.p50,
      p95Ms: stats.latency.p95,
      p99Ms: stats.latency.p99,
      maxMs: stats.latency.max,
      ...figures,
    },
    samples: stats.samples ?? { startMs: [], latencyMs: [] },
  };
}
