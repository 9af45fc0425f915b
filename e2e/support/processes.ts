import { readdirSync, readFileSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";

export type ProcessInfo = { pid: number; command: string };

/**
 * Live processes whose environment holds `NAME=value` (read from /proc, Linux only). A marker in the
 * environment is inherited by every descendant, also by those that detach from their parent, so it
 * finds what a test run or a server left running however it was started. Zombies (exited, not yet
 * reaped) have no environment and do not count.
 */
export function processesWithEnv(name: string, value: string): ProcessInfo[] {
  const needle = `${name}=${value}`;
  const found: ProcessInfo[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (!environ.includes(needle)) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim();
      found.push({ pid, command });
    } catch {
      // Gone meanwhile, or another user's process.
    }
  }
  return found;
}

/** Waits until no such process is left, at most `timeoutMs`; returns those still running. */
export async function waitForNoProcesses(
  name: string,
  value: string,
  timeoutMs: number,
): Promise<ProcessInfo[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesWithEnv(name, value);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * What a run left behind, as lines to print: processes still running after `graceMs` (carrying
 * `variable=value`; then killed) and `minitwit-*` folders in the run's temporary folder (which is
 * then removed whole). Tools keep caches there too (tsx's compile cache); what tests create is
 * named minitwit-*.
 */
export async function leftovers(run: {
  variable: string;
  value: string;
  tmpDir: string;
  graceMs?: number;
}): Promise<string[]> {
  const problems: string[] = [];
  for (const { pid, command } of await waitForNoProcesses(run.variable, run.value, run.graceMs ?? 5_000)) {
    problems.push(`process ${pid} is still running: ${command}`);
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // exited meanwhile
    }
  }
  const entries = await readdir(run.tmpDir).catch(() => [] as string[]);
  for (const entry of entries.filter((name) => name.startsWith("minitwit-"))) {
    problems.push(`temporary folder left behind: ${path.join(run.tmpDir, entry)}`);
  }
  await rm(run.tmpDir, { recursive: true, force: true });
  return problems;
}
