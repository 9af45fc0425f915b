import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration, scaleDuration } from "./durations";

describe("Prometheus durations", () => {
  it.each([
    ["0s", 0],
    ["250ms", 250],
    ["30s", 30_000],
    ["1m", 60_000],
    ["1h30m", 5_400_000],
    ["12h", 43_200_000],
  ])("parses %s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "5", "1 m", "1m junk", "-1s", "1.5s"])("refuses %j", (text) => {
    expect(() => parseDuration(text)).toThrow(/not a Prometheus duration/);
  });

  it("scales by a factor, keeping zero and rounding to whole milliseconds", () => {
    expect(scaleDuration("1m", 15)).toBe("4000ms");
    expect(scaleDuration("10s", 15)).toBe("667ms");
    expect(scaleDuration("0s", 15)).toBe("0s");
    expect(scaleDuration("1ms", 15)).toBe("1ms");
    expect(formatDuration(1499.6)).toBe("1500ms");
  });
});
