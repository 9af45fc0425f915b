import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../e2e/harness/server";
import { createTestDatabase, type TestDatabase } from "../db/test-database";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../db/throwaway-server";
import { withClient } from "../db/pg-config";
import { hashApiToken } from "../domain/tokens";
import { freePort } from "../server/free-port";
import { LIVE_SUBSCRIPTION, liveEvent, openSseStream, type SseStream } from "./sse-client";

/**
 * Live timelines across replicas: two app instances on one PostgreSQL server of the test's own, so
 * that the test may restart it under them.
 */

const SIM_AUTH = `Basic ${Buffer.from("simulator:super_safe!").toString("base64")}`;
const STREAMS_PER_USER = 2;

let server: ThrowawayPostgres;
let database: TestDatabase;
let a: TestServer;
let b: TestServer;

function startReplica(): Promise<TestServer> {
  return startTestServer({
    databaseUrl: database.url,
    env: {
      AUTH_SECRET: "live-system-test-secret-0123456789abcdef",
      MIGRATE_ON_START: "false",
      LOG_LEVEL: "warn",
      LIVE_STREAMS_PER_USER: String(STREAMS_PER_USER),
      LIVE_STREAMS_PER_ADDRESS: "100",
    },
  });
}

beforeAll(async () => {
  server = startThrowawayPostgres(await freePort());
  database = await createTestDatabase({ serverUrl: server.url });
  [a, b] = await Promise.all([startReplica(), startReplica()]);
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await database?.dispose();
  server?.stop();
});

let names = 0;
async function register(): Promise<string> {
  const username = `live_${++names}_${randomBytes(3).toString("hex")}`;
  const res = await fetch(`${a.url}/sim/register`, {
    method: "POST",
    headers: { authorization: SIM_AUTH, "content-type": "application/json" },
    body: JSON.stringify({ username, email: `${username}@example.test`, pwd: "secret" }),
  });
  expect(res.status).toBe(204);
  return username;
}

