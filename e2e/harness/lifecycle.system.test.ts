import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { tsEntry } from "../../lib/tools/cli/ts-entry";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { withClient } from "../../lib/db/pg-config";
import { startTestServer, tempDir, type TestServer } from "./server";

const SIM_AUTH = { Authorization: `Basic ${Buffer.from("simulator:super_safe!").toString("base64")}` };

/** Where the running server's embedded database is served (from its data-folder lock). */
function embeddedUrl(dataDir: string): string {
  return (JSON.parse(readFileSync(path.join(dataDir, "pglite.lock"), "utf8")) as { url: string }).url;
}

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []) {
  return withClient(url, async (client) => (await client.query<T>(text, values)).rows);
}

describe("server lifecycle", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("is ready on the run's database", async () => {
    const res = await fetch(`${process.env.MINITWIT_TEST_URL}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready" });
    const live = await fetch(`${process.env.MINITWIT_TEST_URL}/healthz`);
    expect(await live.json()).toEqual({ status: "ok" });
  });

  it("keeps the embedded database's data across a restart, and refuses a second owner", async () => {
    const data = await tempDir("minitwit-restart-");
    cleanups.push(data.remove);
    const first = await startTestServer({ dataDir: data.dir });
    cleanups.push(() => first.stop());
    await sql(
      embeddedUrl(data.dir),
      `INSERT INTO users (username, email, pw_hash) VALUES ('restart-kept', 'a@b', 'x')`,
    );

    const second = await startTestServer({ dataDir: data.dir }).then(
      (server) => server,
      (error: Error) => error,
    );
    expect(second).toBeInstanceOf(Error);
    expect((second as Error).message).toMatch(/is in use by process/);

    expect(await first.stop()).toBe(0);
    expect(first.output()).toMatch(/"msg":"stopped"/);
    const again = await startTestServer({ dataDir: data.dir });
    cleanups.push(() => again.stop());
    const rows = await sql<{ username: string }>(
      embeddedUrl(data.dir),
      `SELECT username FROM users WHERE username = 'restart-kept'`,
    );
    expect(rows).toEqual([{ username: "restart-kept" }]);
  });

  it("reports not-ready with a JSON reason when the database goes away", async () => {
    const database = await startEmbeddedPostgres({});
    cleanups.push(() => database.stop());
    const server = await startTestServer({ databaseUrl: database.url });
    cleanups.push(() => server.stop("SIGKILL"));
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    await database.stop();
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; reason: string };
    expect(body.status).toBe("unavailable");
    // Generic for the caller; the driver's detail (hosts, ports) goes to the log only.
    expect(body.reason).toBe("database unreachable");
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|port/);
    await expect.poll(() => server.output()).toMatch(/"msg":"readiness check: database unreachable"/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("reports not-ready while draining on SIGTERM, then exits cleanly", async () => {
    const data = await tempDir("minitwit-drain-");
    cleanups.push(data.remove);
    const server = await startTestServer({ dataDir: data.dir, env: { SHUTDOWN_DRAIN_SECONDS: "2" } });
    cleanups.push(() => server.stop("SIGKILL"));
    const exited = server.stop("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unavailable", reason: "server is draining" });
    expect(await exited).toBe(0);
  });

  it("refuses a bad configuration with a message naming the variable", async () => {
    const [command, args] = tsEntry("lib/tools/cli/start.ts");
    const child = spawn(command, args, {
      env: { ...process.env, PORT: "eighty" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(output).toContain('Invalid configuration: PORT must be an integer, got "eighty"');
  });

  it("loses no acknowledged write when stopped with SIGTERM under load", async () => {
    const data = await tempDir("minitwit-sigterm-");
    cleanups.push(data.remove);
    let server: TestServer = await startTestServer({ dataDir: data.dir });
    cleanups.push(() => server.stop("SIGKILL"));
    const user = `sigterm ${Date.now()}`;
    const reg = await fetch(`${server.url}/sim/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: user, email: "s@t.dk", pwd: "x" }),
    });
    expect(reg.status).toBe(204);

    // Writers post until the server stops answering; every 204 is an acknowledgement.
    const acknowledged: string[] = [];
    let stopped = false;
    const writer = async (id: number) => {
      for (let i = 0; !stopped; i++) {
        const text = `w${id}-${i}`;
        try {
          const res = await fetch(`${server.url}/sim/msgs/${encodeURIComponent(user)}`, {
            method: "POST",
            headers: { ...SIM_AUTH, "content-type": "application/json" },
            body: JSON.stringify({ content: text }),
          });
          if (res.status === 204) acknowledged.push(text);
        } catch {
          return; // refused: the listener is closed
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, id) => writer(id));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const exit = await server.stop("SIGTERM");
    stopped = true;
    await Promise.all(writers);
    expect(exit).toBe(0);
    expect(acknowledged.length).toBeGreaterThan(20);

    server = await startTestServer({ dataDir: data.dir });
    const res = await fetch(`${server.url}/sim/msgs/${encodeURIComponent(user)}?no=100000`, {
      headers: SIM_AUTH,
    });
    expect(res.status).toBe(200);
    const stored = new Set(((await res.json()) as { content: string }[]).map((m) => m.content));
    expect(acknowledged.filter((text) => !stored.has(text))).toEqual([]);
  });
});
