import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../e2e/harness/server";
import { createTestDatabase, type TestDatabase } from "../db/test-database";
import { withClient } from "../db/pg-config";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../db/throwaway-server";
import { freePort } from "../server/free-port";
import { parseScenario } from "../tools/simulator/scenario";

/**
 * Bad input, as an attacker or a careless client sends it, against the running production build:
 * every case is a clear 4xx (never a 5xx), writes nothing, and leaves the server's error log empty.
 */

const SIM_AUTH = `Basic ${Buffer.from("simulator:super_safe!").toString("base64")}`;
const PASSWORD = "correct horse battery";
/** `m:-8640000000000000:1`: a valid JavaScript date that PostgreSQL's timestamps cannot hold. */
const OUT_OF_RANGE_CURSOR = "bTotODY0MDAwMDAwMDAwMDAwMDox";

let postgres: ThrowawayPostgres | undefined;
let database: TestDatabase;
let server: TestServer;
let adminCookie = "";
let userCookie = "";
let messageId = "";
let csrf = { token: "", cookie: "" };
const suffix = randomBytes(3).toString("hex");
const author = `author${suffix}`;
const carol = `carol${suffix}`;

async function sql<T>(text: string, values: unknown[] = []): Promise<T[]> {
  return withClient(database.url, async (client) => (await client.query(text, values)).rows as T[]);
}

/** What a bad request must not change. */
async function counts(): Promise<Record<string, number>> {
  const [row] = await sql<Record<string, string>>(`SELECT
    (SELECT count(*) FROM users) AS users,
    (SELECT count(*) FROM messages) AS messages,
    (SELECT count(*) FROM messages WHERE flagged) AS flagged,
    (SELECT count(*) FROM follows) AS follows,
    (SELECT count(*) FROM api_tokens) AS api_tokens,
    (SELECT count(*) FROM simulator_state) AS simulator_state`);
  return Object.fromEntries(Object.entries(row ?? {}).map(([name, value]) => [name, Number(value)]));
}

function simRegister(username: string): Promise<Response> {
  return fetch(`${server.url}/sim/register`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: SIM_AUTH },
    body: JSON.stringify({ username, email: "someone@example.test", pwd: PASSWORD }),
  });
}

async function signIn(username: string): Promise<string> {
  const res = await fetch(`${server.url}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url },
    body: new URLSearchParams({ username, password: PASSWORD }),
    redirect: "manual",
  });
  expect(res.status).toBe(303);
  return res.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
}

/** A body sent chunked (no Content-Length to refuse up front), far over every limit. */
const ENDLESS = { chunkedBytes: 2 * 1024 * 1024 } as const;
/** A Content-Length far over every limit, and then a few bytes only: the rest never comes. */
const DECLARED_ONLY = { declaredBytes: 1_000_000_000 } as const;

type Answer = { status: number; headers: http.IncomingHttpHeaders; text: string };

/** One raw request (fetch refuses TRACE and hides the chunked framing). */
function send(
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string | typeof ENDLESS | typeof DECLARED_ONLY,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(target, server.url);
    const req = http.request(
      { host: url.hostname, port: url.port, method, path: `${url.pathname}${url.search}`, headers },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
          if (body !== undefined && typeof body !== "string" && "declaredBytes" in body) req.destroy();
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer to ${method} ${target} in 30 s`)));
    if (body === undefined) {
      req.end();
    } else if (typeof body === "string") {
      req.end(body);
    } else if ("declaredBytes" in body) {
      req.setHeader("content-length", String(body.declaredBytes));
      req.write("a=1&");
    } else {
      // No Content-Length: node sends it chunked. The server may answer (and stop reading) early.
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      let sent = 0;
      const write = () => {
        while (sent < body.chunkedBytes) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", write);
        }
        req.end();
      };
      req.on("response", () => (sent = body.chunkedBytes));
      write();
    }
  });
}

