import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tsEntry } from "../tools/cli/ts-entry";
import { acquireLock, readLock, releaseLock } from "./data-dir-lock";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "minitwit-lock-"));
  dirs.push(dir);
  return dir;
}

/** A pid that no process has: a child that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid as number;
}

describe("the data-folder lock", () => {
  it("is taken by exactly one of several processes starting in the same millisecond", async () => {
    const dataDir = path.join(tempDir(), "data");
    const startAt = Date.now() + 6000;
    const [command, args] = tsEntry("lib/db/fixtures/race-for-lock.ts", [dataDir, String(startAt)]);
    const contenders = Array.from({ length: 4 }, () =>
      spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] }),
    );
    const outcomes = await Promise.all(
      contenders.map(
        (child) =>
          new Promise<string>((resolve) => {
            let out = "";
            child.stdout.on("data", (chunk: Buffer) => {
              out += chunk.toString();
              if (out.includes("\n")) resolve(out.trim());
            });
          }),
      ),
    );
    for (const child of contenders) child.stdin.end();
    await Promise.all(contenders.map((child) => new Promise((resolve) => child.once("exit", resolve))));
    expect(outcomes.filter((outcome) => outcome === "won")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.startsWith("lost: "))).toHaveLength(3);
    expect(outcomes.find((outcome) => outcome.startsWith("lost: "))).toMatch(/is in use by/);
  }, 60_000);

  it("takes over a lock whose process has died", async () => {
    const dataDir = tempDir();
    writeFileSync(
      path.join(dataDir, "pglite.lock"),
      JSON.stringify({ pid: await deadPid(), url: "postgresql://x" }),
    );
    expect(readLock(dataDir)).toBeUndefined();
    acquireLock(dataDir);
    expect(JSON.parse(readFileSync(path.join(dataDir, "pglite.lock"), "utf8"))).toEqual({
      pid: process.pid,
      url: "",
    });
    releaseLock(dataDir);
  });

  it("refuses while a live process holds it, and a lock being written", () => {
    const dataDir = tempDir();
    writeFileSync(
      path.join(dataDir, "pglite.lock"),
      JSON.stringify({ pid: process.ppid, url: "postgresql://x" }),
    );
    expect(() => acquireLock(dataDir)).toThrow(`is in use by process ${process.ppid}`);
    writeFileSync(path.join(dataDir, "pglite.lock"), "");
    expect(() => acquireLock(dataDir)).toThrow("is in use by another process");
  });

  it("creates the folder and the lock for the owner only", () => {
    const dataDir = path.join(tempDir(), "fresh");
    acquireLock(dataDir);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dataDir, "pglite.lock")).mode & 0o777).toBe(0o600);
    releaseLock(dataDir);
  });
});
