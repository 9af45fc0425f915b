/**
 * The page benchmark's figures and how they compare with the floor page's (issue #18's targets):
 * server CPU per page at most `cpuRatio` times the floor's, p99 at most twice the floor's, 0 errors.
 */

export type PageFigures = {
  label: string;
  pages: number;
  errors: number;
  /** The server's user+system CPU time while serving this page, divided by the pages served. */
  cpuMsPerPage: number;
  pagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Response body bytes on the wire (compressed when the server compressed). */
  bytes: number;
  /** The HTML's own size (decompressed), when it differs from `bytes`. */
  htmlBytes: number;
};

export type PageTarget = {
  /** Highest allowed CPU per page as a multiple of the floor's; undefined: no CPU target. */
  cpuRatio?: number;
};

/** p99 under the load at most this multiple of the floor's, for every page with a target. */
export const P99_RATIO_TARGET = 2;

export type PageVerdict = {
  cpuRatio: number;
  p99Ratio: number;
  /** Which targets were missed; empty when all were met, undefined when the page has none. */
  missed?: string[];
};

export function verdict(page: PageFigures, floor: PageFigures, target?: PageTarget): PageVerdict {
  const cpuRatio = page.cpuMsPerPage / floor.cpuMsPerPage;
  const p99Ratio = page.p99Ms / floor.p99Ms;
  if (!target) return { cpuRatio, p99Ratio };
  const missed: string[] = [];
  if (target.cpuRatio !== undefined && !(cpuRatio <= target.cpuRatio))
    missed.push(`CPU ≤ ${target.cpuRatio}×`);
  if (!(p99Ratio <= P99_RATIO_TARGET)) missed.push(`p99 ≤ ${P99_RATIO_TARGET}×`);
  if (page.errors > 0) missed.push("0 errors");
  return { cpuRatio, p99Ratio, missed };
}

function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function targetText(target: PageTarget | undefined, result: PageVerdict): string {
  if (!target || !result.missed) return "–";
  const wanted = [
    ...(target.cpuRatio === undefined ? [] : [`CPU ≤ ${target.cpuRatio}×`]),
    `p99 ≤ ${P99_RATIO_TARGET}×`,
    "0 errors",
  ].join(", ");
  return result.missed.length === 0
    ? `${wanted}: met`
    : `${wanted}: **missed** (${result.missed.join(", ")})`;
}

/**
 * A Markdown table of the pages against the floor (the floor's own row last), as the README keeps it.
 * `targets` is keyed by label.
 */
export function pagesTable(
  pages: readonly PageFigures[],
  floor: PageFigures,
  targets: Readonly<Record<string, PageTarget>> = {},
): string {
  const rows = [
    "| Page | Server CPU per page | CPU vs floor | Pages/s | p50 | p99 | p99 vs floor | Bytes (HTML) | Errors | Target |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  const size = (p: PageFigures) =>
    p.htmlBytes === p.bytes ? kib(p.bytes) : `${kib(p.bytes)} (${kib(p.htmlBytes)})`;
  for (const page of pages) {
    const result = verdict(page, floor, targets[page.label]);
    rows.push(
      `| ${page.label} | ${ms(page.cpuMsPerPage)} ms | ${result.cpuRatio.toFixed(2)}× | ${page.pagesPerSecond.toFixed(0)} | ` +
        `${ms(page.p50Ms)} ms | ${ms(page.p99Ms)} ms | ${result.p99Ratio.toFixed(2)}× | ${size(page)} | ` +
        `${page.errors} of ${page.pages} | ${targetText(targets[page.label], result)} |`,
    );
  }
  rows.push(
    `| ${floor.label} | ${ms(floor.cpuMsPerPage)} ms | 1× | ${floor.pagesPerSecond.toFixed(0)} | ${ms(floor.p50Ms)} ms | ` +
      `${ms(floor.p99Ms)} ms | 1× | ${size(floor)} | ${floor.errors} of ${floor.pages} | |`,
  );
  return rows.join("\n");
}