/** Posts through the simulator protocol; retried while the database is coming back. */
async function post(instance: TestServer, username: string, content: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${instance.url}/sim/msgs/${encodeURIComponent(username)}`, {
      method: "POST",
      headers: { authorization: SIM_AUTH, "content-type": "application/json" },
      body: JSON.stringify({ content }),
    });
    if (res.status === 204) return;
    if (attempt > 50) throw new Error(`posting failed: ${res.status} ${await res.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function followUser(instance: TestServer, follower: string, followee: string): Promise<void> {
  const res = await fetch(`${instance.url}/sim/fllws/${encodeURIComponent(follower)}`, {
    method: "POST",
    headers: { authorization: SIM_AUTH, "content-type": "application/json" },
    body: JSON.stringify({ follow: followee }),
  });
  expect(res.status).toBe(204);
}

/** An API token for the user, written straight into the table (creating one needs a web session). */
async function tokenFor(username: string): Promise<string> {
  const token = `mt_${randomBytes(32).toString("base64url")}`;
  await withClient(database.url, (client) =>
    client.query(
      `INSERT INTO api_tokens (user_id, name, token_hash) SELECT id, 'live test', $2 FROM users WHERE username = $1`,
      [username, hashApiToken(token)],
    ),
  );
  return token;
}

function subscribe(
  instance: TestServer,
  variables: { timeline: "PUBLIC" | "HOME" | "USER"; username?: string },
  headers: Record<string, string> = {},
): Promise<SseStream> {
  return openSseStream(instance.url, { query: LIVE_SUBSCRIPTION, variables }, headers);
}

async function nextPosted(stream: SseStream): Promise<{ text: string; cursor: string; id?: string }> {
  const event = await stream.next();
  const data = liveEvent(event);
  if (data.kind !== "POSTED" || !data.message) throw new Error(`expected POSTED, got ${data.kind}`);
  return { text: data.message.text, cursor: data.cursor, id: event.id };
}

describe("live timelines across two instances", () => {
  it("deliver a message posted through one instance to a stream on the other", async () => {
    const author = await register();
    const stream = await subscribe(b, { timeline: "PUBLIC" });
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toMatch(/^text\/event-stream/);
    await post(a, author, "across replicas");
    const event = await nextPosted(stream);
    expect(event.text).toBe("across replicas");
    // The SSE id is the cursor, so a browser's EventSource resumes by itself.
    expect(event.id).toBe(event.cursor);
    stream.close();
  });

  it("announce nothing for a write that rolled back", async () => {
    const author = await register();
    const stream = await subscribe(b, { timeline: "USER", username: author });
    await withClient(database.url, async (client: pg.Client) => {
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO messages (author_id, text) SELECT id, 'rolled back' FROM users WHERE username = $1`,
        [author],
      );
      await client.query("ROLLBACK");
    });
    await post(a, author, "committed");
    expect((await nextPosted(stream)).text).toBe("committed");
    stream.close();
  });

  it("give a home stream its viewer's and followed users' messages, not others'", async () => {
    const [viewer, followed, stranger] = [await register(), await register(), await register()];
    await followUser(a, viewer, followed);
    const stream = await subscribe(
      b,
      { timeline: "HOME" },
      { authorization: `Bearer ${await tokenFor(viewer)}` },
    );
    expect(stream.status).toBe(200);
    await post(a, stranger, "stranger 1");
    await post(a, followed, "followed");
    await post(b, stranger, "stranger 2");
    await post(a, viewer, "own");
    expect((await nextPosted(stream)).text).toBe("followed");
    expect((await nextPosted(stream)).text).toBe("own");
    stream.close();
  });

  it("refuse a signed-out home stream and an unknown user with 4xx", async () => {
    expect((await subscribe(a, { timeline: "HOME" })).status).toBe(401);
    expect((await subscribe(a, { timeline: "USER", username: "nobody-at-all" })).status).toBe(404);
    const bad = await subscribe(a, { timeline: "PUBLIC" }, { "last-event-id": "not a cursor" });
    expect(bad.status).toBe(400);
  });

  it("withdraw a message flagged after delivery", async () => {
    const author = await register();
    const stream = await subscribe(b, { timeline: "PUBLIC" });
    await post(a, author, "to be flagged");
    const posted = liveEvent(await stream.next());
    await withClient(database.url, (client) =>
      client.query(`UPDATE messages SET flagged = true WHERE id = $1`, [posted.message!.databaseId]),
    );
    const withdrawn = liveEvent(await stream.next());
    expect(withdrawn).toMatchObject({ kind: "WITHDRAWN", withdrawnMessageId: posted.message!.id });
    stream.close();
  });

  it("hold at most the per-user limit of streams across both instances", async () => {
    const user = await register();
    const auth = { authorization: `Bearer ${await tokenFor(user)}` };
    const open = [
      await subscribe(a, { timeline: "HOME" }, auth),
      await subscribe(b, { timeline: "HOME" }, auth),
    ];
    expect(open.map((s) => s.status)).toEqual([200, 200]);
    const refused = await subscribe(a, { timeline: "PUBLIC" }, auth);
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBeDefined();
    open[0]!.close();
    // The slot is freed as the server sees the stream close.
    for (;;) {
      const again = await subscribe(b, { timeline: "PUBLIC" }, auth);
      if (again.status === 200) {
        again.close();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    open[1]!.close();
  });

  it("lose nothing across a database restart, for an open stream and one resuming with Last-Event-ID", async () => {
    const author = await register();
    const open = await subscribe(b, { timeline: "USER", username: author });
    const resuming = await subscribe(a, { timeline: "USER", username: author });
    await post(a, author, "before");
    expect((await nextPosted(open)).text).toBe("before");
    const seen = await nextPosted(resuming);
    resuming.close();

    server.restart();
    await post(a, author, "after 1");
    await post(b, author, "after 2");
    await post(a, author, "after 3");

    const texts = [];
    for (let i = 0; i < 3; i++) texts.push((await nextPosted(open)).text);
    expect(texts).toEqual(["after 1", "after 2", "after 3"]);
    open.close();

    const resumed = await subscribe(b, { timeline: "USER", username: author }, { "last-event-id": seen.id! });
    const replayed = [];
    for (let i = 0; i < 3; i++) replayed.push((await nextPosted(resumed)).text);
    expect(replayed).toEqual(["after 1", "after 2", "after 3"]);
    await post(a, author, "live again");
    expect((await nextPosted(resumed)).text).toBe("live again");
    resumed.close();
  });

  it("close streams with a retry hint, and no `complete`, when an instance shuts down", async () => {
    const stream = await subscribe(b, { timeline: "PUBLIC" });
    const exited = b.stop("SIGTERM");
    await stream.ended;
    // One hint opens every stream; the second came with the shutdown.
    expect(stream.retries).toHaveLength(2);
    await expect(stream.next()).rejects.toThrow("the stream ended");
    expect(await exited).toBe(0);
  });
});
