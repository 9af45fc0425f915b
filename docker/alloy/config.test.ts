import { readFileSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "@/lib/observability/logger";

/** The `format` of the stage.timestamp block that reads the log line's `time` field. */
function timestampFormat(): string | undefined {
  const config = readFileSync(path.join(import.meta.dirname, "config.alloy"), "utf8");
  const block = /stage\.timestamp\s*\{([^}]*)\}/.exec(config)?.[1] ?? "";
  expect(block).toMatch(/source\s*=\s*"time"/);
  return /format\s*=\s*"([^"]+)"/.exec(block)?.[1];
}

/** The `time` field of one line the app's logger really writes. */
function loggedTime(): unknown {
  let line = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      line += chunk.toString();
      done();
    },
  });
  createLogger("info", sink).info("hello");
  return (JSON.parse(line) as { time: unknown }).time;
}

// Alloy's named formats (Go layouts) and what a value in each looks like. Go's RFC 3339 parser also
// accepts a fractional second, which pino's ISO timestamps carry.
const shapes: Record<string, RegExp> = {
  RFC3339: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  RFC3339Nano: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  UnixMs: /^\d{13}$/,
  Unix: /^\d{10}$/,
};

describe("Alloy reads the app's own log timestamps", () => {
  it("parses `time` in the format pino writes it (else every line gets the shipper's clock)", () => {
    const format = timestampFormat();
    expect(format && format in shapes, `unknown stage.timestamp format ${format}`).toBe(true);
    const time = loggedTime();
    expect(String(time)).toMatch(shapes[format!]!);
    expect(Math.abs(Date.parse(String(time)) - Date.now())).toBeLessThan(60_000);
  });
});
