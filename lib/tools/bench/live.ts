/**
 * `npm run bench -- live`: live timelines under load. Starts the production server on a fresh
 * database of the PostgreSQL server in DATABASE_URL, opens many public-timeline streams, posts
 * messages at a steady rate through the simulator protocol, and prints the delivery latency (from
 * the post being sent to the event arriving at each stream), the server's memory per open stream,
 * and the simulator's figures without and with the streams open.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres npm run bench -- live   (or directly:)
 *   node --import tsx lib/tools/bench/live.ts [--streams 1000] [--rate 50] [--seconds 10] [--sim-actions 2000]
 *     [--cpu-prof DIR]   (the server's CPU profile, written to DIR when it stops)
 */
import http from "node:http";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { startTestServer, type TestServer } from "@/e2e/harness/server";
import { withClient, withDatabase } from "@/lib/db/pg-config";
import { LIVE_SUBSCRIPTION } from "@/lib/live/sse-client";
import { percentile } from "@/lib/tools/simulator/report";
import { runScenario } from "@/lib/tools/simulator/runner";
import { loadScenario } from "@/lib/tools/simulator/sample";
import type { Action } from "@/lib/tools/simulator/scenario";

const SIM_AUTH = `Basic ${Buffer.from("simulator:super_safe!").toString("base64")}`;
const TICKS_PER_SECOND = 100;
/** The target for 1,000 streams at 50 messages/s (#15). */
const TARGET_P99_MS = 250;

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

