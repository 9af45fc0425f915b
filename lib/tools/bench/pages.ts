/**
 * `npm run bench -- pages`: what a web page costs the server, against what Next.js itself costs for
 * a page of the same shape (issue #18). Starts the production server (building it first if there is
 * no build) on a fresh database of the PostgreSQL server in DATABASE_URL, replays the first 2,000
 * actions of the simulator's sample scenario, adds a reader who follows 100 users and signs in
 * through the `/login` form, then loads `/public`, `/<username>`, the reader's home timeline, `/login`
 * and the floor page (lib/tools/bench/pages-floor: 30 messages from memory, built on demand outside the
 * checkout) with 8 concurrent clients, a new connection per request, as browsers ask
 * (`Accept-Encoding: gzip, deflate, br`). Pages are measured in turns (every page for a few seconds,
 * then again), so a change in the machine's load falls on all of them alike. Server CPU per page is
 * the server process tree's own user+system time (/proc) while serving that page, divided by the
 * pages served.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres npm run bench -- pages   (or directly:)
 *   node --import tsx lib/tools/bench/pages.ts [--seconds 2] [--rounds 6] [--concurrency 8] [--actions 2000]
 *     [--cpu-prof DIR]   (both servers' V8 CPU profiles, written to DIR when they stop)
 *
 * Exit status 1 when a page answered anything but 200.
 */
import http from "node:http";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import zlib from "node:zlib";

import { startTestServer } from "@/e2e/harness/server";
import { withClient, withDatabase } from "@/lib/db/pg-config";
import { summarizeLatencies } from "@/lib/tools/simulator/report";
import { runScenario } from "@/lib/tools/simulator/runner";
import { loadScenario } from "@/lib/tools/simulator/sample";

import { cpuMs } from "./cpu";
import { startPagesFloorServer } from "./pages-floor";
import { pagesTable, type PageFigures, type PageTarget } from "./pages-report";
import { writeBenchResults } from "./results";

const SIM_AUTH = `Basic ${Buffer.from("simulator:super_safe!").toString("base64")}`;
const READER = "bench reader";
const READER_PASSWORD = "bench reader's password";
const FOLLOWED = 100;
/** Beyond this a request counts as an error (a page that never comes is not a slow page). */
const REQUEST_TIMEOUT_MS = 10_000;
const BROWSER_HEADERS = { accept: "text/html", "accept-encoding": "gzip, deflate, br", connection: "close" };

type Target = { label: string; url: string; path: string; headers: Record<string, string>; pid: number };

type Sample = { status: number | "error"; latencyMs: number; startMs: number; bytes: number };

function get(url: string, pathname: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: Buffer; encoding: string | undefined }>((resolve, reject) => {
    const req = http.request(new URL(pathname, url), { agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks),
          encoding: res.headers["content-encoding"],
        }),
      );
      res.on("error", reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

function decoded(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === "gzip") return zlib.gunzipSync(body);
  if (encoding === "br") return zlib.brotliDecompressSync(body);
  if (encoding === "deflate") return zlib.inflateSync(body);
  return body;
}

