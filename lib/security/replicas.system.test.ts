import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, tempDir, type TestServer } from "../../e2e/harness/server";
import { createTestDatabase, type TestDatabase } from "../db/test-database";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../db/throwaway-server";
import { withClient } from "../db/pg-config";
import { freePort } from "../server/free-port";

/**
 * Production's topology in small: two app instances on one PostgreSQL database, as replicas behind
 * a balancer. Every protection must hold across them (a limit counted on one binds the other, a
 * session ended on one is ended on both) and across a restart of both. The test client stands where
 * the balancer would: the instances trust loopback as their proxy (TRUST_PROXY) and read the client
 * address from the X-Forwarded-For entry it appends.
 */

const GRAPHQL_LIMIT = 8;
const PASSWORD = "correct horse battery";
const SIM_AUTH = `Basic ${Buffer.from("simulator:super_safe!").toString("base64")}`;

let server: ThrowawayPostgres | undefined;
let database: TestDatabase;
let a: TestServer;
let b: TestServer;
const authSecret = randomBytes(32).toString("base64url");

async function startReplica(): Promise<TestServer> {
  return startTestServer({
    databaseUrl: database.url,
    env: {
      AUTH_SECRET: authSecret,
      MIGRATE_ON_START: "false",
      TRUST_PROXY: "127.0.0.1/32,::1/128",
      GRAPHQL_RATE_LIMIT_PER_MINUTE: String(GRAPHQL_LIMIT),
      LOG_LEVEL: "warn",
    },
  });
}

beforeAll(async () => {
  // A real server even when the rest of the run is on the embedded database, which serves one
  // connection and so cannot stand behind two instances.
  if (!process.env.TEST_DATABASE_URL) server = startThrowawayPostgres(await freePort());
  database = await createTestDatabase({ serverUrl: server?.url ?? process.env.TEST_DATABASE_URL });
  [a, b] = await Promise.all([startReplica(), startReplica()]);
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await database?.dispose();
  server?.stop();
});

async function sql(text: string, values: unknown[] = []): Promise<void> {
  await withClient(database.url, (client: pg.Client) => client.query(text, values));
}

let clients = 0;
/** A client address of its own for each test, so that tests do not share address counters. */
function newAddress(): string {
  clients += 1;
  return `203.0.113.${clients}`;
}

/** A scripted browser: keeps cookies, follows nothing, appears to come from `address`. */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly address: string) {}

  async request(
    instance: TestServer,
    path: string,
    init: {
      method?: string;
      form?: Record<string, string>;
      json?: unknown;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      "x-forwarded-for": this.address,
      ...(this.cookies.size > 0
        ? { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ") }
        : {}),
      ...init.headers,
    };
    let body: string | undefined;
    if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    }
    const response = await fetch(`${instance.url}${path}`, {
      method: init.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      body,
      redirect: "manual",
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, ...rest] = pair!.split("=");
      const value = rest.join("=");
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a),
      );
      if (value === "" || expired) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    return response;
  }

  login(instance: TestServer, username: string, password = PASSWORD): Promise<Response> {
    return this.request(instance, "/login", { form: { username, password } });
  }

  /** next-auth's own sign-in endpoint, as its client library uses it. */
  async loginThroughNextAuth(instance: TestServer, username: string, password = PASSWORD): Promise<Response> {
    const csrf = (await (await this.request(instance, "/api/auth/csrf")).json()) as { csrfToken: string };
    return this.request(instance, "/api/auth/callback/credentials", {
      form: { username, password, csrfToken: csrf.csrfToken, callbackUrl: "/" },
    });
  }

  async viewer(instance: TestServer): Promise<string | null> {
    const res = await this.request(instance, "/api/graphql", { json: { query: "{ viewer { username } }" } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { viewer: { username: string } | null } };
    return body.data.viewer?.username ?? null;
  }

  hasSession(): boolean {
    return [...this.cookies.keys()].some((name) => name.includes("session-token"));
  }

  /** The cookies as they are now, replayed later from another address (a stolen copy). */
  copy(): Browser {
    const copy = new Browser(newAddress());
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }
}

