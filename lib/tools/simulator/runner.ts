import http from "node:http";
import https from "node:https";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

import { env } from "@/lib/runtime/env";

import { type ActionError, type RunStats, summarizeLatencies } from "./report";
import type { Action } from "./scenario";

/**
 * Replays a scenario the way the course's simulator does: one request per action, each on a new
 * TCP connection (`Connection: close`, no agent), a hard time limit per request, no retries, and
 * the course's success rules (register: 204 or 400; everything else: 204 only).
 */
export interface RunOptions {
  /** Where the protocol lives, e.g. `http://localhost:3000/sim`. */
  baseUrl: string;
  actions: readonly Action[];
  /** Copies of the scenario replayed at once, each with its own usernames and `latest` ids. */
  concurrency?: number;
  /** Divides the recorded delays; unset or 0 sends as fast as possible. */
  speedup?: number;
  /** Replays only the first N actions (of each copy). */
  limit?: number;
  /** Time allowed for a whole request, connect to last byte (default 300 ms, as the course's). */
  timeoutMs?: number;
  /** Default: `SIMULATOR_USERNAME` / `SIMULATOR_PASSWORD` from the environment. */
  credentials?: { username: string; password: string };
  /** Appended to every username, so repeated runs against one database do not collide. */
  usernameSuffix?: string;
  onError?: (error: ActionError) => void;
  /** Called after every action (all copies together); cheap, so throttle what it draws. */
  onProgress?: (progress: Progress) => void;
  /** Keep every response's start time and latency in `RunStats.samples` (for charts). */
  keepSamples?: boolean;
}

export interface Progress {
  done: number;
  total: number;
  errors: number;
  elapsedMs: number;
}

type Outcome = { status: number } | { failure: "ReadTimeout" | "ConnectTimeout" | "ConnectionError" };

interface Endpoint {
  request: typeof http.request;
  hostname: string;
  port: number;
  /** The base path without a trailing slash. */
  path: string;
}

function endpoint(baseUrl: string): Endpoint {
  const url = new URL(baseUrl);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`The simulator speaks http(s), got ${url.protocol}`);
  }
  const secure = url.protocol === "https:";
  return {
    request: secure ? https.request : http.request,
    // URL keeps IPv6 literals bracketed; node:http wants them bare.
    hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port === "" ? (secure ? 443 : 80) : Number(url.port),
    path: url.pathname.replace(/\/+$/, ""),
  };
}

function send(
  target: Endpoint,
  path: string,
  headers: http.OutgoingHttpHeaders,
  body: Buffer | undefined,
  timeoutMs: number,
): Promise<Outcome> {
  return new Promise((resolve) => {
    let connected = false;
    let timedOut = false;
    const req = target.request({
      hostname: target.hostname,
      port: target.port,
      path,
      method: "POST",
      // No agent: no pooling, one connection per request, like the course's simulator.
      agent: false,
      headers: body === undefined ? headers : { ...headers, "Content-Length": body.length },
    });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy();
    }, timeoutMs);
    const fail = () => {
      clearTimeout(timer);
      resolve({ failure: timedOut ? (connected ? "ReadTimeout" : "ConnectTimeout") : "ConnectionError" });
    };
    req.on("socket", (socket) => socket.once("connect", () => (connected = true)));
    req.on("error", fail);
    req.on("response", (res) => {
      res.on("error", fail);
      // The answer counts once it has fully arrived, as with `requests` reading the body.
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0 });
      });
      res.resume();
    });
    req.end(body);
  });
}

function succeeded(action: Action, status: number): boolean {
  return status === 204 || (action.command === "register" && status === 400);
}

/** Copies of a scenario rename their users (and tag their emails) so they never meet. */
function request(action: Action, suffix: string) {
  const user = encodeURIComponent(action.username + suffix);
  switch (action.command) {
    case "register": {
      const body = {
        username: action.username + suffix,
        email: tagEmail(action.email, suffix),
        pwd: action.password,
      };
      return { path: "/register", body };
    }
    case "tweet":
      return { path: `/msgs/${user}`, body: { content: action.content } };
    case "follow":
      return { path: `/fllws/${user}`, body: { follow: action.target + suffix } };
    case "unfollow":
      return { path: `/fllws/${user}`, body: { unfollow: action.target + suffix } };
  }
}

function tagEmail(email: string, suffix: string): string {
  const at = email.lastIndexOf("@");
  if (suffix === "" || at < 0) return email;
  return `${email.slice(0, at)}+${suffix.trim().replace(/\s+/g, "+")}${email.slice(at)}`;
}

export async function runScenario(options: RunOptions): Promise<RunStats> {
  const target = endpoint(options.baseUrl);
  const copies = options.concurrency ?? 1;
  if (!Number.isSafeInteger(copies) || copies < 1) throw new RangeError("concurrency must be >= 1");
  const timeoutMs = options.timeoutMs ?? 300;
  const speedup = options.speedup ?? 0;
  const actions = options.limit === undefined ? options.actions : options.actions.slice(0, options.limit);
  const { username, password } = options.credentials ?? {
    username: env().simulatorUser,
    password: env().simulatorPassword,
  };
  const headers = {
    Connection: "close",
    "Content-Type": "application/json",
    Authorization: `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`,
  };

  const latencies: number[] = [];
  const startedAt: number[] = [];
  const errorsByKind: Record<string, number> = {};
  let errors = 0;
  let done = 0;
  const total = actions.length * copies;
  const report = (error: ActionError) => {
    errors++;
    errorsByKind[error.kind] = (errorsByKind[error.kind] ?? 0) + 1;
    options.onError?.(error);
  };

  const replay = async (copy: number) => {
    const suffix = (options.usernameSuffix ?? "") + (copies > 1 ? ` c${copy + 1}` : "");
    for (const action of actions) {
      if (speedup > 0 && action.delayMs > 0) await sleep(action.delayMs / speedup);
      // Interleaves the copies' ids so every request still carries a distinct `latest`.
      const latest = action.id * copies + copy;
      const { path, body } = request(action, suffix);
      const started = performance.now();
      const outcome = await send(
        target,
        `${target.path}${path}?latest=${latest}`,
        headers,
        Buffer.from(JSON.stringify(body), "utf8"),
        timeoutMs,
      );
      const kind = "status" in outcome ? String(outcome.status) : outcome.failure;
      if ("status" in outcome) {
        latencies.push(performance.now() - started);
        if (options.keepSamples) startedAt.push(started - runStarted);
      }
      if (!("status" in outcome) || !succeeded(action, outcome.status)) {
        report({ time: new Date(), host: options.baseUrl, latest, kind, command: action.command });
      }
      done++;
      options.onProgress?.({ done, total, errors, elapsedMs: performance.now() - runStarted });
    }
  };

  const runStarted = performance.now();
  await Promise.all(Array.from({ length: copies }, (_, copy) => replay(copy)));
  const durationMs = performance.now() - runStarted;
  const sent = actions.length * copies;
  return {
    actions: sent,
    errors,
    errorsByKind,
    durationMs,
    requestsPerSecond: durationMs === 0 ? 0 : (sent * 1000) / durationMs,
    latency: summarizeLatencies(latencies),
    ...(options.keepSamples ? { samples: { startMs: startedAt, latencyMs: latencies } } : {}),
  };
}
