import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { startTestServer, tempDir, type TestServer } from "@/e2e/harness/server";
import { applyMigrations } from "@/lib/db/migrate";
import { startThrowawayPostgres, type ThrowawayPostgres } from "@/lib/db/throwaway-server";
import { freePort } from "@/lib/server/free-port";
import type { ActionError, RunStats } from "@/lib/tools/simulator/report";
import { runScenario } from "@/lib/tools/simulator/runner";
import type { Action } from "@/lib/tools/simulator/scenario";

import { consequentialFailures, type Round } from "./ledger";

/**
 * The pieces of the fault runs (lib/tools/faults/*.ts) and the scale-out benchmark: a throwaway PostgreSQL
 * server, app instances started as `node --import tsx lib/tools/cli/start.ts` (the signalled process is the
 * server itself), HAProxy in front of them, a replay that runs until told to stop, and probes.
 */

export function log(message: string): void {
  console.log(`[faults ${new Date().toISOString().slice(11, 23)}] ${message}`);
}

export function requireBuild(): void {
  if (!existsSync(".next/BUILD_ID")) throw new Error("no production build: run `npm run build` first");
}

export async function startDatabase(options: { maxConnections?: number } = {}): Promise<ThrowawayPostgres> {
  const server = startThrowawayPostgres(await freePort(), options);
  try {
    await applyMigrations(server.url);
  } catch (error) {
    server.stop();
    throw error;
  }
  return server;
}

export type Instance = { server: TestServer; port: number; pid: number };

/** One app instance on `port` (a free one by default). Replicas of one deployment share `authSecret`. */
export async function startInstance(options: {
  databaseUrl: string;
  authSecret: string;
  port?: number;
  env?: Record<string, string>;
}): Promise<Instance> {
  const server = await startTestServer({
    databaseUrl: options.databaseUrl,
    port: options.port,
    timeoutMs: 120_000,
    env: {
      AUTH_SECRET: options.authSecret,
      MIGRATE_ON_START: "false",
      LOG_LEVEL: "warn",
      SHUTDOWN_DRAIN_SECONDS: "1",
      ...options.env,
    },
  });
  return { server, port: server.port, pid: server.child.pid ?? 0 };
}

export function newAuthSecret(): string {
  return randomBytes(32).toString("base64url");
}

export type Balancer = { url: string; port: number; child: ChildProcess; stop(): Promise<void> };

/**
 * HAProxy as docker/zero-downtime.sh runs it: active `/readyz` checks every 250 ms (two failures take a
 * server out, two passes bring it back), a refused connection retried on another server. A request
 * already sent to a server that dies is not retried (it may have been applied): it fails, and counts.
 */
