/**
 * Reads a `/metrics` scrape back into samples, so tests (and scripts) can assert what moved
 * without regular expressions tied to label order or formatting.
 */
export type Sample = { name: string; labels: Record<string, string>; value: number };

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
}

function parseValue(text: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return Number(text);
}

export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`Not a Prometheus sample: ${line}`);
    const [, name = "", labelText = "", value = ""] = match;
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    let consumed = 0;
    for (let label = LABEL.exec(labelText); label !== null; label = LABEL.exec(labelText)) {
      labels[label[1] ?? ""] = unescape(label[2] ?? "");
      consumed = LABEL.lastIndex;
    }
    if (consumed !== labelText.length) throw new Error(`Bad labels in: ${line}`);
    samples.push({ name, labels, value: parseValue(value) });
  }
  return samples;
}

/** Samples named `name` whose labels include all of `labels`. */
export function samplesOf(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  const wanted = Object.entries(labels);
  return samples.filter((s) => s.name === name && wanted.every(([k, v]) => s.labels[k] === v));
}

/** The sum over matching samples (0 when none): e.g. all statuses of one route's requests. */
export function sampleSum(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samplesOf(samples, name, labels).reduce((sum, s) => sum + s.value, 0);
}
