import { describe, expect, it } from "vitest";
import { streamProgress } from "./progress";

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return {
    writes,
    isTTY,
    write: (chunk: string) => writes.push(chunk) > 0,
  } as unknown as NodeJS.WritableStream & {
    isTTY: boolean;
    writes: string[];
  };
}

describe("streamProgress", () => {
  it("redraws one line per table in place on a terminal", async () => {
    const out = stream(true);
    const progress = streamProgress(out);
    progress.start("messages", 2_000_000);
    await new Promise((resolve) => setTimeout(resolve, 120));
    progress.advance("messages", 500_000);
    progress.finish("messages");
    expect(out.writes[0]).toBe("messages:  0 of 2,000,000 rows read (0%)");
    expect(out.writes[1]).toBe("\r\x1b[2Kmessages:  500,000 of 2,000,000 rows read (25%)");
    expect(out.writes.at(-1)).toMatch(
      /^\r\x1b\[2Kmessages: {2}2,000,000 of 2,000,000 rows read \(100%\) in \d+\.\d s\n$/,
    );
  });

  it("writes one plain line per table elsewhere", () => {
    const out = stream(false);
    const progress = streamProgress(out);
    progress.start("users", 3);
    progress.advance("users", 3);
    progress.finish("users");
    progress.start("follows", 0);
    progress.finish("follows");
    expect(out.writes).toEqual([
      expect.stringMatching(/^users: {5}3 of 3 rows read \(100%\) in \d+\.\d s\n$/),
      expect.stringMatching(/^follows: {3}0 of 0 rows read in \d+\.\d s\n$/),
    ]);
  });
});