async function newUser(prefix: string): Promise<string> {
  const username = `${prefix}${randomBytes(4).toString("hex")}`;
  const res = await fetch(`${a.url}/sim/register`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: SIM_AUTH },
    body: JSON.stringify({ username, email: `${username}@example.test`, pwd: PASSWORD }),
  });
  expect(res.status).toBe(204);
  return username;
}

describe("two instances on one database", () => {
  it("share the sign-in throttle per account, through /login and next-auth's endpoint alike", async () => {
    const victim = await newUser("victim");
    // Five wrong passwords from five places, spread over both instances and both routes.
    for (let i = 0; i < 5; i++) {
      const guesser = new Browser(newAddress());
      const res =
        i % 2 === 0
          ? await guesser.login(i % 4 === 0 ? a : b, victim, `guess ${i}`)
          : await guesser.loginThroughNextAuth(i % 4 === 1 ? b : a, victim, `guess ${i}`);
      expect(res.status).not.toBe(429);
      expect(guesser.hasSession()).toBe(false);
    }
    // Now even the right password is refused, on either instance and either route.
    const owner = new Browser(newAddress());
    const refused = await owner.login(b, victim);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toContain("Too many failed sign-in attempts");
    const viaNextAuth = await owner.loginThroughNextAuth(a, victim);
    expect(viaNextAuth.headers.get("location")).toMatch(/\/login\?error=CredentialsSignin&code=throttled/);
    expect(owner.hasSession()).toBe(false);
    expect(await owner.viewer(a)).toBeNull();
  });

  it("share the sign-in throttle per address, and a spoofed X-Forwarded-For resets nothing", async () => {
    const sprayer = newAddress();
    // Four guesses at each of five accounts: no account reaches its own limit of five.
    const accounts = await Promise.all(Array.from({ length: 5 }, () => newUser("spray")));
    for (let i = 0; i < 20; i++) {
      const res = await new Browser(sprayer).login(i % 2 ? a : b, accounts[i % 5]!, `guess ${i}`);
      expect(res.status).toBe(303);
    }
    const target = await newUser("target");
    expect((await new Browser(sprayer).login(a, target)).status).toBe(429);
    // The client writes what it likes on the left; the proxy appends what it saw on the right.
    for (const spoofed of ["spoofed", "127.0.0.1", "spoofed, 127.0.0.1", "198.51.100.99"]) {
      const res = await new Browser(`${spoofed}, ${sprayer}`).login(b, target);
      expect(res.status).toBe(429);
    }
    const elsewhere = new Browser(newAddress());
    expect((await elsewhere.login(b, target)).status).toBe(303);
    expect(await elsewhere.viewer(a)).toBe(target);
  });

  it("end a signed-out session on both, including copies refreshed before, and after a restart of both", async () => {
    const username = await newUser("session");
    const browser = new Browser(newAddress());
    expect((await browser.login(a, username)).headers.get("location")).toBe("/");
    expect(await browser.viewer(b)).toBe(username);
    // A copy taken now, and one refreshed through next-auth (a new token, a new jti) on the other instance.
    const copied = browser.copy();
    const refreshed = browser.copy();
    const session = await refreshed.request(b, "/api/auth/session");
    expect(((await session.json()) as { viewer?: { username: string } }).viewer?.username).toBe(username);
    expect(refreshed.cookies).not.toEqual(copied.cookies);
    // A second, independent session of the same user, which is not signed out.
    const other = new Browser(newAddress());
    await other.login(b, username);

    expect((await browser.request(a, "/logout", { form: {} })).status).toBe(303);
    expect(browser.hasSession()).toBe(false);
    for (const replay of [copied, refreshed]) {
      expect(await replay.viewer(a)).toBeNull();
      expect(await replay.viewer(b)).toBeNull();
      const home = await replay.request(b, "/");
      expect(home.headers.get("location")).toMatch(/\/public$/);
    }
    expect(await other.viewer(a)).toBe(username);

    await Promise.all([a.stop(), b.stop()]);
    [a, b] = await Promise.all([startReplica(), startReplica()]);
    expect(await copied.viewer(a)).toBeNull();
    expect(await refreshed.viewer(b)).toBeNull();
    expect(await other.viewer(b)).toBe(username);
  });

  it("read the role on each request: a demoted admin cannot flag on the next one", async () => {
    const username = await newUser("admin");
    await sql(`UPDATE users SET role = 'ADMIN' WHERE username = $1`, [username]);
    const admin = new Browser(newAddress());
    await admin.login(a, username);
    const posted = await admin.request(b, "/add_message", { form: { text: `flag me ${username}` } });
    expect(posted.status).toBe(303);
    const timeline = (await (
      await admin.request(a, "/api/graphql", {
        json: { query: `{ user(username: "${username}") { messages(first: 1) { edges { node { id } } } } }` },
      })
    ).json()) as { data: { user: { messages: { edges: { node: { id: string } }[] } } } };
    const id = timeline.data.user.messages.edges[0]!.node.id;

    const flag = (instance: TestServer) =>
      admin.request(instance, "/api/web/flag", { form: { id, next: "/public" } });
    const unflag = (instance: TestServer) =>
      admin.request(instance, "/api/web/unflag", { form: { id, next: "/public" } });
    expect((await flag(b)).status).toBe(303);
    expect((await unflag(a)).status).toBe(303);

    await sql(`UPDATE users SET role = 'USER' WHERE username = $1`, [username]);
    expect((await flag(a)).status).toBe(403);
    expect((await flag(b)).status).toBe(403);
    const mutation = await admin.request(b, "/api/graphql", {
      json: { query: `mutation { flagMessage(input: { id: "${id}" }) { message { id } } }` },
    });
    expect(
      ((await mutation.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe("FORBIDDEN");
    // Deleting the account ends its sessions at once, too.
    await sql(`DELETE FROM users WHERE username = $1`, [username]);
    expect(await admin.viewer(a)).toBeNull();
  });

  it("share the GraphQL budget of a client address, and a spoofed X-Forwarded-For resets nothing", async () => {
    const client = newAddress();
    const query = { json: { query: "{ __typename }" } };
    for (let i = 0; i < GRAPHQL_LIMIT; i++) {
      expect((await new Browser(client).request(i % 2 ? a : b, "/api/graphql", query)).status).toBe(200);
    }
    for (const instance of [a, b]) {
      const res = await new Browser(client).request(instance, "/api/graphql", query);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    for (const spoofed of ["spoofed", "spoofed, 127.0.0.1", "198.51.100.98"]) {
      expect((await new Browser(`${spoofed}, ${client}`).request(a, "/api/graphql", query)).status).toBe(429);
    }
    expect((await new Browser(newAddress()).request(b, "/api/graphql", query)).status).toBe(200);
  });

  it("share the GraphQL budget of a signed-in user, wherever they call from", async () => {
    const username = await newUser("budget");
    const browser = new Browser(newAddress());
    await browser.login(a, username);
    const query = { json: { query: "{ viewer { username } }" } };
    for (let i = 0; i < GRAPHQL_LIMIT; i++) {
      const from = new Browser(newAddress());
      for (const [name, value] of browser.cookies) from.cookies.set(name, value);
      expect((await from.request(i % 2 ? a : b, "/api/graphql", query)).status).toBe(200);
    }
    expect((await browser.request(b, "/api/graphql", query)).status).toBe(429);
  });
});

/**
 * A request through the proxy from a loopback address of its own (127.0.0.x): the proxy sees that
 * address, as it would see a client's.
 */
function viaProxy(
  port: number,
  from: string,
  options: { path: string; headers?: Record<string, string>; form?: Record<string, string>; json?: unknown },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const body = options.form
    ? new URLSearchParams(options.form).toString()
    : options.json === undefined
      ? undefined
      : JSON.stringify(options.json);
  const type = options.form ? "application/x-www-form-urlencoded" : "application/json";
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        localAddress: from,
        path: options.path,
        method: body === undefined ? "GET" : "POST",
        headers: { ...(body === undefined ? {} : { "content-type": type }), ...options.headers },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.once("error", reject);
    req.end(body);
  });
}

const caddyInstalled = spawnSync("caddy", ["version"]).status === 0;

describe.skipIf(!caddyInstalled && !process.env.CI)(
  "behind the deployment's proxy (docker/caddy/Caddyfile)",
  () => {
    let proxy: ChildProcess;
    let port: number;
    let state: Awaited<ReturnType<typeof tempDir>>;

    beforeAll(async () => {
      port = await freePort();
      state = await tempDir("minitwit-caddy-");
      proxy = spawn(
        "caddy",
        ["run", "--config", path.join("docker", "caddy", "Caddyfile"), "--adapter", "caddyfile"],
        {
          env: {
            ...process.env,
            MINITWIT_SITE_ADDRESS: `http://127.0.0.1:${port}`,
            MINITWIT_UPSTREAM: "127.0.0.1",
            MINITWIT_UPSTREAM_PORT: String(a.port),
            // Caddy's own state (none is written for a plain-HTTP site) stays out of $HOME.
            XDG_DATA_HOME: state.dir,
            XDG_CONFIG_HOME: state.dir,
          },
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          if ((await viaProxy(port, "127.0.0.1", { path: "/readyz" })).status === 200) break;
        } catch {
          // not listening yet
        }
        if (proxy.exitCode !== null || Date.now() > deadline) throw new Error("caddy did not start");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }, 60_000);

    afterAll(async () => {
      if (proxy && proxy.exitCode === null) {
        const exited = new Promise((resolve) => proxy.once("exit", resolve));
        proxy.kill("SIGTERM");
        await exited;
      }
      await state?.remove();
    });

    it("gives the app the address it saw: whatever a client writes in X-Forwarded-For resets nothing", async () => {
      const accounts = await Promise.all(Array.from({ length: 5 }, () => newUser("proxied")));
      for (let i = 0; i < 20; i++) {
        const res = await viaProxy(port, "127.0.0.21", {
          path: "/login",
          headers: { "x-forwarded-for": `198.51.100.${i}, 127.0.0.1` },
          form: { username: accounts[i % 5]!, password: `guess ${i}` },
        });
        expect(res.status).toBe(303);
      }
      const target = await newUser("proxied");
      for (const spoofed of ["spoofed, 127.0.0.1", "127.0.0.1", "198.51.100.200"]) {
        const res = await viaProxy(port, "127.0.0.21", {
          path: "/login",
          headers: { "x-forwarded-for": spoofed },
          form: { username: target, password: PASSWORD },
        });
        expect(res.status).toBe(429);
      }
      const other = await viaProxy(port, "127.0.0.22", {
        path: "/login",
        form: { username: target, password: PASSWORD },
      });
      expect(other.status).toBe(303);
      expect(other.headers.location).toBe("/");
    });

    it("shares one GraphQL budget per client address through the proxy", async () => {
      const query = { path: "/api/graphql", json: { query: "{ __typename }" } };
      for (let i = 0; i < GRAPHQL_LIMIT; i++) {
        const res = await viaProxy(port, "127.0.0.23", {
          ...query,
          headers: { "x-forwarded-for": `10.9.9.${i}` },
        });
        expect(res.status).toBe(200);
      }
      const spoofed = await viaProxy(port, "127.0.0.23", {
        ...query,
        headers: { "x-forwarded-for": "spoofed, 127.0.0.1" },
      });
      expect(spoofed.status).toBe(429);
      expect((await viaProxy(port, "127.0.0.24", query)).status).toBe(200);
    });

    it("keeps /metrics off the public side and sends no HSTS over plain HTTP", async () => {
      expect((await viaProxy(port, "127.0.0.25", { path: "/metrics" })).status).toBe(404);
      const page = await viaProxy(port, "127.0.0.25", { path: "/public" });
      expect(page.status).toBe(200);
      expect(page.headers["strict-transport-security"]).toBeUndefined();
    });
  },
);
