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
  probe,
  requireBuild,
  type RequestSpec,
  startDatabase,
  startInstance,
  waitFor,
  type Sample,
  type TimedError,
} from "./cluster";
import { verify } from "./ledger";
import { createAppRole, holdEverySlot, type SlotHold } from "./slots";

/**
 * Database restart and crash under load, through one app instance: the scenario is replayed while
 * PostgreSQL is stopped with `pg_ctl stop -m fast` (a clean restart) and, separately, `-m immediate`
 * (a crash: no checkpoint, crash recovery on start), kept down for a moment so what clients see can
 * be watched, and started again. The app process must keep running and reconnect by itself; while
 * the database is away `/readyz` is 503 with a JSON reason, `/sim` answers 503 JSON, a web page an
 * error page with 503 and `/api/graphql` (a public-timeline query) a 503 with an `UNAVAILABLE` error,
 * all within the probe's limit (no 500, nothing held until the client gives up); `/readyz` is 200
 * again soon after the start, no request started after that fails, and every acknowledged write is
 * in the database at the end. `full` does the same with the server up but out of connection slots.
 * The app connects as a role that is not a superuser, as in production (lib/tools/faults/slots.ts). Prints
 * the counts; exits 1 when any of that does not hold.
 *
 *   node --import tsx lib/tools/faults/db-restart.ts [--simulators 2] [--before 3]
 *     [--down 3] [--after 4] [--timeout 300] [--modes fast,immediate,full]
 */
export interface RestartOptions {
  simulators: number;
  beforeSeconds: number;
  downSeconds: number;
  afterSeconds: number;
  timeoutMs: number;
  modes: Mode[];
  /** A scenario file; the course's sample or a generated one when absent (lib/tools/simulator/sample.ts). */
  scenario?: string;
  /** How long after the start `/readyz` may take to answer 200. */
  recoverLimitMs: number;
}

/**
 * `fast` and `immediate` stop PostgreSQL that way; `full` leaves it running but takes every connection
 * slot (as too many replicas × DB_POOL_SIZE would) and ends the app's own connections, so every
 * connection the app opens is refused ("too many clients", SQLSTATE 53300) until the slots are
 * released: certain, not a race for freed slots (`holdEverySlot`).
 */
export type Mode = "fast" | "immediate" | "full";

const MODES: readonly Mode[] = ["fast", "immediate", "full"];

/** The GraphQL probe: the public timeline, as an anonymous client asks for it. */
const GRAPHQL_PROBE: RequestSpec = {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ query: "{ publicTimeline(first: 10) { edges { node { text } } } }" }),
};

type Outage = {
  mode: string;
  stopAt: number;
  downAt: number;
  startAt: number;
  upAt: number;
  readyAt: number;
};

/** What the probes saw while the database was down (between the stop's end and the start's beginning). */
function during(samples: readonly Sample[], outage: Outage): Sample[] {
  return samples.filter((s) => s.at >= outage.downAt && s.at + s.ms <= outage.startAt);
}