function cpuMs(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One stream: counts events, and (while `measuring`) when each numbered message arrived. */
class BenchStream {
  events = 0;
  ended = false;
  private req: http.ClientRequest | undefined;
  constructor(private readonly onMessage: (seq: number) => void) {}

  open(baseUrl: string): Promise<number> {
    const body = JSON.stringify({ query: LIVE_SUBSCRIPTION, variables: { timeline: "PUBLIC" } });
    return new Promise((resolve, reject) => {
      const req = http.request(new URL("/api/graphql/stream", baseUrl), {
        method: "POST",
        agent: false,
        headers: {
          accept: "text/event-stream",
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      });
      this.req = req;
      req.once("error", reject);
      req.once("response", (res) => {
        res.setEncoding("utf8");
        let rest = "";
        res.on("data", (chunk: string) => {
          // Only whole events: a chunk may end inside one.
          const text = rest + chunk;
          const end = text.lastIndexOf("\n\n");
          rest = end === -1 ? text : text.slice(end + 2);
          if (end === -1) return;
          for (const match of text.slice(0, end).matchAll(/"text":"live (\d+) /g)) {
            this.events += 1;
            this.onMessage(Number(match[1]));
          }
        });
        res.on("close", () => (this.ended = true));
        resolve(res.statusCode ?? 0);
      });
      req.end(body);
    });
  }

  close(): void {
    this.req?.destroy();
  }
}

async function post(server: TestServer, username: string, content: string): Promise<boolean> {
  const res = await fetch(`${server.url}/sim/msgs/${encodeURIComponent(username)}`, {
    method: "POST",
    headers: { authorization: SIM_AUTH, "content-type": "application/json" },
    body: JSON.stringify({ content }),
  });
  await res.arrayBuffer();
  return res.status === 204;
}

async function register(server: TestServer, username: string): Promise<void> {
  const res = await fetch(`${server.url}/sim/register`, {
    method: "POST",
    headers: { authorization: SIM_AUTH, "content-type": "application/json" },
    body: JSON.stringify({ username, email: `${username}@example.test`, pwd: "secret" }),
  });
  if (res.status !== 204) throw new Error(`registering ${username}: ${res.status}`);
}

async function simRun(server: TestServer, actions: Action[], limit: number, suffix: string) {
  const stats = await runScenario({
    baseUrl: `${server.url}/sim`,
    actions,
    limit,
    concurrency: 8,
    usernameSuffix: suffix,
  });
  const { p50, p99 } = stats.latency;
  return `errors ${stats.errors} of ${stats.actions}, ${stats.requestsPerSecond.toFixed(0)} req/s, p50/p99 ${p50.toFixed(1)}/${p99.toFixed(1)} ms`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      streams: { type: "string", default: "1000" },
      rate: { type: "string", default: "50" },
      seconds: { type: "string", default: "10" },
      "sim-actions": { type: "string", default: "2000" },
      // A directory: the server writes a V8 CPU profile there when it stops (open it in DevTools).
      "cpu-prof": { type: "string" },
    },
  });
  const streamCount = Number(values.streams);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const simActions = Number(values["sim-actions"]);
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    console.error(
      "Set DATABASE_URL to a PostgreSQL server; the benchmark creates and drops its own database.",
    );
    return 2;
  }
  const name = `minitwit_bench_live_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  let failed = false;
  try {
    const server = await startTestServer({
      databaseUrl: withDatabase(serverUrl, name),
      env: {
        LOG_LEVEL: "warn",
        MIGRATE_ON_START: "true",
        LIVE_STREAMS_PER_ADDRESS: String(streamCount + 100),
      },
      timeoutMs: 10 * 60_000,
      command: values["cpu-prof"]
        ? [
            process.execPath,
            [
              "--cpu-prof",
              `--cpu-prof-dir=${path.resolve(values["cpu-prof"])}`,
              "--import",
              "tsx",
              "lib/tools/cli/start.ts",
            ],
          ]
        : undefined,
    });
    const pid = server.child.pid as number;
    try {
      const authors = Array.from({ length: 20 }, (_, i) => `live_author_${i}`);
      for (const author of authors) await register(server, author);
      const scenario = simActions > 0 ? (await loadScenario()).actions : [];
      // Warm-up and the baseline: the simulator with no stream open.
      if (simActions > 0) {
        await runScenario({
          baseUrl: `${server.url}/sim`,
          actions: scenario,
          limit: 50,
          usernameSuffix: " warm",
        });
        console.log(
          `simulator, 8 concurrent, no streams open:   ${await simRun(server, scenario, simActions, " a")}`,
        );
      }

      let sentAt: number[] = [];
      const latencies: number[] = [];
      let measuring = false;
      const onMessage = (seq: number) => {
        const sent = sentAt[seq];
        if (measuring && sent !== undefined) latencies.push(performance.now() - sent);
      };
      const rssBefore = rssBytes(pid);
      const streams = Array.from({ length: streamCount }, () => new BenchStream(onMessage));
      for (let i = 0; i < streams.length; i += 20) {
        const statuses = await Promise.all(streams.slice(i, i + 20).map((s) => s.open(server.url)));
        const bad = statuses.filter((status) => status !== 200);
        if (bad.length > 0) throw new Error(`streams refused: ${bad.join(", ")}`);
      }
      // Every stream has joined the fan-out once a probe reaches all of them.
      for (let probe = 0; ; probe++) {
        const before = streams.reduce((n, s) => n + s.events, 0);
        await post(server, authors[0]!, `live 0 probe ${probe}`);
        await sleep(1000);
        const after = streams.reduce((n, s) => n + s.events, 0);
        if (after - before === streamCount) break;
        if (probe > 30) throw new Error("streams did not all receive the probe");
      }
      await sleep(2000);
      const rssAfter = rssBytes(pid);

      // Messages at a steady rate; each is numbered so every stream can time its arrival.
      sentAt = [];
      measuring = true;
      const total = rate * seconds;
      const cpuBefore = cpuMs(pid);
      const startedAt = performance.now();
      const posts: Promise<boolean>[] = [];
      for (let seq = 1; seq <= total; seq++) {
        const due = startedAt + ((seq - 1) * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        sentAt[seq] = performance.now();
        posts.push(post(server, authors[seq % authors.length]!, `live ${seq} at rate`));
      }
      const postErrors = (await Promise.all(posts)).filter((ok) => !ok).length;
      const expected = total * streamCount;
      const deadline = performance.now() + 15_000;
      while (latencies.length < expected - postErrors * streamCount && performance.now() < deadline)
        await sleep(100);
      const cpuUsed = cpuMs(pid) - cpuBefore;
      measuring = false;
      const sorted = Float64Array.from(latencies).sort();
      const cut = streams.filter((s) => s.ended).length;
      console.log(`\n== live: ${streamCount} public streams, ${rate} messages/s for ${seconds} s`);
      console.log(
        `events delivered: ${latencies.length} of ${expected} (posts failed: ${postErrors}, streams cut off: ${cut})`,
      );
      const p99 = percentile(sorted, 99);
      console.log(
        `delivery latency (post sent -> event at the client): p50 ${percentile(sorted, 50).toFixed(1)} ms, ` +
          `p95 ${percentile(sorted, 95).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ` +
          `max ${(sorted[sorted.length - 1] ?? 0).toFixed(1)} ms ` +
          `(target p99 <= ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS ? "met" : "NOT MET"})`,
      );
      console.log(
        `server memory: ${(rssBefore / 2 ** 20).toFixed(0)} MiB before the streams, ${(rssAfter / 2 ** 20).toFixed(0)} MiB with them: ` +
          `${((rssAfter - rssBefore) / streamCount / 1024).toFixed(1)} KiB per open stream`,
      );
      console.log(
        `server CPU while posting: ${(cpuUsed / total).toFixed(2)} ms per message fanned out to ${streamCount} streams`,
      );
      failed = latencies.length < expected || postErrors > 0 || p99 > TARGET_P99_MS;

      if (simActions > 0) {
        console.log(
          `\nsimulator, 8 concurrent, ${streamCount} streams open: ${await simRun(server, scenario, simActions, " b")}`,
        );
      }
      for (const stream of streams) stream.close();
    } finally {
      await server.stop();
    }
  } finally {
    await withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
