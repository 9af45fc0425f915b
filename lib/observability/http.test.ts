import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CLIENT_IP_HEADER, currentRequest, observeRequest, setRequestUser } from "./http";
import type { Logger } from "pino";
import { logger } from "./logger";
import { metrics } from "./metrics";

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

let handler: Handler = (_req, res) => void res.end("ok");
let server: Server;
let base: string;

beforeAll(async () => {
  // The shape the custom server has: instrumentation first, then the application's handler.
  server = createServer((req, res) => {
    observeRequest(req, res);
    void handler(req, res);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, "close");
});

afterEach(() => {
  handler = (_req, res) => void res.end("ok");
  vi.restoreAllMocks();
});

type Line = Record<string, unknown>;

/** Captures the request lines (with their level) instead of writing them to stdout. */
function captureLogs(): Line[] {
  const lines: Line[] = [];
  const capture = (level: string) => (obj: unknown) => void lines.push({ ...(obj as Line), level });
  vi.spyOn(logger(), "info").mockImplementation(capture("info") as Logger["info"]);
  vi.spyOn(logger(), "warn").mockImplementation(capture("warn") as Logger["warn"]);
  return lines;
}

function linesFor(lines: Line[], path: string): Line[] {
  return lines.filter((line) => line.path === path);
}

type Labels = Record<string, string | number | undefined>;

function matches(labels: Labels, wanted: Labels): boolean {
  return Object.entries(wanted).every(([k, want]) => labels[k] === want);
}

async function requestCount(wanted: Labels): Promise<number> {
  const { values } = await metrics().http.requests.get();
  return values.filter((v) => matches(v.labels, wanted)).reduce((sum, v) => sum + v.value, 0);
}

async function durationCount(wanted: Labels): Promise<number> {
  const { values } = await metrics().http.duration.get();
  const count = values.find(
    (v) => v.metricName === "minitwit_http_request_duration_seconds_count" && matches(v.labels, wanted),
  );
  return count?.value ?? 0;
}

async function seriesCount(): Promise<number> {
  return (await metrics().http.requests.get()).values.length;
}

/** The server records after the response is sent, so a client may look before it happened. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error("condition not reached");
}

describe("request ids", () => {
  it("generates one, shows it to the handler and returns it", async () => {
    let seen: string | string[] | undefined;
    handler = (req, res) => {
      seen = req.headers["x-request-id"];
      res.end();
    };
    const response = await fetch(`${base}/public`);
    const id = response.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen).toBe(id);
  });

  it("keeps a sane id sent by the client", async () => {
    const response = await fetch(`${base}/public`, { headers: { "X-Request-Id": "lb-42.a_b-C" } });
    expect(response.headers.get("x-request-id")).toBe("lb-42.a_b-C");
  });

  it.each([["x".repeat(129)], ["has space"], ["semi;colon"], ["<script>"], [""]])(
    "replaces an unusable id %j",
    async (offered) => {
      const response = await fetch(`${base}/public`, { headers: { "X-Request-Id": offered } });
      const id = response.headers.get("x-request-id");
      expect(id).not.toBe(offered);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    },
  );
});

describe("client address", () => {
  it("overwrites a client-sent address header with the socket's address", async () => {
    let seen: string | string[] | undefined;
    handler = (req, res) => {
      seen = req.headers[CLIENT_IP_HEADER];
      res.end();
    };
    await fetch(`${base}/metrics`, { headers: { [CLIENT_IP_HEADER]: "10.1.2.3" } });
    expect(seen).toBe("127.0.0.1");
  });
});

describe("client address in the request log line", () => {
  it("is the socket's when no proxy is trusted, whatever X-Forwarded-For says", async () => {
    const lines = captureLogs();
    await fetch(`${base}/who`, { headers: { "X-Forwarded-For": "203.0.113.9" } });
    await eventually(async () => linesFor(lines, "/who").length > 0);
    expect(linesFor(lines, "/who")[0]?.client).toBe("127.0.0.1");
  });
});

describe("HTTP metrics", () => {
  it("counts a request under its route template, method and status, and times it", async () => {
    const labels = { route: "/sim/msgs/:username", method: "POST", status: "204" };
    const before = await requestCount(labels);
    const durationsBefore = await durationCount(labels);
    handler = (_req, res) => {
      res.statusCode = 204;
      res.end();
    };
    await fetch(`${base}/sim/msgs/Roger%20Histand?latest=42`, { method: "POST", body: "{}" });
    await eventually(async () => (await requestCount(labels)) === before + 1);
    expect(await durationCount(labels)).toBe(durationsBefore + 1);
    expect(await requestCount({ route: "/sim/msgs/Roger%20Histand" })).toBe(0);
  });

  it("records the status the handler chose", async () => {
    const labels = { route: "/sim/fllws/:username", method: "GET", status: "404" };
    const before = await requestCount(labels);
    handler = (_req, res) => {
      res.writeHead(404).end();
    };
    const response = await fetch(`${base}/sim/fllws/nobody`);
    expect(response.status).toBe(404);
    await eventually(async () => (await requestCount(labels)) === before + 1);
  });

  it("counts a request the client abandoned as 499", async () => {
    const labels = { route: "/:username", method: "GET", status: "499" };
    const before = await requestCount(labels);
    let arrived: () => void = () => {};
    const received = new Promise<void>((resolve) => (arrived = resolve));
    handler = () => arrived();
    const abort = new AbortController();
    const request = fetch(`${base}/slow-user`, { signal: abort.signal }).catch(() => "aborted");
    await received;
    abort.abort();
    expect(await request).toBe("aborted");
    await eventually(async () => (await requestCount(labels)) === before + 1);
  });

  it("keeps the number of series constant however many usernames are requested", async () => {
    handler = (_req, res) => void res.end();
    const visit = async (from: number, to: number) => {
      for (let i = from; i < to; i += 50) {
        const batch = [];
        for (let j = i; j < Math.min(i + 50, to); j++) {
          const name = encodeURIComponent(`user ${j} ${"é".repeat(j % 5)}`);
          batch.push(
            fetch(`${base}/${name}`),
            fetch(`${base}/sim/msgs/${name}`),
            fetch(`${base}/${name}/follow`),
          );
        }
        await Promise.all(batch);
      }
    };
    await visit(0, 10);
    const afterTen = await requestCount({ route: "/:username/follow" });
    const seriesAfterTen = await seriesCount();
    await visit(10, 1_000);
    await eventually(async () => (await requestCount({ route: "/:username/follow" })) === afterTen + 990);
    expect(await seriesCount()).toBe(seriesAfterTen);
    const { values } = await metrics().http.requests.get();
    for (const v of values) expect(String(v.labels.route)).not.toMatch(/\d|%/);
  }, 60_000);
});

describe("request log line", () => {
  it("writes one line per request with method, route, status, duration and request id", async () => {
    const lines = captureLogs();
    handler = (_req, res) => {
      res.statusCode = 302;
      res.end();
    };
    const response = await fetch(`${base}/alice/follow?x=secret-query`, { redirect: "manual" });
    await eventually(async () => linesFor(lines, "/alice/follow").length > 0);
    await sleep(20);
    const mine = linesFor(lines, "/alice/follow");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      level: "info",
      reqId: response.headers.get("x-request-id"),
      method: "GET",
      route: "/:username/follow",
      path: "/alice/follow",
      status: 302,
      userId: undefined,
    });
    expect(mine[0]!.durationMs).toBeTypeOf("number");
    expect(JSON.stringify(mine[0])).not.toContain("secret-query");
  });

  it("carries the user id a handler reported after awaiting, without mixing concurrent requests", async () => {
    const lines = captureLogs();
    handler = async (req, res) => {
      const user = req.url === "/a" ? 1 : 2;
      await sleep(user === 1 ? 30 : 5);
      await Promise.resolve();
      setRequestUser(user);
      setTimeout(() => res.end(String(currentRequest()?.userId)), 1);
    };
    const [a, b] = await Promise.all([fetch(`${base}/a`), fetch(`${base}/b`)]);
    expect(await a.text()).toBe("1");
    expect(await b.text()).toBe("2");
    await eventually(async () => linesFor(lines, "/a").length + linesFor(lines, "/b").length === 2);
    expect(linesFor(lines, "/a")[0]?.userId).toBe(1);
    expect(linesFor(lines, "/b")[0]?.userId).toBe(2);
  });

  it("logs server errors at warn level", async () => {
    const lines = captureLogs();
    handler = (_req, res) => {
      res.statusCode = 500;
      res.end();
    };
    await fetch(`${base}/public?broken`);
    await eventually(async () => linesFor(lines, "/public").length === 1);
    expect(linesFor(lines, "/public")[0]?.level).toBe("warn");
  });
});

describe("outside a request", () => {
  it("ignores a reported user and has no current request", () => {
    expect(() => setRequestUser(7)).not.toThrow();
  });
});
