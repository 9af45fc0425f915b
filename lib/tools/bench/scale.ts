import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";

import pg from "pg";

import { pgConfigFromUrl } from "@/lib/db/pg-config";
import { summarizeLatencies } from "@/lib/tools/simulator/report";
import { loadScenario } from "@/lib/tools/simulator/sample";
import type { Action } from "@/lib/tools/simulator/scenario";

import {
  Cleanup,
  continuousReplay,
  kinds,
  log,
  newAuthSecret,
  numberOption,
  requireBuild,
  startBalancer,
  startDatabase,
  startInstance,
  type Instance,
  type TimedError,
} from "../faults/cluster";

/**
 * `npm run bench -- scale`: 1, 2 and 3 app instances behind HAProxy on one PostgreSQL server, the
 * scenario replayed by 8 simulators at once (distinct users, the course's rules: a new connection per
 * request, 0.3 s time limit) for a fixed time per step. Prints requests/s, p50/p99 latency, errors, and
 * where the CPU went (from /proc/<pid>/stat of each process tree: the app instances, PostgreSQL, HAProxy,
 * this load generator, and everything else on the machine), plus what PostgreSQL's active backends
 * were waiting on (pg_stat_activity, sampled): row locks there would mean the one `latest` row that
 * every action updates is the wall.
 *
 *   npm run bench -- scale                      (node --import tsx lib/tools/bench/scale.ts [--seconds 20]
 *                                                 [--simulators 8] [--max-instances 3] [--timeout 300])
 */

type Times = Map<number, { ppid: number; ticks: number }>;

function processTimes(): Times {
  const times: Times = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name (which may hold spaces) in parentheses.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      times.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // exited meanwhile
    }
  }
  return times;
}

function machineTicks(): { busy: number; total: number } {
  const [, ...values] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const n = values.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  return { busy: total - idle, total };
}

/** Each root with every descendant, in `times`. */
function tree(times: Times, roots: readonly number[]): Set<number> {
  const members = new Set(roots.filter((pid) => times.has(pid)));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, { ppid }] of times) {
      if (!members.has(pid) && members.has(ppid)) {
        members.add(pid);
        grew = true;
      }
    }
  }
  return members;
}

function ticksOf(before: Times, after: Times, pids: Set<number>): number {
  let sum = 0;
  for (const pid of pids) sum += (after.get(pid)?.ticks ?? 0) - (before.get(pid)?.ticks ?? 0);
  return sum;
}

type Step = {
  instances: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** Of `errors`, those after a failed register of the same user (404s that follow). */
  consequential: number;
  errorKinds: string;
  requests: number;
  cpu: Record<string, number>;
  waits: string;
};

