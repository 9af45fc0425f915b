import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../../e2e/harness/server";
import { generateScenario } from "../simulator/generate";
import { serializeScenario } from "../simulator/scenario";
import { tsEntry } from "./ts-entry";

const BASE = `${process.env.MINITWIT_TEST_URL ?? "http://127.0.0.1:3000"}/sim`;

type Run = { code: number | null; stdout: string; stderr: string };

/** `npm run simulate` as a process of its own; its output is a pipe here, not a terminal. */
function simulate(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const [command, commandArgs] = tsEntry("lib/tools/cli/simulate.ts", args);
  const child = spawn(command, commandArgs, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

describe("npm run simulate against the started server", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let scenario: string;

  beforeAll(async () => {
    dir = await tempDir("minitwit-simulate-");
    scenario = path.join(dir.dir, "scenario.csv");
    // Registering a name twice answers 400, which the simulator counts as success: no clash with
    // other tests on the shared database.
    await writeFile(scenario, serializeScenario(generateScenario({ actions: 400, users: 12, seed: 11 })));
  });

  afterAll(async () => {
    await dir?.remove();
  });

  it("--json prints the summary as one JSON object, and progress as plain lines on stderr", async () => {
    const run = await simulate(["--url", BASE, "--scenario", scenario, "--limit", "200", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      actions: number;
      errors: number;
      requestsPerSecond: number;
      latency: { count: number; p99: number };
    };
    expect(summary).toMatchObject({ actions: 200, errors: 0, latency: { count: 200 } });
    expect(summary.requestsPerSecond).toBeGreaterThan(0);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^progress: 20\/200 \(10\.0 %\), 0 errors, \d[\d,]* req\/s, ETA \d+ (s|min)/);
    expect(lines.at(-1)).toMatch(/^progress: 200\/200 \(100\.0 %\), 0 errors, \d[\d,]* req\/s, done$/);
    expect(run.stderr).not.toMatch(/[\r\x1b]/);
  });

  it("without --json prints the error lines and the text summary, and counts errors in the progress", async () => {
    // Wrong credentials: registrations need none and pass, everything else is refused (403).
    const refused = [...generateScenario({ actions: 400, users: 12, seed: 11 })]
      .slice(0, 30)
      .filter((action) => action.command !== "register").length;
    const run = await simulate(["--url", BASE, "--scenario", scenario, "--limit", "30"], {
      SIMULATOR_PASSWORD: "not-the-password",
    });
    expect(run.code).toBe(1);
    expect(refused).toBeGreaterThan(5);
    expect(run.stdout).toMatch(/^actions: {3}30$/m);
    expect(run.stdout).toContain(`errors:    ${refused} (403: ${refused})`);
    expect(run.stdout.split("\n").filter((line) => /,403,(tweet|follow|unfollow)$/.test(line))).toHaveLength(
      refused,
    );
    expect(run.stderr.trim().split("\n").at(-1)).toMatch(
      new RegExp(`^progress: 30/30 \\(100\\.0 %\\), ${refused} errors, .*done$`),
    );
  });
});
