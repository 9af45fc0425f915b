import { describe, expect, it } from "vitest";
import { formatProgress, ProgressReporter } from "./progress";

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, output: { isTTY, write: (text: string) => chunks.push(text) } };
}

describe("formatProgress", () => {
  it("shows done/total, errors, requests per second and the time left", () => {
    expect(formatProgress({ done: 12_345, total: 25_922, errors: 0, elapsedMs: 26_500 })).toBe(
      "12,345/25,922 (47.6 %), 0 errors, 466 req/s, ETA 29 s",
    );
    expect(formatProgress({ done: 100, total: 100_000, errors: 1, elapsedMs: 1_000 })).toBe(
      "100/100,000 (0.1 %), 1 error, 100 req/s, ETA 16 min 39 s",
    );
    expect(formatProgress({ done: 7, total: 7, errors: 2, elapsedMs: 70 })).toBe(
      "7/7 (100.0 %), 2 errors, 100 req/s, done",
    );
    expect(formatProgress({ done: 0, total: 7, errors: 0, elapsedMs: 0 })).toBe(
      "0/7 (0.0 %), 0 errors, 0 req/s, ETA -",
    );
  });
});

describe("ProgressReporter", () => {
  it("on a terminal redraws one line in place, at most every interval, and ends it", () => {
    const { chunks, output } = sink(true);
    let now = 0;
    const reporter = new ProgressReporter(output, { intervalMs: 100, now: () => now });
    for (let done = 1; done <= 10; done++) {
      now += 30;
      reporter.update({ done, total: 10, errors: 0, elapsedMs: now });
    }
    reporter.finish();
    const text = chunks.join("");
    expect(text.endsWith("10/10 (100.0 %), 0 errors, 33 req/s, done\n")).toBe(true);
    expect(text).not.toContain("\n1/10");
    // Throttled: 30 ms apart, drawn at 30, 150, 270 ms, then the last one twice (update, finish).
    expect(chunks.filter((chunk) => chunk.startsWith("\r\x1b[2K")).length).toBe(5);
  });

  it("prints error lines above the progress line without tearing it", () => {
    const { chunks, output } = sink(true);
    const errors = sink(false);
    const reporter = new ProgressReporter(output, { now: () => 0 });
    reporter.update({ done: 1, total: 4, errors: 0, elapsedMs: 10 });
    reporter.printAbove("2026-12-01T00:00:00.000Z,http://x/sim,1,500,tweet", errors.output);
    expect(errors.chunks).toEqual(["2026-12-01T00:00:00.000Z,http://x/sim,1,500,tweet\n"]);
    expect(chunks.at(-2)).toBe("\r\x1b[2K");
    expect(chunks.at(-1)).toContain("1/4 (25.0 %)");
  });

  it("elsewhere writes a plain line at every tenth of the run, with no control characters", () => {
    const { chunks, output } = sink(false);
    const reporter = new ProgressReporter(output);
    for (let done = 1; done <= 1000; done++)
      reporter.update({ done, total: 1000, errors: 0, elapsedMs: done });
    reporter.finish();
    expect(chunks).toHaveLength(10);
    expect(chunks[0]).toBe("progress: 100/1,000 (10.0 %), 0 errors, 1,000 req/s, ETA 1 s\n");
    expect(chunks.at(-1)).toBe("progress: 1,000/1,000 (100.0 %), 0 errors, 1,000 req/s, done\n");
    expect(chunks.join("")).not.toMatch(/[\r\x1b]/);
  });
});