/** `concurrency` clients asking for one page back to back for `seconds`. */
async function load(target: Target, seconds: number, concurrency: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const sent = performance.now();
      try {
        const res = await get(target.url, target.path, target.headers);
        samples.push({
          status: res.status,
          latencyMs: performance.now() - sent,
          startMs: sent - started,
          bytes: res.body.length,
        });
      } catch {
        samples.push({
          status: "error",
          latencyMs: performance.now() - sent,
          startMs: sent - started,
          bytes: 0,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return samples;
}

async function sim(url: string, pathname: string, body: unknown): Promise<number> {
  const res = await fetch(`${url}/sim${pathname}`, {
    method: "POST",
    headers: { authorization: SIM_AUTH, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Signs in through the `/login` form as a browser without JavaScript would; returns the Cookie header. */
async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: READER, password: READER_PASSWORD }).toString(),
  });
  await res.arrayBuffer();
  const session = res.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0]!)
    .find((cookie) => cookie.includes("session-token="));
  if (res.status !== 303 || !session) throw new Error(`signing in answered ${res.status} without a session`);
  return session;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "2" },
      rounds: { type: "string", default: "6" },
      concurrency: { type: "string", default: "8" },
      actions: { type: "string", default: "2000" },
      "cpu-prof": { type: "string" },
    },
  });
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const concurrency = Number(values.concurrency);
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    console.error(
      "Set DATABASE_URL to a PostgreSQL server; the benchmark creates and drops its own database.",
    );
    return 2;
  }
  const profileArgs = values["cpu-prof"]
    ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(values["cpu-prof"])}`]
    : [];
  const { actions, source } = await loadScenario();
  const seeded = actions.slice(0, Number(values.actions));

  const name = `minitwit_bench_pages_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  let failed = false;
  try {
    console.log("starting the server (it builds the app first when there is no build)");
    const server = await startTestServer({
      databaseUrl: withDatabase(serverUrl, name),
      env: { LOG_LEVEL: "warn", MIGRATE_ON_START: "true" },
      timeoutMs: 15 * 60_000,
      command: [process.execPath, [...profileArgs, "--import", "tsx", "lib/tools/cli/start.ts"]],
    });
    const floor = await startPagesFloorServer({ nodeArgs: profileArgs });
    try {
      console.log(`seeding: ${seeded.length} actions of ${source}`);
      const seeding = await runScenario({
        baseUrl: `${server.url}/sim`,
        actions: seeded,
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      console.log(`  ${seeding.errors} of ${seeding.actions} actions failed`);
      const registered = seeded.filter((a) => a.command === "register").map((a) => a.username);
      const tweets = new Map<string, number>();
      for (const a of seeded)
        if (a.command === "tweet") tweets.set(a.username, (tweets.get(a.username) ?? 0) + 1);
      // The user page shows the most prolific author, so it is a full page of 30 like the others.
      const author = [...tweets].sort((a, b) => b[1] - a[1])[0]?.[0];
      if (!author || registered.length < FOLLOWED) throw new Error("the scenario has too few users to seed");
      const status = await sim(server.url, "/register", {
        username: READER,
        email: "reader@bench.example",
        pwd: READER_PASSWORD,
      });
      if (status !== 204) throw new Error(`registering the reader answered ${status}`);
      // The most prolific authors, so the home timeline is a full page drawn from many of them.
      const followed = [
        ...new Set([...[...tweets].sort((a, b) => b[1] - a[1]).map(([u]) => u), ...registered]),
      ]
        .filter((u) => registered.includes(u))
        .slice(0, FOLLOWED);
      for (const user of followed) {
        const answer = await sim(server.url, `/fllws/${encodeURIComponent(READER)}`, { follow: user });
        if (answer !== 204) throw new Error(`following ${user} answered ${answer}`);
      }
      const cookie = await signIn(server.url);
      console.log(`reader follows ${followed.length} users and is signed in; user page: ${author}`);

      const appPid = server.child.pid as number;
      const targets: Target[] = [
        { label: "`/public`", url: server.url, path: "/public", headers: BROWSER_HEADERS, pid: appPid },
        {
          label: "`/<username>`",
          url: server.url,
          path: `/${encodeURIComponent(author)}`,
          headers: BROWSER_HEADERS,
          pid: appPid,
        },
        {
          label: `home timeline, signed in (following ${followed.length})`,
          url: server.url,
          path: "/",
          headers: { ...BROWSER_HEADERS, cookie },
          pid: appPid,
        },
        { label: "`/login`", url: server.url, path: "/login", headers: BROWSER_HEADERS, pid: appPid },
        {
          label: "floor: Next.js page, 30 messages from memory",
          url: floor.url,
          path: "/",
          headers: BROWSER_HEADERS,
          pid: floor.child.pid as number,
        },
      ];
      const htmlBytes = new Map<Target, number>();
      for (const target of targets) {
        const res = await get(target.url, target.path, target.headers);
        if (res.status !== 200) throw new Error(`${target.path} answered ${res.status} before the run`);
        htmlBytes.set(target, decoded(res.body, res.encoding).length);
        // Warm-up: lazy compilation, pools and caches are not charged to the run.
        await load(target, 1, concurrency);
      }

      const totals = new Map(targets.map((t) => [t, { samples: [] as Sample[], cpuMs: 0, seconds: 0 }]));
      for (let round = 1; round <= rounds; round++) {
        for (const target of targets) {
          const cpuBefore = cpuMs(target.pid);
          const started = performance.now();
          const samples = await load(target, seconds, concurrency);
          const cpu = cpuMs(target.pid) - cpuBefore;
          const total = totals.get(target)!;
          // One time line per page across its turns, for the over-time chart.
          const offsetMs = total.seconds * 1000;
          total.samples.push(...samples.map((s) => ({ ...s, startMs: s.startMs + offsetMs })));
          total.seconds += (performance.now() - started) / 1000;
          total.cpuMs += cpu;
        }
        console.log(`round ${round} of ${rounds} done`);
      }

      const figures = targets.map((target): PageFigures => {
        const { samples, cpuMs: cpu, seconds: elapsed } = totals.get(target)!;
        const ok = samples.filter((s) => s.status === 200);
        const latency = summarizeLatencies(samples.map((s) => s.latencyMs));
        return {
          label: target.label,
          pages: samples.length,
          errors: samples.length - ok.length,
          cpuMsPerPage: cpu / Math.max(1, samples.length),
          pagesPerSecond: ok.length / elapsed,
          p50Ms: latency.p50,
          p99Ms: latency.p99,
          bytes: ok.reduce((sum, s) => sum + s.bytes, 0) / Math.max(1, ok.length),
          htmlBytes: htmlBytes.get(target) ?? 0,
        };
      });
      const pageFigures = figures.slice(0, -1);
      const floorFigures = figures.at(-1)!;
      const goals: Record<string, PageTarget> = {
        [targets[0]!.label]: { cpuRatio: 1.5 },
        [targets[1]!.label]: { cpuRatio: 1.5 },
        [targets[2]!.label]: { cpuRatio: 2 },
        [targets[3]!.label]: {},
      };
      console.log(
        `\n== pages: ${concurrency} concurrent clients, a new connection per request, ` +
          `${rounds} turns of ${seconds} s per page\n`,
      );
      console.log(pagesTable(pageFigures, floorFigures, goals));
      failed = figures.some((f) => f.errors > 0);
      const written = await writeBenchResults({
        bench: "pages",
        context: {
          scenario: source,
          actions: seeded.length,
          followed: followed.length,
          concurrency,
          rounds,
          seconds,
        },
        runs: targets.map((target, i) => ({
          label: target.label.replaceAll("`", ""),
          figures: { ...figures[i]! },
          samples: {
            startMs: totals.get(target)!.samples.map((s) => s.startMs),
            latencyMs: totals.get(target)!.samples.map((s) => s.latencyMs),
          },
        })),
      });
      console.log(`\nresults: ${written.json}`);
    } finally {
      await floor.stop();
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