async function measure(options: {
  url: string;
  scenario: Action[];
  simulators: number;
  seconds: number;
  timeoutMs: number;
  groups: Record<string, number[]>;
  databaseUrl: string;
}): Promise<Omit<Step, "instances">> {
  const watcher = new pg.Client(pgConfigFromUrl(options.databaseUrl));
  await watcher.connect();
  const waits = new Map<string, number>();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await watcher.query<{ wait: string; n: string }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait, count(*) AS n
         FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'
         GROUP BY 1`,
      );
      for (const row of rows) waits.set(row.wait, (waits.get(row.wait) ?? 0) + Number(row.n));
      await sleep(100);
    }
  })();
  const before = processTimes();
  const machineBefore = machineTicks();
  const replay = continuousReplay({
    url: options.url,
    scenario: options.scenario,
    copies: options.simulators,
    timeoutMs: options.timeoutMs,
    keepSamples: true,
  });
  await sleep(options.seconds * 1000);
  const { rounds, stats, durationMs } = await replay.stop();
  const after = processTimes();
  const machineAfter = machineTicks();
  sampling = false;
  await sampler;
  await watcher.end();

  const elapsedTicks = machineAfter.total - machineBefore.total; // all cores
  const cpu: Record<string, number> = {};
  let ours = 0;
  for (const [name, roots] of Object.entries(options.groups)) {
    const ticks = ticksOf(before, after, tree(after, roots));
    ours += ticks;
    cpu[name] = ticks / elapsedTicks;
  }
  cpu["everything else"] = Math.max(0, machineAfter.busy - machineBefore.busy - ours) / elapsedTicks;
  cpu.idle = 1 - (machineAfter.busy - machineBefore.busy) / elapsedTicks;
  const requests = stats.reduce((sum, s) => sum + s.actions, 0);
  const latencies = stats.flatMap((s) => (s.samples ? s.samples.latencyMs : []));
  const summary = summarizeLatencies(latencies);
  const failures: TimedError[] = rounds.flatMap((r) => r.errors);
  const totalWaits = [...waits.values()].reduce((a, b) => a + b, 0);
  return {
    requestsPerSecond: (requests * 1000) / durationMs,
    p50: summary.p50,
    p99: summary.p99,
    errors: rounds.reduce((sum, r) => sum + r.errors.length, 0),
    consequential: failures.filter((e) => e.consequential).length,
    errorKinds: kinds(failures.filter((e) => !e.consequential)),
    requests,
    cpu,
    waits:
      [...waits]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([wait, n]) => `${wait} ${((n / Math.max(1, totalWaits)) * 100).toFixed(0)}%`)
        .join(", ") || "none active",
  };
}

function postmasterPid(logFile: string): number {
  const pidFile = path.join(path.dirname(logFile), "data", "postmaster.pid");
  return Number(readFileSync(pidFile, "utf8").split("\n")[0]);
}

const pct = (x: number | undefined) => `${((x ?? 0) * 100).toFixed(0)}%`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: "string" },
      simulators: { type: "string" },
      "max-instances": { type: "string" },
      timeout: { type: "string" },
      scenario: { type: "string" },
    },
  });
  const seconds = numberOption(values.seconds, 20, "seconds");
  const simulators = numberOption(values.simulators, 8, "simulators");
  const maxInstances = numberOption(values["max-instances"], 3, "max-instances");
  const timeoutMs = numberOption(values.timeout, 300, "timeout");
  requireBuild();
  const cleanup = new Cleanup();
  const steps: Step[] = [];
  try {
    const { actions: scenario, source } = await loadScenario(values.scenario);
    log(`scenario: ${source}`);
    const database = await startDatabase();
    cleanup.add(() => database.stop());
    const authSecret = newAuthSecret();
    const instances: Instance[] = [];
    for (let n = 1; n <= maxInstances; n++) {
      const instance = await startInstance({ databaseUrl: database.url, authSecret });
      instances.push(instance);
      cleanup.add(() => instance.server.stop("SIGKILL"));
      const balancer = await startBalancer(instances.map((i) => i.port));
      log(`${n} instance(s) behind HAProxy: ${simulators} simulators for ${seconds} s`);
      const result = await measure({
        url: balancer.url,
        scenario,
        simulators,
        seconds,
        timeoutMs,
        databaseUrl: database.url,
        groups: {
          app: instances.map((i) => i.pid),
          postgres: [postmasterPid(database.logFile)],
          haproxy: [balancer.child.pid ?? 0],
          "load generator": [process.pid],
        },
      });
      await balancer.stop();
      steps.push({ instances: n, ...result });
      log(
        `${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99.toFixed(0)} ms, ${result.errors} errors`,
      );
    }
  } finally {
    await cleanup.run();
  }

  console.log(`\nscale-out on ${os.cpus().length} cores, ${simulators} simulators, ${seconds} s per step:`);
  console.log(
    "| instances | req/s | p50 ms | p99 ms | errors | app CPU | PostgreSQL CPU | HAProxy CPU | load generator CPU | rest of machine | idle | PostgreSQL backends waiting on |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const s of steps) {
    console.log(
      `| ${s.instances} | ${s.requestsPerSecond.toFixed(0)} | ${s.p50.toFixed(0)} | ${s.p99.toFixed(0)} | ${s.errors} of ${s.requests} (${s.errorKinds}; ${s.consequential} after a failed register) | ${pct(s.cpu.app)} | ${pct(s.cpu.postgres)} | ${pct(s.cpu.haproxy)} | ${pct(s.cpu["load generator"])} | ${pct(s.cpu["everything else"])} | ${pct(s.cpu.idle)} | ${s.waits} |`,
    );
  }
  const last = steps.at(-1);
  if (last) {
    const busiest = Object.entries(last.cpu)
      .filter(([name]) => name !== "idle")
      .sort((a, b) => b[1] - a[1])[0];
    const saturated = (last.cpu.idle ?? 0) < 0.1;
    const locks = /Lock:(transactionid|tuple)/.test(last.waits);
    console.log(
      `\nsaturated: ${saturated ? `the CPU (idle ${pct(last.cpu.idle)}; the largest share: ${busiest?.[0]} ${pct(busiest?.[1])})` : `not the CPU (idle ${pct(last.cpu.idle)})`}` +
        `; the latest row: ${locks ? "row-lock waits seen, it is a wall" : "no row-lock waits among the top waits, not the wall"}`,
    );
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
