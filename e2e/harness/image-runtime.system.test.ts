import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../lib/db/test-database";
import { freePort } from "../../lib/server/free-port";
import { exampleMinitwit, writeMinitwitDatabase } from "../support/minitwit-db";
import { LIVE_SUBSCRIPTION, liveEvent, openSseStream, type SseEvent } from "../../lib/live/sse-client";
import { tempDir } from "./server";

const SIM_AUTH = `Basic ${Buffer.from("simulator:super_safe!").toString("base64")}`;

const run = promisify(execFile);

/**
 * The files the container image ships (docker/assemble-runtime.sh, which the Dockerfile runs), started
 * the way the image starts them — `node dist/migrate.mjs`, then `node dist/server.mjs` — without the
 * repository's node_modules. No image can be built here; this checks everything inside one.
 */
describe("the image's runtime files", () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let database: TestDatabase;
  let runtime: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    work = await tempDir("minitwit-runtime-");
    runtime = path.join(work.dir, "app");
    await run("npm", ["run", "--silent", "build:server"]);
    await run("bash", ["docker/assemble-runtime.sh", runtime]);
    database = await createTestDatabase({ migrate: false });
    const port = await freePort();
    env = {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: database.url,
      MINITWIT_EMBEDDED_DB: database.embedded ? "1" : "",
      AUTH_SECRET: randomBytes(32).toString("base64"),
      SIMULATOR_PASSWORD: "super_safe!",
      METRICS_ALLOWED_NETWORKS: "127.0.0.0/8,::1/128",
      MIGRATE_ON_START: "false",
      LOG_LEVEL: "warn",
    };
  }, 180_000);

  afterAll(async () => {
    await database?.dispose();
    await work?.remove();
  });

  it("leave out what the app never loads", () => {
    expect(existsSync(path.join(runtime, "node_modules", "next"))).toBe(true);
    expect(existsSync(path.join(runtime, "node_modules", "sharp"))).toBe(false);
    expect(
      existsSync(path.join(runtime, "node_modules", "@prisma/client/runtime/query_engine_bg.mysql.js")),
    ).toBe(false);
  });

  it("migrate with the one-shot command, import an original MiniTwit database, then serve pages, the simulator API and the health probe", async () => {
    const migrated = await run("node", ["dist/migrate.mjs"], {
      cwd: runtime,
      env: { ...env, LOG_LEVEL: "info" },
    });
    expect(migrated.stdout).toContain("applied migration");
    const legacy = exampleMinitwit("_image");
    const legacyFile = path.join(work.dir, "minitwit.db");
    writeMinitwitDatabase(legacyFile, legacy.spec);
    const imported = await run("node", ["dist/import.mjs", legacyFile], { cwd: runtime, env });
    expect(imported.stdout).toContain(`Imported ${legacyFile} into PostgreSQL at`);
    expect(imported.stdout).toContain("  messages: 44 of 45 imported");

    const server = spawn("node", ["dist/server.mjs"], {
      cwd: runtime,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    server.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => server.once("exit", resolve));
    const base = `http://127.0.0.1:${env.PORT}`;
    try {
      for (let i = 0; ; i++) {
        const ready = await fetch(`${base}/readyz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ready) break;
        if (server.exitCode !== null || i > 600) throw new Error(`server did not become ready:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const probe = await run("node", ["docker/healthcheck.mjs"], { cwd: runtime, env }).then(
        () => 0,
        (error: { code?: number }) => error.code ?? 1,
      );
      expect(probe).toBe(0);

      const registered = await fetch(`${base}/sim/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "image user", email: "i@x.dk", pwd: "p" }),
      });
      expect(registered.status).toBe(204);
      const page = await fetch(`${base}/public`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Public Timeline");
      const form = await fetch(`${base}/register`, {
        method: "POST",
        redirect: "manual",
        body: new URLSearchParams({
          username: "imageweb",
          email: "w@x.dk",
          password: "long enough 1",
          password2: "long enough 1",
        }),
      });
      expect(form.status).toBe(303);
      const signedIn = await fetch(`${base}/login`, {
        method: "POST",
        redirect: "manual",
        body: new URLSearchParams({ username: legacy.names.alice, password: legacy.passwords.alice }),
      });
      expect(signedIn.status).toBe(303);
      expect(signedIn.headers.getSetCookie().join(";")).toContain("authjs.session-token=");

      // The live stream, which the bundled server serves itself (with Next's schema, built by the page
      // above: one graphql-js for both): alice's home stream, signed in by her session cookie. Only on
      // a PostgreSQL server, as the image runs: on the embedded database notifications land on the
      // connection that committed (lib/live/listener.ts), and the bundled server's pool is not the one
      // Next.js's route handlers write through, so it does not see them (open: see the README).
      if (!database.embedded) {
        const cookie = signedIn.headers
          .getSetCookie()
          .map((line) => line.split(";")[0])
          .join("; ");
        const stream = await openSseStream(
          base,
          { query: LIVE_SUBSCRIPTION, variables: { timeline: "HOME" } },
          { cookie },
        );
        expect(stream.status).toBe(200);
        try {
          // The stream joins the fan-out a moment after it opens: post until a message arrives.
          const first = stream.next();
          let event: SseEvent | undefined;
          for (let i = 0; event === undefined; i++) {
            if (i > 20) throw new Error(`no live event:\n${output}`);
            const posted = await fetch(`${base}/sim/msgs/${encodeURIComponent(legacy.names.alice)}`, {
              method: "POST",
              headers: { authorization: SIM_AUTH, "content-type": "application/json" },
              body: JSON.stringify({ content: `live from the image ${i}` }),
            });
            expect(posted.status).toBe(204);
            event = await Promise.race([first, new Promise<undefined>((r) => setTimeout(r, 300))]);
          }
          expect(liveEvent(event).message?.text).toMatch(/^live from the image/);
        } finally {
          stream.close();
        }
      }
    } finally {
      server.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(output).not.toMatch(/"level":"(error|fatal)"/);
  });
});