export async function runDbRestart(options: RestartOptions): Promise<boolean> {
  requireBuild();
  const cleanup = new Cleanup();
  const problems: string[] = [];
  try {
    const { actions: scenario, source } = await loadScenario(options.scenario);
    log(`scenario: ${source}`);
    // Few slots, so that taking them all is quick; still far more than the app's pool.
    const database = await startDatabase({ maxConnections: 40 });
    cleanup.add(() => database.stop());
    const appUrl = await createAppRole(database.url);
    const instance = await startInstance({ databaseUrl: appUrl, authSecret: newAuthSecret() });
    cleanup.add(() => instance.server.stop("SIGKILL"));
    const base = instance.server.url;
    log(`one instance on ${base}, PostgreSQL (throwaway) on port ${database.port}`);

    const replay = continuousReplay({
      url: base,
      scenario,
      copies: options.simulators,
      timeoutMs: options.timeoutMs,
    });
    const ready = probe(`${base}/readyz`, 100);
    const page = probe(`${base}/public`, 250);
    const graphql = probe(`${base}/api/graphql`, 250, 2000, GRAPHQL_PROBE);
    await sleep(options.beforeSeconds * 1000);

    const outages: Outage[] = [];
    for (const mode of options.modes) {
      const stopAt = Date.now();
      let hold: SlotHold | undefined;
      if (mode === "full") hold = await holdEverySlot(database.url);
      else await database.ctl(["stop", "-m", mode]);
      const downAt = Date.now();
      log(
        hold
          ? `all ${hold.held} connection slots taken, the app's connections ended in ${downAt - stopAt} ms; for ${options.downSeconds} s`
          : `PostgreSQL stopped (-m ${mode}) in ${downAt - stopAt} ms; down for ${options.downSeconds} s`,
      );
      await sleep(options.downSeconds * 1000);
      const startAt = Date.now();
      if (hold) {
        const leaked = await hold.appConnections();
        if (leaked > 0) problems.push(`${label(mode)}: the app held ${leaked} connections during the hold`);
        await hold.release();
      } else {
        await database.ctl(["start"]);
      }
      const upAt = Date.now();
      const recovered = await waitFor(
        async () => (await get(`${base}/readyz`, 2000)).status === 200,
        options.recoverLimitMs,
      );
      const readyAt = Date.now();
      log(
        `PostgreSQL ${mode === "full" ? "slots released" : "started"} in ${upAt - startAt} ms; /readyz 200 ${readyAt - upAt} ms later`,
      );
      if (!recovered)
        problems.push(`${label(mode)}: /readyz not 200 within ${options.recoverLimitMs} ms of the start`);
      outages.push({ mode, stopAt, downAt, startAt, upAt, readyAt });
      await sleep(options.afterSeconds * 1000);
    }
    const { rounds } = await replay.stop();
    await ready.stop();
    await page.stop();
    await graphql.stop();
    const alive = instance.server.child.exitCode === null && instance.server.child.signalCode === null;
    if (!alive) problems.push("the app process exited");

    const all: TimedError[] = rounds.flatMap((round) => round.errors);
    const errors = all.filter((e) => !e.consequential);
    const consequences = all.length - errors.length;
    const verdict = await withClient(database.url, (client) => verify(client, rounds));
    if (verdict.missing.length > 0) problems.push(`${verdict.missing.length} acknowledged writes missing`);

    console.log("\ndatabase restart and crash under load (one instance):");
    // A request that ends after the stop began and began before /readyz was 200 again met the outage.
    const metOutage = (e: TimedError) =>
      outages.some((o) => e.at >= o.stopAt && e.at <= o.readyAt + options.timeoutMs);
    const inOutage = errors.filter(metOutage);
    const afterRecovery = errors.filter((e) => !metOutage(e));
    for (const outage of outages) {
      const readyz = during(ready.samples, outage);
      const pages = during(page.samples, outage);
      const queries = during(graphql.samples, outage);
      const sim = errors.filter((e) => e.at >= outage.stopAt && e.at <= outage.readyAt + options.timeoutMs);
      const slowest = Math.max(0, ...[...readyz, ...pages, ...queries].map((s) => s.ms));
      console.log(`  ${label(outage.mode)}:`);
      console.log(
        `    /readyz while down: ${statuses(readyz)}; 200 again ${outage.readyAt - outage.upAt} ms after the start`,
      );
      console.log(`    web page while down: ${statuses(pages)}`);
      console.log(
        `    GraphQL while down: ${statuses(queries)}; ${queries.filter(isUnavailableError).length} with code UNAVAILABLE`,
      );
      console.log(`    /sim requests that met the outage: ${sim.length} (${kinds(sim)})`);
      console.log(`    slowest probe answer while down: ${slowest.toFixed(0)} ms`);
      if (readyz.length === 0) problems.push(`${label(outage.mode)}: no /readyz probe while down`);
      if (readyz.some((s) => s.status !== 503 || !hasReason(s.body))) {
        problems.push(`${label(outage.mode)}: /readyz while down was not always 503 with a JSON reason`);
      }
      if (pages.some((s) => s.status !== 503 || !s.body.includes("</html>"))) {
        problems.push(`${label(outage.mode)}: a web page while down was not a 503 error page`);
      }
      if (queries.length === 0) problems.push(`${label(outage.mode)}: no GraphQL probe while down`);
      if (queries.some((s) => s.status !== 503 || !isUnavailableError(s))) {
        problems.push(`${label(outage.mode)}: a GraphQL query while down was not a 503 UNAVAILABLE error`);
      }
      const bad = sim.filter((e) => e.kind !== "503");
      if (bad.length > 0)
        problems.push(`${label(outage.mode)}: /sim requests failed other than 503: ${kinds(bad)}`);
    }
    // Once /readyz is 200 again, pages and queries are served (a moment's grace for the first ones).
    const served = (samples: readonly Sample[]) =>
      samples.filter((s) => !outages.some((o) => s.at + s.ms >= o.stopAt && s.at <= o.readyAt + 1000));
    const unserved = [...served(page.samples), ...served(graphql.samples)].filter((s) => s.status !== 200);
    console.log(
      `  web page and GraphQL probes outside the outages: ${served(page.samples).length + served(graphql.samples).length}, not 200: ${unserved.length}`,
    );
    if (unserved.length > 0)
      problems.push(`${unserved.length} probes outside the outages not 200 (${statuses(unserved)})`);
    console.log(`  requests sent:        ${verdict.sent}`);
    console.log(
      `  failed because their user's register had failed (404, not counted below): ${consequences}`,
    );
    console.log(`  acknowledged:         ${verdict.acknowledged}`);
    console.log(
      `  acknowledged writes checked in the database: ${verdict.checked}, missing: ${verdict.missing.length}`,
    );
    console.log(`  failed during the outages: ${inOutage.length} (${kinds(inOutage)})`);
    console.log(
      `  errors after recovery: ${afterRecovery.length}${afterRecovery.length ? ` (${kinds(afterRecovery)})` : ""}`,
    );
    console.log(`  app process still running: ${alive}`);
    if (afterRecovery.length > 0) problems.push(`${afterRecovery.length} errors outside the outages`);
    for (const line of verdict.missing.slice(0, 10)) console.log(`  MISSING: ${line}`);
    for (const e of afterRecovery.slice(0, 10)) {
      console.log(`  error: ${new Date(e.at).toISOString()} latest=${e.latest} ${e.kind} ${e.command}`);
    }
    for (const problem of problems) console.log(`  PROBLEM: ${problem}`);
    console.log(
      problems.length === 0
        ? "RESULT: the app rode out the restarts, nothing acknowledged was lost"
        : "RESULT: FAILED",
    );
    return problems.length === 0;
  } finally {
    await cleanup.run();
  }
}

