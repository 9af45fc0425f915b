import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { pgConfigFromUrl } from "../../db/pg-config";

import type { ThrowawayPostgres } from "../../db/throwaway-server";
import { newAuthSecret, send, startDatabase, startInstance, waitFor, type Instance } from "./cluster";
import { APP_ROLE, createAppRole, holdEverySlot, type SlotHold } from "./slots";

/**
 * A PostgreSQL server out of connection slots ("sorry, too many clients already", SQLSTATE 53300),
 * for real: a throwaway server with few slots, every one of them taken by other clients and the app's
 * own connections ended, so each connection the app opens is refused. Every path must answer as for a
 * stopped database, at once: a 503 error page on the web, 503 JSON on /sim, a GraphQL error coded
 * UNAVAILABLE with HTTP 503, /readyz 503 with its reason; never a 500. Then back without a restart.
 * And the smallest outage: one statement whose connection the server ends while the database stays
 * up, so nothing but that request ever sees a failure.
 */

const SIM_AUTH = `Basic ${Buffer.from("simulator:super_safe!").toString("base64")}`;
const PUBLIC_TIMELINE = JSON.stringify({ query: "{ publicTimeline(first: 5) { edges { node { text } } } }" });
/** Fast failure: far below the pool's 3 s connect timeout and any client's patience. */
const FAST_MS = 2000;

let database: ThrowawayPostgres | undefined;
let instance: Instance | undefined;
let base = "";

