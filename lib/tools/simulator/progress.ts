import type { Progress } from "./runner";

/**
 * `npm run simulate`'s progress: on a terminal one line redrawn in place (at most every
 * `intervalMs`), elsewhere (CI logs, pipes) a plain line at every tenth of the run, so a log shows
 * how it went without thousands of lines. It writes to its own stream (stderr), which keeps stdout
 * for the error lines and the summary.
 */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

const number = new Intl.NumberFormat("en-US");

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** `12,345/25,922 (47.6 %), 0 errors, 466 req/s, ETA 29 s`. */
export function formatProgress({ done, total, errors, elapsedMs }: Progress): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const percent = total === 0 ? 100 : (done * 100) / total;
  const eta = done >= total ? "done" : rate > 0 ? `ETA ${duration(((total - done) * 1000) / rate)}` : "ETA -";
  return (
    `${number.format(done)}/${number.format(total)} (${percent.toFixed(1)} %), ` +
    `${number.format(errors)} error${errors === 1 ? "" : "s"}, ${number.format(Math.round(rate))} req/s, ${eta}`
  );
}

export class ProgressReporter {
  private lastDrawn = -Infinity;
  private lastTenth = 0;
  private shown = "";
  private latest: Progress | undefined;

  constructor(
    private readonly output: ProgressOutput,
    private readonly options: { intervalMs?: number; now?: () => number } = {},
  ) {}

  update(progress: Progress): void {
    this.latest = progress;
    if (this.output.isTTY) {
      const now = (this.options.now ?? Date.now)();
      if (now - this.lastDrawn < (this.options.intervalMs ?? 100) && progress.done < progress.total) return;
      this.lastDrawn = now;
      this.draw(formatProgress(progress));
      return;
    }
    const tenth = progress.total === 0 ? 10 : Math.floor((progress.done * 10) / progress.total);
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.output.write(`progress: ${formatProgress(progress)}\n`);
    }
  }

  /** Prints a line of its own (an error line) without tearing the progress line on a terminal. */
  printAbove(line: string, to: ProgressOutput): void {
    if (this.output.isTTY && this.shown !== "") this.output.write("\r\x1b[2K");
    to.write(`${line}\n`);
    if (this.output.isTTY && this.shown !== "") this.output.write(this.shown);
  }

  /** Leaves the last state on screen and moves to the next line. */
  finish(): void {
    if (this.output.isTTY) {
      if (this.latest) this.draw(formatProgress(this.latest));
      if (this.shown !== "") this.output.write("\n");
    }
    this.shown = "";
  }

  private draw(text: string): void {
    this.shown = text;
    this.output.write(`\r\x1b[2K${text}`);
  }
}
