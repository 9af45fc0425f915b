import http from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import type { ActionError } from "./report";
import { runScenario } from "./runner";
import type { Action } from "./scenario";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** A stand-in for Minitwit that answers what each test tells it and records what it saw. */
async function startServer(answer: (seen: Seen) => number | { status: number; delayMs: number }) {
  const requests: Seen[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const seen: Seen = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      };
      requests.push(seen);
      const decision = answer(seen);
      const { status, delayMs } = typeof decision === "number" ? { status: decision, delayMs: 0 } : decision;
      setTimeout(() => res.writeHead(status).end(), delayMs);
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  servers.push(server);
  return { url: `http://127.0.0.1:${port}/sim`, requests, connections: () => connections };
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const base = { delayMs: 0, timestampMs: 0 };
const SCENARIO: Action[] = [
  { ...base, id: 10, command: "register", username: "Roger Histand", email: "roger@x.dk", password: `q"\\'` },
  { ...base, id: 11, command: "register", username: "Zoë Brontë", email: "zoe@x.dk", password: "p" },
  { ...base, id: 12, command: "tweet", username: "Roger Histand", content: "“Hi” — it’s 🎉" },
  { ...base, id: 13, command: "follow", username: "Zoë Brontë", target: "Roger Histand" },
  { ...base, id: 14, command: "unfollow", username: "Zoë Brontë", target: "Roger Histand" },
];
const credentials = { username: "simulator", password: "super_safe!" };

describe("runScenario", () => {
  it("sends one request per action, each on its own closed connection, as the course's simulator", async () => {
    const server = await startServer(() => 204);
    // Without credentials: the course's defaults (SIMULATOR_USERNAME / SIMULATOR_PASSWORD unset).
    const stats = await runScenario({ baseUrl: server.url, actions: SCENARIO });

    expect(stats).toMatchObject({ actions: 5, errors: 0, errorsByKind: {} });
    expect(stats.latency.count).toBe(5);
    expect(server.connections()).toBe(5);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "POST /sim/register?latest=10",
      "POST /sim/register?latest=11",
      "POST /sim/msgs/Roger%20Histand?latest=12",
      "POST /sim/fllws/Zo%C3%AB%20Bront%C3%AB?latest=13",
      "POST /sim/fllws/Zo%C3%AB%20Bront%C3%AB?latest=14",
    ]);
    expect(server.requests.map((r) => r.body)).toEqual([
      { username: "Roger Histand", email: "roger@x.dk", pwd: `q"\\'` },
      { username: "Zoë Brontë", email: "zoe@x.dk", pwd: "p" },
      { content: "“Hi” — it’s 🎉" },
      { follow: "Roger Histand" },
      { unfollow: "Roger Histand" },
    ]);
    for (const { headers } of server.requests) {
      expect(headers.connection).toBe("close");
      expect(headers["content-type"]).toBe("application/json");
      expect(headers.authorization).toBe("Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh");
    }
  });

  it("encodes the configured credentials", async () => {
    const server = await startServer(() => 204);
    await runScenario({
      baseUrl: `${server.url}/`,
      actions: SCENARIO.slice(2, 3),
      credentials: { username: "ops", password: "s3cr:t" },
    });
    expect(server.requests[0]?.url).toBe("/sim/msgs/Roger%20Histand?latest=12");
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from("ops:s3cr:t").toString("base64")}`,
    );
  });

  it.each([
    ["register", 204, true],
    ["register", 400, true],
    ["register", 200, false],
    ["register", 500, false],
    ["tweet", 204, true],
    ["tweet", 400, false],
    ["tweet", 200, false],
    ["follow", 404, false],
    ["unfollow", 403, false],
    ["unfollow", 204, true],
  ] as const)("counts %s answered %d as %s", async (command, status, ok) => {
    const server = await startServer(() => status);
    const errors: ActionError[] = [];
    const actions = SCENARIO.filter((a) => a.command === command).slice(0, 1);
    const stats = await runScenario({
      baseUrl: server.url,
      actions,
      credentials,
      onError: (e) => errors.push(e),
    });
    expect(stats.errors).toBe(ok ? 0 : 1);
    expect(errors.map((e) => [e.latest, e.kind, e.command, e.host])).toEqual(
      ok ? [] : [[actions[0]?.id, String(status), command, server.url]],
    );
  });

  it("counts a slow answer as a time-out, without retrying, and carries on", async () => {
    const server = await startServer((seen) =>
      seen.url.includes("latest=12") ? { status: 204, delayMs: 600 } : 204,
    );
    const errors: ActionError[] = [];
    const stats = await runScenario({
      baseUrl: server.url,
      actions: SCENARIO,
      credentials,
      onError: (e) => errors.push(e),
    });
    expect(stats.errors).toBe(1);
    expect(stats.errorsByKind).toEqual({ ReadTimeout: 1 });
    expect(errors[0]).toMatchObject({ latest: 12, kind: "ReadTimeout", command: "tweet" });
    expect(server.requests).toHaveLength(5);
    expect(stats.latency.count).toBe(4);
    expect(stats.latency.max).toBeLessThan(300);
  });

  it("counts a refused connection as a connection error", async () => {
    const server = await startServer(() => 204);
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
    const stats = await runScenario({ baseUrl: server.url, actions: SCENARIO.slice(0, 2), credentials });
    expect(stats.errorsByKind).toEqual({ ConnectionError: 2 });
  });

  it("replays K copies at once with distinct users, emails and latest ids", async () => {
    const server = await startServer(() => 204);
    const stats = await runScenario({ baseUrl: server.url, actions: SCENARIO, credentials, concurrency: 3 });
    expect(stats.actions).toBe(15);
    expect(server.connections()).toBe(15);
    const latest = server.requests.map((r) => Number(new URL(r.url, "http://x").searchParams.get("latest")));
    expect(new Set(latest).size).toBe(15);
    const registrations = server.requests.flatMap((r) => (r.url.startsWith("/sim/register") ? [r.body] : []));
    expect(registrations).toContainEqual({
      username: "Roger Histand c2",
      email: "roger+c2@x.dk",
      pwd: `q"\\'`,
    });
    expect(new Set(registrations.map((b) => (b as { username: string }).username)).size).toBe(6);
    expect(server.requests.map((r) => r.body)).toContainEqual({ follow: "Roger Histand c3" });
    expect(server.requests.map((r) => r.url)).toContain("/sim/msgs/Roger%20Histand%20c1?latest=36");
  });

  it("replays only the first N actions with --limit", async () => {
    const server = await startServer(() => 204);
    const stats = await runScenario({ baseUrl: server.url, actions: SCENARIO, credentials, limit: 2 });
    expect(stats.actions).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it("waits the recorded delays divided by the speed-up", async () => {
    const server = await startServer(() => 204);
    const actions = SCENARIO.slice(2, 4).map((a) => ({ ...a, delayMs: 10_000 }));
    const stats = await runScenario({ baseUrl: server.url, actions, credentials, speedup: 100 });
    expect(stats.durationMs).toBeGreaterThanOrEqual(195);
    const fast = await runScenario({ baseUrl: server.url, actions, credentials });
    expect(fast.durationMs).toBeLessThan(150);
  });
});
