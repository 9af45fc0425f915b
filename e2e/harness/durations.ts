/**
 * Prometheus-style durations ("1m", "30s", "1h30m", "250ms"), as in prometheus.yml, rule files and
 * alertmanager.yml, for tests that run the repository's monitoring configuration on a faster clock.
 */
const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text)
    throw new Error(`not a Prometheus duration: ${JSON.stringify(text)}`);
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * (UNITS[unit ?? ""] ?? 0), 0);
}

/** Milliseconds as a duration both Prometheus and Alertmanager parse (whole milliseconds). */
export function formatDuration(ms: number): string {
  return `${Math.max(0, Math.round(ms))}ms`;
}

/** The duration `text` divided by `factor`, never below 1 ms unless it was 0. */
export function scaleDuration(text: string, factor: number): string {
  const ms = parseDuration(text);
  return ms === 0 ? "0s" : formatDuration(Math.max(1, ms / factor));
}