const paths = {
  page: () => send(`${base}/public`, { method: "GET" }, 10_000),
  sim: () => send(`${base}/sim/msgs?no=5`, { method: "GET", headers: { authorization: SIM_AUTH } }, 10_000),
  graphql: () =>
    send(
      `${base}/api/graphql`,
      { method: "POST", headers: { "content-type": "application/json" }, body: PUBLIC_TIMELINE },
      10_000,
    ),
  readyz: () => send(`${base}/readyz`, { method: "GET" }, 10_000),
};
/** A well-formed API token that is no one's: looked up in the database before GraphQL runs (else 401). */
const unknownToken = () =>
  send(
    `${base}/api/graphql`,
    {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer mt_${"a".repeat(43)}` },
      body: PUBLIC_TIMELINE,
    },
    10_000,
  );

/** A form, as a browser without the page's script posts it. */
const form = (path: string, fields: Record<string, string>) =>
  send(
    `${base}${path}`,
    {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    },
    10_000,
  );
/** A live-timeline stream (served by the custom server itself, not Next.js). */
const liveStream = () =>
  send(
    `${base}/api/graphql/stream`,
    {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: "subscription { messagePosted(timeline: PUBLIC) { kind } }" }),
    },
    10_000,
  );
const registerForm = (name: string) =>
  form("/register", { username: name, email: `${name}@example.com`, password: "pw", password2: "pw" });
const loginForm = () => form("/login", { username: "before", password: "pw" });

type GraphQLBody = { errors: { message: string; extensions: { code: string } }[] };

function expectUnavailable(graphql: { status: number; body: string; ms: number }, what: string) {
  expect(graphql.status, what).toBe(503);
  expect((JSON.parse(graphql.body) as GraphQLBody).errors[0]).toMatchObject({
    message: expect.stringMatching(/database is unavailable/),
    extensions: { code: "UNAVAILABLE", retryAfterSeconds: 2 },
  });
  expect(graphql.ms).toBeLessThan(FAST_MS);
}

beforeAll(async () => {
  database = await startDatabase({ maxConnections: 20 });
  const appUrl = await createAppRole(database.url);
  instance = await startInstance({ databaseUrl: appUrl, authSecret: newAuthSecret() });
  base = instance.server.url;
}, 180_000);

afterAll(async () => {
  await instance?.server.stop("SIGKILL");
  database?.stop();
});

describe("a database server out of connection slots", () => {
  it("is a 503 on every path while it lasts, and the app recovers by itself", async () => {
    // Everything works, and the app holds pooled connections the hold must end.
    for (const [name, request] of Object.entries(paths)) {
      expect((await request()).status, name).toBe(200);
    }
    expect((await unknownToken()).status).toBe(401);
    expect((await registerForm("before")).status).toBe(303);
    expect((await loginForm()).status).toBe(303);

    let hold: SlotHold | undefined = await holdEverySlot(database!.url);
    try {
      expect(await hold.appConnections()).toBe(0);
      // Twice each: the first meets the ended connections, the second a refused new one.
      for (let round = 0; round < 2; round++) {
        const page = await paths.page();
        expect(page.status, "web page").toBe(503);
        // The error page (app/error.tsx, rendered from the streamed error by the browser).
        expect(page.body).toContain("</html>");
        expect(page.ms).toBeLessThan(FAST_MS);

        const sim = await paths.sim();
        expect(sim.status, "/sim").toBe(503);
        expect(JSON.parse(sim.body)).toMatchObject({
          status: 503,
          error_msg: expect.stringMatching(/unavailable/),
        });
        expect(sim.ms).toBeLessThan(FAST_MS);

        expectUnavailable(await paths.graphql(), "GraphQL");
        // Who is calling cannot be read either: the same answer, not a 500 or a 401.
        expectUnavailable(await unknownToken(), "GraphQL with a token");

        // The stream's slot is counted in the database before it opens: refused as unavailable
        // (a stream backs off longer than a request), never a 500 or a stream that hangs.
        const stream = await liveStream();
        expect(stream.status, "live stream").toBe(503);
        expect(stream.retryAfter, "live stream").toBe("5");
        expect((JSON.parse(stream.body) as GraphQLBody).errors[0]).toMatchObject({
          message: expect.stringMatching(/unavailable/),
          extensions: { code: "UNAVAILABLE" },
        });
        expect(stream.ms).toBeLessThan(FAST_MS);

        for (const post of [await registerForm(`during${round}`), await loginForm()]) {
          expect(post.status, "form post").toBe(503);
          expect(post.body).toContain("cannot reach its database just now");
          expect(post.ms).toBeLessThan(FAST_MS);
        }

        const readyz = await paths.readyz();
        expect(readyz.status, "/readyz").toBe(503);
        expect(JSON.parse(readyz.body)).toEqual({ status: "unavailable", reason: "database unreachable" });
        expect(readyz.ms).toBeLessThan(FAST_MS);
      }
      // Still refused: the hold did not leak a slot to the app.
      expect(await hold.appConnections()).toBe(0);
    } finally {
      await hold?.release();
      hold = undefined;
    }

    expect(await waitFor(async () => (await paths.readyz()).status === 200, 15_000)).toBe(true);
    for (const [name, request] of Object.entries(paths)) {
      expect((await request()).status, name).toBe(200);
    }
    expect((await unknownToken()).status).toBe(401);
    expect(instance!.server.child.exitCode).toBeNull();
  }, 120_000);
});

describe("a connection the server ends under a running statement", () => {
  it("is a 503 for the request it belonged to, though the database is back at once", async () => {
    for (const [name, request] of Object.entries(paths)) {
      expect((await request()).status, name).toBe(200);
    }
    const cutOff = async (request: () => ReturnType<typeof send>) => {
      // The request's statement waits for a lock on the messages, where it is cut off.
      const locker = new pg.Client(pgConfigFromUrl(database!.url));
      await locker.connect();
      try {
        await locker.query("BEGIN");
        await locker.query("LOCK TABLE messages IN ACCESS EXCLUSIVE MODE");
        const answer = request();
        const waiting = `SELECT pid FROM pg_stat_activity WHERE usename = $1 AND wait_event_type = 'Lock'`;
        // pg_stat_activity is read once per transaction unless its snapshot is cleared.
        const isWaiting = async () => {
          await locker.query("SELECT pg_stat_clear_snapshot()");
          return (await locker.query(waiting, [APP_ROLE])).rowCount! > 0;
        };
        expect(await waitFor(isWaiting, 10_000)).toBe(true);
        await locker.query(`SELECT pg_terminate_backend(pid) FROM (${waiting}) AS waiting`, [APP_ROLE]);
        await locker.query("ROLLBACK");
        return await answer;
      } finally {
        await locker.end();
      }
    };

    const page = await cutOff(paths.page);
    expect(page.status, "web page").toBe(503);
    expect(page.body).toContain("</html>");
    const sim = await cutOff(paths.sim);
    expect(sim.status, "/sim").toBe(503);
    expect(JSON.parse(sim.body)).toMatchObject({ status: 503 });
    expectUnavailable(await cutOff(paths.graphql), "GraphQL");
    // Nothing else failed: the next requests are served.
    for (const [name, request] of Object.entries(paths)) {
      expect((await request()).status, name).toBe(200);
    }
  }, 60_000);
});
