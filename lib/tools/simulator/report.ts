import type { Command } from "./scenario";

/** One failed action, as the course's simulator reports it. */
export interface ActionError {
  time: Date;
  /** The base URL the simulator was pointed at. */
  host: string;
  /** The `latest` id the request carried. */
  latest: number;
  /** The HTTP status as digits, or the kind of failure (`ReadTimeout`, `ConnectionError`, ...). */
  kind: string;
  command: Command;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface RunStats {
  /** Requests sent (all copies together). */
  actions: number;
  errors: number;
  errorsByKind: Record<string, number>;
  durationMs: number;
  requestsPerSecond: number;
  /** Milliseconds, over requests that got a complete response. */
  latency: LatencySummary;
  /** With `keepSamples`: each such request's start (ms since the run began) and latency (ms). */
  samples?: { startMs: number[]; latencyMs: number[] };
}

/** Nearest-rank percentile of ascending `sorted`; 0 for no samples. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarizeLatencies(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? 0 : (sorted[sorted.length - 1] as number),
  };
}

/** `UTC time,host,latest id,status or error kind,command`, like the course's simulator. */
export function formatErrorLine(error: ActionError): string {
  return [error.time.toISOString(), error.host, error.latest, error.kind, error.command].join(",");
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

export function formatSummary(stats: RunStats): string {
  const kinds = Object.entries(stats.errorsByKind)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, count]) => `${kind}: ${count}`)
    .join(", ");
  const { latency } = stats;
  return [
    `actions:   ${stats.actions}`,
    `errors:    ${stats.errors}${kinds === "" ? "" : ` (${kinds})`}`,
    `duration:  ${(stats.durationMs / 1000).toFixed(2)} s`,
    `req/s:     ${stats.requestsPerSecond.toFixed(1)}`,
    `latency:   p50 ${ms(latency.p50)}, p95 ${ms(latency.p95)}, p99 ${ms(latency.p99)}, max ${ms(latency.max)}`,
  ].join("\n");
}