beforeAll(async () => {
  // A real server even when the run is on the embedded database, which serves one connection: the
  // server's pool and this test's own connections must not share one backend session.
  if (!process.env.TEST_DATABASE_URL) postgres = startThrowawayPostgres(await freePort());
  database = await createTestDatabase({
    migrate: false,
    serverUrl: postgres?.url ?? process.env.TEST_DATABASE_URL,
  });
  server = await startTestServer({ databaseUrl: database.url, env: { LOG_LEVEL: "warn" } });
  for (const name of [author, carol]) expect((await simRegister(name)).status).toBe(204);
  const post = await fetch(`${server.url}/sim/msgs/${author}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: SIM_AUTH },
    body: JSON.stringify({ content: "a message to flag" }),
  });
  expect(post.status).toBe(204);
  await sql("UPDATE users SET role = 'ADMIN' WHERE username = $1", [author]);
  adminCookie = await signIn(author);
  userCookie = await signIn(carol);
  const csrfResponse = await fetch(`${server.url}/api/auth/csrf`);
  csrf = {
    token: ((await csrfResponse.json()) as { csrfToken: string }).csrfToken,
    cookie: csrfResponse.headers
      .getSetCookie()
      .map((line) => line.split(";")[0])
      .join("; "),
  };
  const [message] = await sql<{ id: number }>("SELECT id FROM messages ORDER BY id DESC LIMIT 1");
  messageId = Buffer.from(`Message:${message?.id}`).toString("base64url");
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await database?.dispose();
  postgres?.stop();
});

type Case = {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | typeof ENDLESS | typeof DECLARED_ONLY;
  /** The status, and for GraphQL's 200 with errors the error code. */
  status: number;
  code?: string;
  check?: (res: Answer) => void;
};

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { "content-type": "application/x-www-form-urlencoded" };
const JSON_TYPE = { "content-type": "application/json" };
const gql = (query: string) => JSON.stringify({ query });

function cases(): Case[] {
  const origin = { origin: server.url };
  const admin = { ...FORM, ...origin, cookie: adminCookie };
  const sim = { ...JSON_TYPE, authorization: SIM_AUTH };
  const badNames = [
    "admin",
    "Login",
    "..",
    "a/b",
    "line\r\nbreak",
    "evil\u202egnp",
    "zero\u200bwidth",
    "   ",
    " padded ",
    "\u0430dmin",
    "a\u0000b",
  ];
  return [
    // Cursors that decode but name an instant PostgreSQL cannot hold.
    {
      name: "public timeline, out-of-range cursor",
      path: `/public?after=${OUT_OF_RANGE_CURSOR}`,
      status: 400,
    },
    {
      name: "user timeline, out-of-range cursor",
      path: `/${author}?after=${OUT_OF_RANGE_CURSOR}`,
      status: 400,
    },
    { name: "timeline, garbage cursor", path: "/public?after=%%%", status: 400 },
    {
      name: "GraphQL, out-of-range cursor",
      method: "POST",
      path: "/api/graphql",
      headers: JSON_TYPE,
      body: gql(`{ publicTimeline(after: "${OUT_OF_RANGE_CURSOR}") { edges { cursor } } }`),
      status: 200,
      code: "BAD_USER_INPUT",
    },
    {
      name: "GraphQL, out-of-range cursor on a user",
      method: "POST",
      path: "/api/graphql",
      headers: JSON_TYPE,
      body: gql(
        `{ user(username: "${author}") { messages(after: "${OUT_OF_RANGE_CURSOR}") { edges { cursor } } } }`,
      ),
      status: 200,
      code: "BAD_USER_INPUT",
    },
    // Control characters in form fields.
    {
      name: "sign-in with NUL in the username",
      method: "POST",
      path: "/login",
      headers: { ...FORM, ...origin },
      body: "username=a%00b&password=x",
      status: 400,
      check: (res) => expect(res.text).toContain("control character"),
    },
    {
      name: "sign-up with a control character",
      method: "POST",
      path: "/register",
      headers: { ...FORM, ...origin },
      body: form({ username: "bell\u0007", email: "a@b.test", password: PASSWORD, password2: PASSWORD }),
      status: 400,
    },
    {
      name: "a message with NUL",
      method: "POST",
      path: "/add_message",
      headers: { ...FORM, ...origin, cookie: userCookie },
      body: "text=hello%00world",
      status: 400,
    },
    {
      // next-auth answers every failed sign-in with a redirect to the sign-in page and its reason.
      name: "next-auth's sign-in with NUL",
      method: "POST",
      path: "/api/auth/callback/credentials",
      headers: { ...FORM, cookie: csrf.cookie },
      body: `username=a%00b&password=x&csrfToken=${encodeURIComponent(csrf.token)}`,
      status: 302,
      check: (res) => expect(res.headers.location).toMatch(/\/login\?error=/),
    },
    {
      name: "next-auth's sign-in without its CSRF token",
      method: "POST",
      path: "/api/auth/callback/credentials",
      headers: FORM,
      body: "username=a&password=x",
      status: 302,
    },
    // Methods nobody serves.
    ...["TRACE", "PROPFIND", "PUT", "DELETE", "PATCH"].map((method): Case => ({
      name: `${method} on a page`,
      method,
      path: "/public",
      status: 405,
      check: (res) => expect(res.headers.allow).toBe("GET, HEAD, POST"),
    })),
    { name: "TRACE on the API", method: "TRACE", path: "/api/graphql", status: 405 },
    {
      name: "PUT on a simulator route",
      method: "PUT",
      path: "/sim/msgs",
      headers: { authorization: SIM_AUTH },
      status: 405,
      check: (res) => expect(res.headers.allow).toBe("GET, HEAD"),
    },
    // Return paths: never a header-unsafe value, never another origin.
    ...["/\n/x", "/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/"].map(
      (next): Case => ({
        name: `unflag with next=${JSON.stringify(next)}`,
        method: "POST",
        path: "/api/web/unflag",
        headers: admin,
        body: form({ id: messageId, next }),
        status: 303,
        check: (res) => expect(res.headers.location).toBe("/public"),
      }),
    ),
    // Bodies over their limit, chunked (no Content-Length to refuse up front).
    ...[
      ["/api/graphql", JSON_TYPE],
      ["/api/graphql/stream", { ...JSON_TYPE, accept: "text/event-stream" }],
      ["/login", { ...FORM, ...origin }],
      ["/register", { ...FORM, ...origin }],
      ["/add_message", { ...FORM, ...origin, cookie: userCookie }],
      ["/api/auth/callback/credentials", FORM],
      ["/sim/register", sim],
      [`/sim/msgs/${author}`, sim],
    ].map(([route, headers]): Case => ({
      name: `a 2 MiB chunked body to ${route as string}`,
      method: "POST",
      path: route as string,
      headers: headers as Record<string, string>,
      body: ENDLESS,
      status: 413,
    })),
    // A body declared far over its limit that never arrives: refused within the drain's time bound,
    // not held until the server's time-outs (the client's limit here is 30 s).
    ...[
      ["/api/graphql", JSON_TYPE],
      ["/login", { ...FORM, ...origin }],
      ["/api/auth/callback/credentials", FORM],
      [`/sim/msgs/${author}`, sim],
    ].map(([route, headers]): Case => ({
      name: `a declared 1 GB body that never comes, to ${route as string}`,
      method: "POST",
      path: route as string,
      headers: headers as Record<string, string>,
      body: DECLARED_ONLY,
      status: 413,
      check: (res) => {
        expect(res.headers.connection).toBe("close");
        if ((route as string).startsWith("/sim/"))
          expect(res.text).toBe('{"status": 413, "error_msg": "The request body is larger than 1 MiB"}');
      },
    })),
    // Malformed bodies and paths.
    {
      name: "GraphQL, malformed JSON",
      method: "POST",
      path: "/api/graphql",
      headers: JSON_TYPE,
      body: "{",
      status: 400,
    },
    {
      name: "simulator, malformed JSON",
      method: "POST",
      path: "/sim/register",
      headers: sim,
      body: "{",
      status: 400,
    },
    { name: "an undecodable path", path: "/sim/msgs/%FF", headers: { authorization: SIM_AUTH }, status: 400 },
    // Usernames nobody may register, through the simulator and the web alike.
    ...badNames.map((username): Case => ({
      name: `/sim/register ${JSON.stringify(username)}`,
      method: "POST",
      path: "/sim/register",
      headers: sim,
      body: JSON.stringify({ username, email: "a@b.test", pwd: PASSWORD }),
      status: 400,
    })),
    {
      name: "/sim/register a case variant of a taken name",
      method: "POST",
      path: "/sim/register",
      headers: sim,
      body: JSON.stringify({ username: carol.toUpperCase(), email: "a@b.test", pwd: PASSWORD }),
      status: 400,
      check: (res) =>
        expect(JSON.parse(res.text)).toEqual({ status: 400, error_msg: "The username is already taken" }),
    },
    {
      name: "/register a case variant of a taken name",
      method: "POST",
      path: "/register",
      headers: { ...FORM, ...origin, accept: "application/json" },
      body: form({ username: `Carol${suffix}`, email: "a@b.test", password: PASSWORD, password2: PASSWORD }),
      status: 422,
      check: (res) => expect(JSON.parse(res.text)).toMatchObject({ error: "The username is already taken" }),
    },
    {
      name: "/register a Cyrillic look-alike",
      method: "POST",
      path: "/register",
      headers: { ...FORM, ...origin, accept: "application/json" },
      body: form({ username: "\u0430dmin", email: "a@b.test", password: PASSWORD, password2: PASSWORD }),
      status: 422,
    },
  ];
}

describe("bad input", () => {
  it("is answered as expected (4xx, never a 5xx) in every case, changes nothing and logs no error", async () => {
    const before = await counts();
    const logStart = server.output().length;
    const results: { name: string; status: number; code?: string }[] = [];
    for (const c of cases()) {
      const res = await send(c.method ?? "GET", c.path, c.headers, c.body);
      let code: string | undefined;
      if (c.code !== undefined) {
        const body = JSON.parse(res.text) as { errors?: { extensions?: { code?: string } }[] };
        code = body.errors?.[0]?.extensions?.code;
      }
      c.check?.(res);
      results.push({ name: c.name, status: res.status, ...(c.code === undefined ? {} : { code }) });
    }
    expect(results).toEqual(
      cases().map((c) => ({
        name: c.name,
        status: c.status,
        ...(c.code === undefined ? {} : { code: c.code }),
      })),
    );
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    expect(await counts()).toEqual(before);
    const errors = server
      .output()
      .slice(logStart)
      .split("\n")
      .filter((line) => /"level":"(error|fatal)"/.test(line));
    expect(errors).toEqual([]);
  }, 120_000);
});

describe("observability", () => {
  it("logs and counts a request that claims to be the warm-up", async () => {
    const metric = async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return text
        .split("\n")
        .filter((l) => l.startsWith("minitwit_http_requests_total{") && l.includes('route="/healthz"'))
        .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
    };
    const before = await metric();
    const logStart = server.output().length;
    const res = await fetch(`${server.url}/healthz?hidden=${suffix}`, {
      headers: { "x-minitwit-warm-up": "1" },
    });
    expect(res.status).toBe(200);
    // Counted when the response has gone out, which may be just after the client has it.
    await expect.poll(metric).toBe(before + 1);
    // Requests below warn are not logged at this level; the count is what a blinding would hide.
    expect(server.output().slice(logStart)).not.toContain("error");
  });
});

// The course's scenario (beside the repository, as for `npm run bench:sim`): every name it uses must
// register and work, with the protocol's exact answers.
const SCENARIO = path.resolve(process.cwd(), "..", "shared", "data", "minitwit_scenario.csv");

describe.runIf(existsSync(SCENARIO))("the scenario's usernames", () => {
  it("all register, post, follow and are found, and none a second time in another case", async () => {
    const actions = existsSync(SCENARIO) ? parseScenario(readFileSync(SCENARIO, "utf8")) : [];
    const names = actions.flatMap((a) => (a.command === "register" ? [a.username] : []));
    expect(names.length).toBeGreaterThan(100);
    const statuses = new Map<string, number>();
    for (let i = 0; i < names.length; i += 8) {
      await Promise.all(
        names.slice(i, i + 8).map(async (name) => {
          const res = await simRegister(name);
          statuses.set(name, res.status);
          if (res.status !== 204) console.error(name, res.status, await res.text());
        }),
      );
    }
    const failed = [...statuses].filter(([, status]) => status !== 204);
    if (failed.length > 0) console.error(server.output().slice(-3000));
    expect(failed).toEqual([]);

    const [first, second] = names as [string, string];
    const call = (method: string, route: string, body?: unknown) =>
      fetch(`${server.url}/sim${route}`, {
        method,
        headers: { "content-type": "application/json", authorization: SIM_AUTH },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await call("POST", `/msgs/${encodeURIComponent(first)}`, { content: "hello" })).status).toBe(204);
    expect((await call("POST", `/fllws/${encodeURIComponent(first)}`, { follow: second })).status).toBe(204);
    const follows = (await (await call("GET", `/fllws/${encodeURIComponent(first)}`)).json()) as {
      follows: string[];
    };
    expect(follows.follows).toContain(second);
    const messages = (await (await call("GET", `/msgs/${encodeURIComponent(first)}`)).json()) as {
      user: string;
    }[];
    expect(messages.map((m) => m.user)).toContain(first);

    const again = await simRegister(first.toUpperCase());
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ status: 400, error_msg: "The username is already taken" });
  }, 300_000);
});