export async function startBalancer(ports: readonly number[]): Promise<Balancer> {
  const which = spawnSync("haproxy", ["-v"], { encoding: "utf8" });
  if (which.error) throw new Error("haproxy is missing (apt-get install haproxy)");
  const port = await freePort();
  const work = await tempDir("minitwit-haproxy-");
  const config = [
    "global",
    "  maxconn 4096",
    "defaults",
    "  mode http",
    "  timeout connect 1s",
    "  timeout client 30s",
    "  timeout server 30s",
    "  timeout check 1s",
    "  retries 3",
    "  option redispatch 1",
    "  retry-on conn-failure",
    "frontend minitwit",
    `  bind 127.0.0.1:${port}`,
    "  default_backend app",
    "backend app",
    "  balance roundrobin",
    "  option httpchk GET /readyz",
    "  default-server inter 250ms fastinter 250ms downinter 250ms fall 2 rise 2",
    ...ports.map((p, i) => `  server app${i + 1} 127.0.0.1:${p} check`),
    "",
  ].join("\n");
  const file = path.join(work.dir, "haproxy.cfg");
  await writeFile(file, config);
  const child = spawn("haproxy", ["-db", "-f", file], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    await work.remove();
  };
  const deadline = Date.now() + 30_000;
  while ((await get(`${url}/readyz`, 2000)).status !== 200) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy did not come up:\n${stderr}`);
    }
    await sleep(100);
  }
  return { url, port, child, stop };
}

/** A request besides a GET: the method, headers and body to send. */
export type RequestSpec = { method: string; headers?: Record<string, string>; body?: string };

/** A GET with a hard time limit; status 0 when it failed or ran out of time. */
export function get(url: string, timeoutMs: number): Promise<{ status: number; body: string; ms: number }> {
  return send(url, { method: "GET" }, timeoutMs);
}

/** `spec` sent to `url` on a connection of its own, with a hard time limit; status 0 as for `get`. */
export function send(
  url: string,
  spec: RequestSpec,
  timeoutMs: number,
): Promise<{ status: number; body: string; ms: number; retryAfter?: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const headers = { connection: "close", ...spec.headers };
    const req = http.request(url, { method: spec.method, agent: false, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        clearTimeout(timer);
        const retryAfter = res.headers["retry-after"];
        resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started, retryAfter });
      });
      res.on("error", () => resolve({ status: 0, body: "", ms: performance.now() - started }));
    });
    const timer = setTimeout(() => req.destroy(new Error("timed out")), timeoutMs);
    req.on("error", () => {
      clearTimeout(timer);
      resolve({ status: 0, body: "", ms: performance.now() - started });
    });
    req.end(spec.body);
  });
}

export type Sample = { at: number; status: number; body: string; ms: number };

/**
 * GETs `url` (or sends `spec`) every `everyMs` until stopped; every answer with its time (ms since
 * the epoch).
 */
export function probe(url: string, everyMs: number, timeoutMs = 2000, spec: RequestSpec = { method: "GET" }) {
  const samples: Sample[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const at = Date.now();
      const answer = await send(url, spec, timeoutMs);
      samples.push({ at, ...answer });
      await sleep(everyMs);
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await done;
    },
  };
}

export type TimedError = ActionError & {
  at: number;
  /** It failed because an earlier register of its user failed (see `consequentialFailures`). */
  consequential?: boolean;
};

/**
 * Replays the scenario as `copies` simulators at once, each with its own users (suffix ` s<k>`), by the
 * course's rules (a new connection per request, `timeoutMs` per request, no retries), in chunks of
 * `chunk` actions so that `stop()` ends within one chunk; a simulator that reaches the end starts the
 * scenario again with new users. Resolves with what each simulator sent, for the ledger.
 */
export function continuousReplay(options: {
  url: string;
  scenario: readonly Action[];
  copies: number;
  timeoutMs?: number;
  chunk?: number;
  /** Keep each request's latency in the stats (for percentiles over the whole run). */
  keepSamples?: boolean;
}) {
  const rounds: (Round & { errors: TimedError[] })[] = [];
  const stats: RunStats[] = [];
  let running = true;
  let sent = 0;
  const chunk = options.chunk ?? 25;
  const simulate = async (copy: number) => {
    for (let pass = 1; running; pass++) {
      const round = {
        actions: [] as Action[],
        copies: 1,
        suffix: ` s${copy + 1}${pass > 1 ? ` p${pass}` : ""}`,
        errors: [] as TimedError[],
      };
      rounds.push(round);
      for (let from = 0; running && from < options.scenario.length; from += chunk) {
        const actions = options.scenario.slice(from, from + chunk);
        stats.push(
          await runScenario({
            baseUrl: `${options.url}/sim`,
            actions,
            timeoutMs: options.timeoutMs ?? 300,
            usernameSuffix: round.suffix,
            credentials: { username: "simulator", password: "super_safe!" },
            onError: (error) => round.errors.push({ ...error, at: error.time.getTime() }),
            onProgress: () => (sent += 1),
            keepSamples: options.keepSamples,
          }),
        );
        round.actions.push(...actions);
      }
    }
  };
  const startedAt = performance.now();
  const done = Promise.all(Array.from({ length: options.copies }, (_, copy) => simulate(copy)));
  return {
    /** Requests answered or failed so far. */
    sent: () => sent,
    async stop() {
      running = false;
      await done;
      for (const round of rounds) {
        const consequential = consequentialFailures(round);
        for (const error of round.errors) error.consequential = consequential.has(error.latest);
      }
      return { rounds, stats, durationMs: performance.now() - startedAt };
    },
  };
}

/** Waits until `check` holds, polling every `everyMs`; false when `timeoutMs` passed first. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return false;
}

/**
 * Stops whatever was started, last first, without letting one failure skip the rest; also on Ctrl-C
 * or SIGTERM, so no instance, balancer or PostgreSQL server outlives the run.
 */
export class Cleanup {
  private readonly steps: (() => unknown)[] = [];
  constructor() {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        void this.run().finally(() => process.exit(130));
      });
    }
  }
  add(step: () => unknown): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step();
      } catch (error) {
        console.error("cleanup step failed:", error);
      }
    }
    this.steps.length = 0;
  }
}

/** "kind: count, …" of a list of failures, for the run's summary lines. */
export function kinds(errors: readonly { kind: string }[]): string {
  const counts = new Map<string, number>();
  for (const e of errors) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind}: ${n}`).join(", ") || "none";
}

/** A non-negative number from a command-line option, or the default when absent. */
export function numberOption(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
  return n;
}
