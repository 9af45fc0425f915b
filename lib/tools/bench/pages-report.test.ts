import { describe, expect, it } from "vitest";
import { pagesTable, verdict, type PageFigures } from "./pages-report";

const floor: PageFigures = {
  label: "floor",
  pages: 1000,
  errors: 0,
  cpuMsPerPage: 4,
  pagesPerSecond: 250,
  p50Ms: 20,
  p99Ms: 50,
  bytes: 2048,
  htmlBytes: 8192,
};

const page = (changes: Partial<PageFigures>): PageFigures => ({ ...floor, label: "`/public`", ...changes });

describe("verdict", () => {
  it("gives CPU and p99 as ratios to the floor and lists each missed target", () => {
    expect(verdict(page({ cpuMsPerPage: 6, p99Ms: 100 }), floor, { cpuRatio: 1.5 })).toEqual({
      cpuRatio: 1.5,
      p99Ratio: 2,
      missed: [],
    });
    expect(verdict(page({ cpuMsPerPage: 6.4, p99Ms: 101, errors: 1 }), floor, { cpuRatio: 1.5 })).toEqual({
      cpuRatio: 1.6,
      p99Ratio: 2.02,
      missed: ["CPU ≤ 1.5×", "p99 ≤ 2×", "0 errors"],
    });
  });

  it("holds a page without a CPU target to the p99 and error targets only", () => {
    expect(verdict(page({ cpuMsPerPage: 40 }), floor, {}).missed).toEqual([]);
    expect(verdict(page({ cpuMsPerPage: 40 }), floor).missed).toBeUndefined();
  });
});

describe("pagesTable", () => {
  it("prints one row per page, the floor last, with ratios, sizes and verdicts", () => {
    const table = pagesTable(
      [
        page({ cpuMsPerPage: 10, p99Ms: 120, pagesPerSecond: 98.4 }),
        page({ label: "`/login`", bytes: 4096, htmlBytes: 4096 }),
      ],
      floor,
      { "`/public`": { cpuRatio: 1.5 } },
    );
    const lines = table.split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[2]).toBe(
      "| `/public` | 10.0 ms | 2.50× | 98 | 20.0 ms | 120 ms | 2.40× | 2.0 KiB (8.0 KiB) | 0 of 1000 | " +
        "CPU ≤ 1.5×, p99 ≤ 2×, 0 errors: **missed** (CPU ≤ 1.5×, p99 ≤ 2×) |",
    );
    expect(lines[3]).toBe(
      "| `/login` | 4.00 ms | 1.00× | 250 | 20.0 ms | 50.0 ms | 1.00× | 4.0 KiB | 0 of 1000 | – |",
    );
    expect(lines[4]).toBe(
      "| floor | 4.00 ms | 1× | 250 | 20.0 ms | 50.0 ms | 1× | 2.0 KiB (8.0 KiB) | 0 of 1000 | |",
    );
  });
});
