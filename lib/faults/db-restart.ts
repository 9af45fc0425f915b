import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";

import pg from "pg";

import { runWhenEntry } from "@/lib/cli/ts-entry";
import { pgConfigFromUrl, withClient } from "@/lib/db/pg-config";
import { loadScenario } from "@/lib/simulator/sample";

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
  startDatabase,
  startInstance,
  waitFor,
  type Sample,
  type TimedError,
} from "./cluster";
import { verify } from "./ledger";

/**
 * Database restart and crash under load, through one app instance: the scenario is replayed while
 * PostgreSQL is stopped with `pg_ctl stop -m fast` (a clean restart) and, separately, `-m immediate`
 * (a crash: no checkpoint, crash recovery on start), kept down for a moment so what clients see can
 * be watched, and started again. The app process must keep running and reconnect by itself; while
 * the database is away `/readyz` is 503 with a JSON reason, `/sim` answers 503 JSON and a web page an
 * error page, all within the probe's limit (no 500, nothing held until the client gives up); `/readyz`
 * is 200 again soon after the start, no request started after that fails, and every acknowledged
 * write is in the database at the end. `full` does the same with the server up but out of connection
 * slots. Prints the counts; exits 1 when any of that does not hold.
 *
 *   node --import tsx lib/faults/db-restart.ts [--simulators 2] [--before 3]
 *     [--down 3] [--after 4] [--timeout 300] [--modes fast,immediate,full]
 */
export interface RestartOptions {
  simulators: number;
  beforeSeconds: number;
  downSeconds: number;
  afterSeconds: number;
  timeoutMs: number;
  modes: Mode[];
  /** A scenario file; the course's sample or a generated one when absent (lib/simulator/sample.ts). */
  scenario?: string;
  /** How long after the start `/readyz` may take to answer 200. */
  recoverLimitMs: number;
}

/**
 * `fast` and `immediate` stop PostgreSQL that way; `full` leaves it running but takes every connection
 * slot (as too many replicas × DB_POOL_SIZE would) and ends the app's own connections, so the app must
 * reconnect and is refused ("too many clients"), until the slots are released.
 */
export type Mode = "fast" | "immediate" | "full";

/**
 * Opens connections until the server refuses one and ends every other client's connection, again
 * until no other is left: the app reconnects into the slots its ended connections free.
 */
async function takeEverySlot(url: string): Promise<pg.Client[]> {
  const held: pg.Client[] = [];
  const pids: number[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    for (;;) {
      const client = new pg.Client(pgConfigFromUrl(url));
      try {
        await client.connect();
      } catch (error) {
        if ((error as { code?: string }).code !== "53300") throw error;
        break;
      }
      held.push(client);
      pids.push((await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid);
    }
    const ended = await held[0]!.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE backend_type = 'client backend' AND NOT (pid = ANY($1))`,
      [pids],
    );
    if (ended.rowCount === 0) break;
    await sleep(20);
  }
  return held;
}

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
    const instance = await startInstance({ databaseUrl: database.url, authSecret: newAuthSecret() });
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
    await sleep(options.beforeSeconds * 1000);

    const outages: Outage[] = [];
    for (const mode of options.modes) {
      const stopAt = Date.now();
      let held: pg.Client[] = [];
      if (mode === "full") held = await takeEverySlot(database.url);
      else await database.ctl(["stop", "-m", mode]);
      const downAt = Date.now();
      log(
        mode === "full"
          ? `all ${held.length} connection slots taken, the app's connections ended; for ${options.downSeconds} s`
          : `PostgreSQL stopped (-m ${mode}) in ${downAt - stopAt} ms; down for ${options.downSeconds} s`,
      );
      await sleep(options.downSeconds * 1000);
      const startAt = Date.now();
      if (mode === "full") await Promise.all(held.map((client) => client.end()));
      else await database.ctl(["start"]);
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
      const sim = errors.filter((e) => e.at >= outage.stopAt && e.at <= outage.readyAt + options.timeoutMs);
      const slowest = Math.max(0, ...readyz.map((s) => s.ms), ...pages.map((s) => s.ms));
      console.log(`  ${label(outage.mode)}:`);
      console.log(
        `    /readyz while down: ${statuses(readyz)}; 200 again ${outage.readyAt - outage.upAt} ms after the start`,
      );
      console.log(`    web page while down: ${statuses(pages)}`);
      console.log(`    /sim requests that met the outage: ${sim.length} (${kinds(sim)})`);
      console.log(`    slowest probe answer while down: ${slowest.toFixed(0)} ms`);
      if (readyz.length === 0) problems.push(`${label(outage.mode)}: no /readyz probe while down`);
      if (readyz.some((s) => s.status !== 503 || !hasReason(s.body))) {
        problems.push(`${label(outage.mode)}: /readyz while down was not always 503 with a JSON reason`);
      }
      if (pages.some((s) => s.status !== 503 || !s.body.includes("</html>"))) {
        problems.push(`${label(outage.mode)}: a web page while down was not a 503 error page`);
      }
      const bad = sim.filter((e) => e.kind !== "503");
      if (bad.length > 0)
        problems.push(`${label(outage.mode)}: /sim requests failed other than 503: ${kinds(bad)}`);
    }
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
  const modes = (values.modes ?? "fast,immediate,full").split(",").map((m) => m.trim());
  for (const mode of modes) {
    if (mode !== "fast" && mode !== "immediate" && mode !== "full") {
      throw new Error(`--modes: fast, immediate or full, got ${mode}`);
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
