import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { leftovers } from "../../../e2e/support/processes";
import { selectedStages, STAGES, type Stage } from "../../../e2e/support/stages";

/**
 * `npm test`: every test, in order — static checks, unit, integration (real PostgreSQL), a fresh
 * production build, black-box system tests against the started server, and Playwright end-to-end.
 * Stops at the first failing stage; ends with one summary line of all counted tests.
 *
 * Then it checks that the run left nothing behind: every process it started carries RUN_VARIABLE in
 * its environment (inherited, whatever starts it), and every temporary folder goes to a folder of
 * the run's own (TMPDIR). A process still running or a `minitwit-*` folder left there fails the run,
 * naming it; both are removed either way.
 *
 * `npm test -- --stages integration,system,e2e` runs only the named stages (CI's second run, on a
 * PostgreSQL server: the stages that do not touch a database already ran on the same tree). Without
 * `build` among them, the production build already in `.next` is used, and must exist.
 */

const RUN_VARIABLE = "MINITWIT_TEST_RUN";

type Counts = { passed: number; failed: number; skipped: number };
const total: Counts = { passed: 0, failed: 0, skipped: 0 };
const bin = (name: string) => path.join(process.cwd(), "node_modules", ".bin", name);

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function vitestCounts(file: string): Promise<Counts> {
  const report = JSON.parse(await readFile(file, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

async function playwrightCounts(file: string): Promise<Counts> {
  const report = JSON.parse(await readFile(file, "utf8")) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  };
  return {
    passed: report.stats.expected + report.stats.flaky,
    failed: report.stats.unexpected,
    skipped: report.stats.skipped,
  };
}

async function main() {
  let selected: Set<Stage>;
  try {
    selected = selectedStages(process.argv.slice(2));
  } catch (error) {
    console.error(`npm test: ${(error as Error).message}`);
    process.exit(2);
  }
  if (!selected.has("build") && (selected.has("system") || selected.has("e2e"))) {
    if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
      console.error("npm test: --stages without build needs the production build in .next (`npm run build`)");
      process.exit(2);
    }
  }
  const reports = await mkdtemp(path.join(os.tmpdir(), "minitwit-test-reports-"));
  const runId = randomUUID();
  const runTmp = await mkdtemp(path.join(os.tmpdir(), "minitwit-test-run-"));
  // Traversable by others: tests start PostgreSQL servers as the postgres user in folders below it.
  await chmod(runTmp, 0o755);
  process.env[RUN_VARIABLE] = runId;
  process.env.TMPDIR = runTmp;
  const stages: { key: Stage; name: string; run: () => Promise<number>; counts?: () => Promise<Counts> }[] = [
    {
      key: "check",
      name: "check (format, lint, types, codegen drift)",
      run: () => run("npm", ["run", "--silent", "check"]),
    },
    ...(["unit", "integration"] as const).map((project) => ({
      key: project,
      name: `${project} tests`,
      run: () =>
        run(bin("vitest"), [
          "run",
          "--project",
          project,
          "--passWithNoTests",
          "--reporter=default",
          "--reporter=json",
          `--outputFile.json=${path.join(reports, `${project}.json`)}`,
        ]),
      counts: () => vitestCounts(path.join(reports, `${project}.json`)),
    })),
    {
      key: "build",
      name: "production build",
      run: () => run(bin("next"), ["build"], { NODE_ENV: "production" }),
    },
    {
      key: "system",
      name: "system tests (started server)",
      run: () =>
        run(bin("vitest"), [
          "run",
          "--project",
          "system",
          "--passWithNoTests",
          "--reporter=default",
          "--reporter=json",
          `--outputFile.json=${path.join(reports, "system.json")}`,
        ]),
      counts: () => vitestCounts(path.join(reports, "system.json")),
    },
    {
      key: "e2e",
      name: "end-to-end tests (Playwright, Chromium)",
      run: () =>
        run(bin("playwright"), ["test", "--reporter=list,json"], {
          PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(reports, "e2e.json"),
        }),
      counts: () => playwrightCounts(path.join(reports, "e2e.json")),
    },
  ];

  const database = process.env.TEST_DATABASE_URL ? "PostgreSQL at TEST_DATABASE_URL" : "embedded PostgreSQL";
  const which = selected.size === STAGES.length ? "" : ` (stages: ${[...selected].join(", ")})`;
  console.log(`\n== npm test on ${database}${which}\n`);
  let failedStage: string | undefined;
  for (const stage of stages.filter((candidate) => selected.has(candidate.key))) {
    console.log(`\n== ${stage.name}\n`);
    const code = await stage.run();
    if (stage.counts) {
      const counts = await stage.counts().catch(() => undefined);
      if (counts) {
        total.passed += counts.passed;
        total.failed += counts.failed;
        total.skipped += counts.skipped;
      }
    }
    if (code !== 0) {
      failedStage = stage.name;
      break;
    }
  }
  await rm(reports, { recursive: true, force: true });
  const problems = await leftovers({ variable: RUN_VARIABLE, value: runId, tmpDir: runTmp });
  if (problems.length > 0) {
    console.error(`\n== LEFT BEHIND by the tests (a test that cleans up after itself fixes this):`);
    for (const problem of problems) console.error(`  ${problem}`);
    failedStage ??= "clean-up check";
  }
  if (failedStage) {
    console.error(`\n== FAILED: ${failedStage}`);
    if (total.failed === 0) total.failed = 1;
  }
  console.log(`\ntests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(failedStage ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
