/**
 * The course's simulator, replaying a scenario against the `/sim` protocol:
 *   npm run simulate -- --url http://localhost:3000/sim --scenario FILE [--concurrency K] [--speedup X] [--limit N] [--json]
 * Progress goes to stderr: one line redrawn on a terminal, a plain line per tenth of the run elsewhere.
 * Error lines and the summary go to stdout; with --json the summary is one JSON object there and the
 * error lines go to stderr, so stdout stays machine-readable.
 * and a generator of synthetic scenarios in the same format:
 *   npm run simulate -- generate --actions N --users U --seed S [--out FILE]
 * Exit status: 0 without errors, 1 when any action failed, 2 on bad usage.
 */
import { createWriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { parseArgs } from "node:util";

import { generateScenario } from "@/lib/tools/simulator/generate";
import { ProgressReporter } from "@/lib/tools/simulator/progress";
import { formatErrorLine, formatSummary } from "@/lib/tools/simulator/report";
import { runScenario } from "@/lib/tools/simulator/runner";
import { readScenarioFile, writeScenario } from "@/lib/tools/simulator/scenario";

class UsageError extends Error {}

function number(value: string | undefined, name: string, fallback: number, integer = true): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (
    value.trim() === "" ||
    !Number.isFinite(parsed) ||
    parsed < 0 ||
    (integer && !Number.isSafeInteger(parsed))
  ) {
    throw new UsageError(
      `--${name} must be a non-negative ${integer ? "integer" : "number"}, got "${value}"`,
    );
  }
  return parsed;
}

async function generate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      actions: { type: "string" },
      users: { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
    },
  });
  const actions = number(values.actions, "actions", 1000);
  const users = number(values.users, "users", Math.max(2, Math.ceil(actions / 130)));
  if (users < 1) throw new UsageError("--users must be at least 1");
  const seed = number(values.seed, "seed", 1);
  const scenario = generateScenario({ actions, users, seed });
  if (values.out === undefined || values.out === "-") {
    await writeScenario(process.stdout, scenario);
  } else {
    const out = createWriteStream(values.out);
    await writeScenario(out, scenario);
    out.end();
    await finished(out);
  }
  return 0;
}

async function simulate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: "string" },
      scenario: { type: "string" },
      concurrency: { type: "string" },
      speedup: { type: "string" },
      limit: { type: "string" },
      timeout: { type: "string" },
      json: { type: "boolean" },
    },
  });
  if (values.url === undefined || values.scenario === undefined) {
    throw new UsageError("--url and --scenario are required");
  }
  const concurrency = number(values.concurrency, "concurrency", 1);
  if (concurrency < 1) throw new UsageError("--concurrency must be at least 1");
  const json = values.json === true;
  const progress = new ProgressReporter(process.stderr);
  const stats = await runScenario({
    baseUrl: values.url,
    actions: await readScenarioFile(values.scenario),
    concurrency,
    speedup: number(values.speedup, "speedup", 0, false),
    limit: values.limit === undefined ? undefined : number(values.limit, "limit", 0),
    timeoutMs: number(values.timeout, "timeout", 300, false),
    onError: (error) => progress.printAbove(formatErrorLine(error), json ? process.stderr : process.stdout),
    onProgress: (update) => progress.update(update),
  });
  progress.finish();
  console.log(json ? JSON.stringify(stats) : formatSummary(stats));
  return stats.errors === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  try {
    return argv[0] === "generate" ? await generate(argv.slice(1)) : await simulate(argv);
  } catch (error) {
    // parseArgs reports unknown or malformed options with a code; both are usage mistakes.
    const usage = error instanceof UsageError || (error instanceof TypeError && "code" in error);
    console.error(error instanceof Error ? error.message : String(error));
    return usage ? 2 : 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