function label(mode: string): string {
  return mode === "full" ? "connection slots full" : `pg_ctl stop -m ${mode}`;
}

/** A GraphQL answer whose first error is the database outage's (`extensions.code` UNAVAILABLE). */
function isUnavailableError(sample: Sample): boolean {
  try {
    const parsed = JSON.parse(sample.body) as { errors?: { extensions?: { code?: unknown } }[] };
    return parsed.errors?.[0]?.extensions?.code === "UNAVAILABLE";
  } catch {
    return false;
  }
}

function hasReason(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { reason?: unknown };
    return typeof parsed.reason === "string" && parsed.reason.length > 0;
  } catch {
    return false;
  }
}

function statuses(samples: readonly Sample[]): string {
  if (samples.length === 0) return "no samples";
  const counts = new Map<number, number>();
  for (const s of samples) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n}× ${status === 0 ? "no answer" : status}`).join(", ");
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
      modes: { type: "string" },
      scenario: { type: "string" },
    },
  });
  const modes = (values.modes ?? MODES.join(",")).split(",").map((m) => m.trim());
  for (const mode of modes) {
    if (!(MODES as readonly string[]).includes(mode)) {
      throw new Error(`--modes: ${MODES.join(", ")}, got ${mode}`);
    }
  }
  const ok = await runDbRestart({
    simulators: numberOption(values.simulators, 2, "simulators"),
    beforeSeconds: numberOption(values.before, 3, "before"),
    downSeconds: numberOption(values.down, 3, "down"),
    afterSeconds: numberOption(values.after, 4, "after"),
    timeoutMs: numberOption(values.timeout, 300, "timeout"),
    modes: modes as Mode[],
    scenario: values.scenario,
    recoverLimitMs: 15_000,
  });
  return ok ? 0 : 1;
}

runWhenEntry("db-restart.ts", main);
