import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { leftovers, processesWithEnv } from "./processes";

/** A process that outlives whoever started it, as a leaked server would. */
function detachedSleeper(variable: string, value: string) {
  const child = spawn("sleep", ["30"], {
    detached: true,
    stdio: "ignore",
    env: { ...process.env, [variable]: value },
  });
  child.unref();
  return child;
}

describe("leftovers of a test run", () => {
  it("finds a detached process by the marker in its environment, and only that one", () => {
    const value = randomUUID();
    const child = detachedSleeper("MINITWIT_LEAK_PROBE", value);
    try {
      expect(processesWithEnv("MINITWIT_LEAK_PROBE", value)).toEqual([
        { pid: child.pid, command: "sleep 30" },
      ]);
      expect(processesWithEnv("MINITWIT_LEAK_PROBE", randomUUID())).toEqual([]);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("names a process still running and a minitwit-* folder, kills the one and removes the other", async () => {
    const value = randomUUID();
    const tmpDir = mkdtempSync(path.join(os.tmpdir(), "leftovers-probe-"));
    mkdirSync(path.join(tmpDir, "minitwit-forgotten-abc"));
    writeFileSync(path.join(tmpDir, "tool-cache"), "");
    const child = detachedSleeper("MINITWIT_LEAK_PROBE", value);
    const problems = await leftovers({ variable: "MINITWIT_LEAK_PROBE", value, tmpDir, graceMs: 200 });
    expect(problems).toEqual([
      `process ${child.pid} is still running: sleep 30`,
      `temporary folder left behind: ${path.join(tmpDir, "minitwit-forgotten-abc")}`,
    ]);
    expect(existsSync(tmpDir)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processesWithEnv("MINITWIT_LEAK_PROBE", value)).toEqual([]);
  });

  it("reports nothing for a clean run", async () => {
    const tmpDir = mkdtempSync(path.join(os.tmpdir(), "leftovers-probe-"));
    expect(
      await leftovers({ variable: "MINITWIT_LEAK_PROBE", value: randomUUID(), tmpDir, graceMs: 0 }),
    ).toEqual([]);
  });
});
