import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";

import { runWhenEntry } from "@/lib/tools/cli/ts-entry";
import { withClient } from "@/lib/db/pg-config";
import { loadScenario } from "@/lib/tools/simulator/sample";

import {
  Cleanup,
  continuousReplay,
  get,
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
} from "./cluster";
import { verify } from "./ledger";

/**
 * Replica crash under load: three app instances behind HAProxy on one PostgreSQL server, the
 * simulator scenario replayed through the balancer by several simulators at once, one instance
 * killed with SIGKILL and started again. Every request the balancer acknowledged must be in the
 * database afterwards; only the requests in flight on the killed instance may fail (at most one per
 * simulator, and only right at the kill). Prints the counts; exits 1 when that does not hold.
 *
 *   node --import tsx lib/tools/faults/replica-crash.ts [--simulators 4] [--before 4]
 *     [--down 3] [--after 5] [--timeout 300] [--scenario FILE]
 *
 * --before/--down/--after are seconds: load before the kill, time the instance stays dead, load after
 * it is ready again. `npm run bench -- crash` runs the long version.
 */
export interface CrashOptions {
  simulators: number;
  beforeSeconds: number;
  downSeconds: number;
  afterSeconds: number;
  timeoutMs: number;
  /** A scenario file; the course's sample or a generated one when absent (lib/tools/simulator/sample.ts). */
  scenario?: string;
  instances: number;
}

/** Errors that a kill at `killAt` explains: answered (502) or cut off within the request time limit after it. */
export function splitByFault(
  errors: readonly TimedError[],
  killAt: number,
  timeoutMs: number,
  slackMs = 1000,
) {
  const inFlight = errors.filter((e) => e.at >= killAt && e.at <= killAt + timeoutMs + slackMs);
  const other = errors.filter((e) => !inFlight.includes(e));
  return { inFlight, other };
}

export async function runReplicaCrash(options: CrashOptions): Promise<boolean> {
  requireBuild();
  const cleanup = new Cleanup();
  try {
    const { actions: scenario, source } = await loadScenario(options.scenario);
    log(`scenario: ${source}`);
    log(`PostgreSQL (throwaway), ${options.instances} instances, HAProxy`);
    const database = await startDatabase();
    cleanup.add(() => database.stop());
    const authSecret = newAuthSecret();
    const instances: (Instance | undefined)[] = [];
    // One at a time: three Next.js start-ups at once on two cores take longer than one after another.
    for (let i = 0; i < options.instances; i++) {
      const instance = await startInstance({ databaseUrl: database.url, authSecret });
      instances.push(instance);
      cleanup.add(() => instances[i]?.server.stop("SIGKILL"));
    }
    const balancer = await startBalancer(instances.map((i) => i!.port));
    cleanup.add(() => balancer.stop());

    log(`replaying the scenario through the balancer, ${options.simulators} simulators at once`);
    const replay = continuousReplay({
      url: balancer.url,
      scenario,
      copies: options.simulators,
      timeoutMs: options.timeoutMs,
    });
    await sleep(options.beforeSeconds * 1000);

    const victim = options.instances - 1;
    const { port } = instances[victim]!;
    const killAt = Date.now();
    const sentAtKill = replay.sent();
    await instances[victim]!.server.stop("SIGKILL");
    instances[victim] = undefined;
    log(`instance ${victim + 1} (port ${port}) killed with SIGKILL after ${sentAtKill} requests`);
    await sleep(options.downSeconds * 1000);

    const restarting = Date.now();
    instances[victim] = await startInstance({ databaseUrl: database.url, authSecret, port });
    log(
      `instance ${victim + 1} started again, ready after ${((Date.now() - restarting) / 1000).toFixed(1)} s`,
    );
    await sleep(options.afterSeconds * 1000);
    const readyAgain = (await get(`http://127.0.0.1:${port}/readyz`, 2000)).status === 200;
    const { rounds, durationMs } = await replay.stop();

    const all = rounds.flatMap((round) => round.errors);
    const errors = all.filter((e) => !e.consequential);
    const consequences = all.length - errors.length;
    const { inFlight, other } = splitByFault(errors, killAt, options.timeoutMs);
    const verdict = await withClient(database.url, (client) => verify(client, rounds));

    console.log("\nreplica crash (SIGKILL of one of %d instances behind HAProxy):", options.instances);
    console.log(`  requests sent:            ${verdict.sent} (${(durationMs / 1000).toFixed(1)} s)`);
    console.log(
      `  failed because their user's register had failed (404, not counted below): ${consequences}`,
    );
    console.log(`  acknowledged:             ${verdict.acknowledged}`);
    console.log(
      `  acknowledged writes checked in the database: ${verdict.checked}, missing: ${verdict.missing.length}`,
    );
    console.log(
      `  failed in flight at the kill: ${inFlight.length} (${kinds(inFlight)}; at most ${options.simulators})`,
    );
    console.log(
      `  errors otherwise (incl. after recovery): ${other.length}${other.length ? ` (${kinds(other)})` : ""}`,
    );
    console.log(`  restarted instance ready: ${readyAgain}`);
    for (const line of verdict.missing.slice(0, 10)) console.log(`  MISSING: ${line}`);
    for (const e of other.slice(0, 10)) {
      console.log(`  error: ${new Date(e.at).toISOString()} latest=${e.latest} ${e.kind} ${e.command}`);
    }
    const ok =
      verdict.missing.length === 0 &&
      other.length === 0 &&
      inFlight.length <= options.simulators &&
      readyAgain;
    console.log(ok ? "RESULT: nothing acknowledged was lost" : "RESULT: FAILED");
    return ok;
  } finally {
    await cleanup.run();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      simulators: { type: "string" },
      before: { type: "string" },
      down: { type: "string" },
      after: { type: "string" },
      timeout: { type: "string" },
      scenario: { type: "string" },
    },
  });
  const ok = await runReplicaCrash({
    simulators: numberOption(values.simulators, 4, "simulators"),
    beforeSeconds: numberOption(values.before, 4, "before"),
    downSeconds: numberOption(values.down, 3, "down"),
    afterSeconds: numberOption(values.after, 5, "after"),
    timeoutMs: numberOption(values.timeout, 300, "timeout"),
    scenario: values.scenario,
    instances: 3,
  });
  return ok ? 0 : 1;
}

runWhenEntry("replica-crash.ts", main);
