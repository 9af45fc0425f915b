import type { ChildProcess } from "node:child_process";

export type Served = { url: string; child: ChildProcess; stop(): Promise<void> };

/**
 * Waits until a server the benchmark spawned answers `probe` with `status` (polling every 200 ms),
 * then hands back its URL and a `stop()` that sends SIGTERM and waits for the exit. Fails when the
 * process exits first or the deadline passes (the process is killed then).
 */
export async function whenServing(
  child: ChildProcess,
  {
    url,
    probe,
    status,
    timeoutMs,
    name,
  }: { url: string; probe: string; status: number; timeoutMs: number; name: string },
): Promise<Served> {
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(`${url}${probe}`)).status === status) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${name} did not become ready in time`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
