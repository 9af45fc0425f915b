/**
 * `npm run bench:sim`: the simulator protocol under the course's load. Starts the production server
 * on a fresh database of the PostgreSQL server in DATABASE_URL (created here, dropped at the end),
 * replays the sample scenario once sequentially and once as 8 concurrent simulators, and prints
 * errors, throughput, latency percentiles and the server's CPU time per action, read from the
 * kernel's accounting of the server process (/proc/<pid>/stat), not from a clock. Then the same
 * concurrent load against the framework's floor (lib/tools/bench/floor.ts: a Next.js route handler that
 * reads the body and answers 204), and Minitwit's throughput as a ratio of the floor's: on a loaded
 * machine the ratio, measured in one run, is the figure to compare, not the absolute numbers.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres npm run bench:sim -- \
 *     [--scenario FILE] [--limit N] [--concurrency K (default 8; 0 skips the concurrent run)]
 *     [--cpu-prof DIR]   (the server's CPU profile, written to DIR when it stops)
 *
 * Without the sample file a generated scenario of the same size is used. Exit status 1 on errors.
 */
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";

import { tsEntry } from "@/lib/tools/cli/ts-entry";
import { withClient, withDatabase } from "@/lib/db/pg-config";
import { freePort } from "@/lib/server/free-port";
import { formatErrorLine, formatSummary, type RunStats } from "@/lib/tools/simulator/report";
import { runScenario } from "@/lib/tools/simulator/runner";
import { loadScenario } from "@/lib/tools/simulator/sample";

import { cpuMs } from "./cpu";
import { startFloorServer } from "./floor";
import { whenServing, type Served } from "./served";
import { simulatorRun, writeBenchResults } from "./results";

async function startServer(databaseUrl: string, cpuProfileDir?: string): Promise<Served> {
  const port = await freePort();
  // The server itself is the child (not a tsx wrapper), so the pid we measure is the server's.
  const [command, args] = tsEntry("lib/tools/cli/start.ts");
  // Node refuses --cpu-prof in NODE_OPTIONS; the profile is written when the server exits.
  const profile =
    cpuProfileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${path.resolve(cpuProfileDir)}`];
  const child = spawn(command, [...profile, ...args], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      NODE_ENV: "production",
      AUTH_SECRET: randomBytes(32).toString("base64"),
      // A deployment must set these explicitly (the simulator sends the protocol's password).
      SIMULATOR_PASSWORD: "super_safe!",
      METRICS_ALLOWED_NETWORKS: "127.0.0.0/8,::1/128",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  // The first start may run `next build`.
  return whenServing(child, {
    url,
    probe: "/readyz",
    status: 200,
    timeoutMs: 10 * 60_000,
    name: "the server",
  });
}

interface Measured {
  label: string;
  stats: RunStats;
  cpuMsPerAction: number;
}

function print({ label, stats, cpuMsPerAction }: Measured): void {
  console.log(`\n== ${label}`);
  console.log(formatSummary(stats));
  console.log(`server CPU: ${cpuMsPerAction.toFixed(3)} ms per action`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: "string" },
      limit: { type: "string" },
      concurrency: { type: "string", default: "8" },
      "cpu-prof": { type: "string" },
    },
  });
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    console.error(
      "Set DATABASE_URL to a PostgreSQL server; the benchmark creates and drops its own database there.",
    );
    return 2;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  const concurrency = Number(values.concurrency);
  const { actions, source } = await loadScenario(values.scenario);
  console.log(`scenario: ${source}${limit === undefined ? "" : `, first ${limit} actions`}`);

  const name = `minitwit_bench_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const results: Measured[] = [];
  const measure = async (url: string, pid: number, label: string, copies: number) => {
    const before = cpuMs(pid);
    const stats = await runScenario({
      baseUrl: `${url}/sim`,
      actions,
      limit,
      concurrency: copies,
      usernameSuffix: "",
      onError: (error) => console.log(formatErrorLine(error)),
      keepSamples: true,
    });
    const measured = { label, stats, cpuMsPerAction: (cpuMs(pid) - before) / stats.actions };
    print(measured);
    results.push(measured);
    return measured;
  };
  let ratio: number | undefined;
  try {
    const server = await startServer(withDatabase(serverUrl, name), values["cpu-prof"]);
    const pid = server.child.pid as number;
    let concurrent: Measured | undefined;
    try {
      // A few requests first, so one-off costs (lazy route compilation, pool connections) are not
      // charged to the first run.
      await runScenario({ baseUrl: `${server.url}/sim`, actions, limit: 50, usernameSuffix: " warmup" });
      await measure(server.url, pid, "sequential (1 simulator)", 1);
      if (concurrency > 0) {
        concurrent = await measure(server.url, pid, `${concurrency} concurrent simulators`, concurrency);
      }
    } finally {
      await server.stop();
    }
    if (concurrent) {
      const floor = await startFloorServer();
      try {
        await runScenario({ baseUrl: `${floor.url}/sim`, actions, limit: 50 });
        const floorRun = await measure(
          floor.url,
          floor.child.pid as number,
          `floor: a 204 route handler, ${concurrency} concurrent simulators`,
          concurrency,
        );
        ratio = concurrent.stats.requestsPerSecond / floorRun.stats.requestsPerSecond;
      } finally {
        await floor.stop();
      }
    }
  } finally {
    await withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }

  console.log("\n== summary");
  for (const { label, stats, cpuMsPerAction } of results) {
    const { p50, p95, p99, max } = stats.latency;
    console.log(
      `${label}: errors ${stats.errors}, ${stats.requestsPerSecond.toFixed(0)} req/s, ` +
        `p50/p95/p99/max ${[p50, p95, p99, max].map((v) => v.toFixed(1)).join("/")} ms, ` +
        `server CPU ${cpuMsPerAction.toFixed(3)} ms/action`,
    );
  }
  if (ratio !== undefined) {
    console.log(`throughput with ${concurrency} simulators as a ratio of the floor's: ${ratio.toFixed(2)}`);
  }
  const written = await writeBenchResults({
    bench: "sim",
    context: { scenario: source, limit: limit ?? null, floorRatio: ratio ?? null },
    runs: results.map((r) => simulatorRun(r.label, r.stats, { serverCpuMsPerAction: r.cpuMsPerAction })),
  });
  console.log(`\nresults: ${written.json}\ncharts:  ${written.charts.join("\n         ")}`);
  return results.some((r) => r.stats.errors > 0) ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
