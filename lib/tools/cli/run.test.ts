import { describe, expect, it } from "vitest";

import { run } from "./run";

describe("run", () => {
  it("keeps multi-byte characters whole however the output is chunked", async () => {
    // 300,000 bytes of two-byte characters, behind one odd byte: every pipe read boundary (64 KiB,
    // an even number) falls inside a character.
    const text = "x" + "é".repeat(150_000);
    const { stdout } = await run(process.execPath, [
      "-e",
      'process.stdout.write("x" + "\\u00e9".repeat(150000))',
    ]);
    expect(stdout).toBe(text);
  });

  it("throws with the output when the command fails, unless allowFail", async () => {
    const failing = [process.execPath, ["-e", "console.error('nope'); process.exit(3)"]] as const;
    await expect(run(failing[0], [...failing[1]])).rejects.toThrow(/exited 3\nnope/);
    expect(await run(failing[0], [...failing[1]], { allowFail: true })).toMatchObject({
      code: 3,
      stderr: "nope\n",
    });
  });
});
