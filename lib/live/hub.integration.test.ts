import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbPool, disconnectDb } from "../db/prisma";
import { pgConfigFromUrl } from "../db/pg-config";
import { follow } from "../domain/follows";
import { postMessage, setFlagged } from "../domain/messages";
import { decodeMessageCursor, encodeMessageCursor } from "../domain/pagination";
import { createUser } from "../../e2e/support/fixtures";
import { LiveHub, type LiveEvent, type Subscription } from "./hub";
import { listenOnEmbedded, listenOnServer, type Listener } from "./listener";
import { LIVE_CHANNEL } from "./notice";
import { claimStreamSlot } from "./stream-slots";

const url = process.env.DATABASE_URL!;
const embedded = process.env.MINITWIT_EMBEDDED_DB === "1";

let hub: LiveHub;
let listener: Listener;

/** Resolves once the listener is hearing: a probe message reaches a public stream. */
async function listening(target: LiveHub): Promise<void> {
  const probe = target.subscribe({ kind: "public" }, null);
  await target.settled();
  const author = await createUser();
  for (;;) {
    const posted = await postMessage({ id: author.id }, "probe");
    const next = await Promise.race([
      probe.next(),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 200)),
    ]);
    if (next && !next.done && next.value.kind === "POSTED" && next.value.message.id === posted.id) break;
  }
  await probe.return();
}

function connect(target: LiveHub): Listener {
  const handlers = {
    onNotification: (p: string) => target.notify(p),
    onReconnected: () => target.reconnected(),
  };
  return embedded
    ? listenOnEmbedded(dbPool(), LIVE_CHANNEL, handlers)
    : listenOnServer(url, LIVE_CHANNEL, handlers);
}

beforeAll(async () => {
  hub = new LiveHub({ maxCatchUp: 5 });
  listener = connect(hub);
  await listening(hub);
});

afterAll(async () => {
  await listener.close();
  await disconnectDb();
});

async function nextEvent(subscription: Subscription): Promise<LiveEvent> {
  const result = await subscription.next();
  if (result.done) throw new Error("the stream ended");
  return result.value;
}

async function subscribed(
  timeline: Parameters<LiveHub["subscribe"]>[0],
  after: Parameters<LiveHub["subscribe"]>[1] = null,
) {
  const subscription = hub.subscribe(timeline, after);
  await hub.settled();
  return subscription;
}

describe("live timelines", () => {
  it("deliver a committed message to a public stream, with its cursor", async () => {
    const author = await createUser();
    const stream = await subscribed({ kind: "public" });
    const posted = await postMessage({ id: author.id }, "hello, live");
    const event = await nextEvent(stream);
    expect(event).toMatchObject({ kind: "POSTED", message: { id: posted.id, text: "hello, live" } });
    expect(decodeMessageCursor(event.cursor)).toEqual({ pubDate: posted.pubDate, id: posted.id });
    await stream.return();
  });

  it("announce nothing for a write that rolled back", async () => {
    const author = await createUser();
    const stream = await subscribed({ kind: "public" });
    const client = new pg.Client(pgConfigFromUrl(url));
    await client.connect();
    try {
      await client.query("BEGIN");
      await client.query("INSERT INTO messages (author_id, text) VALUES ($1, 'never committed')", [
        author.id,
      ]);
      await client.query("ROLLBACK");
    } finally {
      await client.end();
    }
    const posted = await postMessage({ id: author.id }, "committed");
    expect(await nextEvent(stream)).toMatchObject({ kind: "POSTED", message: { id: posted.id } });
    await stream.return();
  });

  it("never deliver a flagged message, and withdraw one flagged after delivery", async () => {
    const author = await createUser();
    const stream = await subscribed({ kind: "user", authorId: author.id });
    await dbPool().query(
      "INSERT INTO messages (author_id, text, flagged) VALUES ($1, 'born flagged', true)",
      [author.id],
    );
    const posted = await postMessage({ id: author.id }, "soon flagged");
    const first = await nextEvent(stream);
    expect(first).toMatchObject({ kind: "POSTED", message: { id: posted.id } });
    await setFlagged([posted.id], true);
    expect(await nextEvent(stream)).toEqual({
      kind: "WITHDRAWN",
      messageId: posted.id,
      cursor: first.cursor,
    });
    await stream.return();
  });

  it("give a home stream the viewer's and followed users' messages only", async () => {
    const viewer = await createUser();
    const followed = await createUser();
    const stranger = await createUser();
    await follow({ id: viewer.id }, followed.username);
    const stream = await subscribed({ kind: "home", viewerId: viewer.id });
    await postMessage({ id: stranger.id }, "not for the viewer");
    const a = await postMessage({ id: followed.id }, "followed");
    await postMessage({ id: stranger.id }, "not for the viewer either");
    const b = await postMessage({ id: viewer.id }, "own");
    const ids = [];
    for (let i = 0; i < 2; i++) {
      const event = await nextEvent(stream);
      ids.push(event.kind === "POSTED" ? event.message.id : event.kind);
    }
    expect(ids).toEqual([a.id, b.id]);
    await stream.return();
  });

  it("resume from a cursor in order, and tell a stream that missed too much to reload", async () => {
    const author = await createUser();
    const first = await postMessage({ id: author.id }, "seen");
    const missed = [];
    for (let i = 0; i < 3; i++) missed.push(await postMessage({ id: author.id }, `missed ${i}`));
    const cursor = { pubDate: first.pubDate, id: first.id };
    const resumed = await subscribed({ kind: "user", authorId: author.id }, cursor);
    for (const message of missed) {
      expect(await nextEvent(resumed)).toMatchObject({ kind: "POSTED", message: { id: message.id } });
    }
    // The missed messages' notices arrive too, after the catch-up: they are not given twice.
    const live = await postMessage({ id: author.id }, "live again");
    expect(await nextEvent(resumed)).toMatchObject({ kind: "POSTED", message: { id: live.id } });
    await resumed.return();

    for (let i = 0; i < 5; i++) await postMessage({ id: author.id }, `more ${i}`);
    const tooFar = await subscribed({ kind: "user", authorId: author.id }, cursor);
    const reload = await nextEvent(tooFar);
    expect(reload.kind).toBe("RELOAD");
    expect(reload.cursor).not.toBe(encodeMessageCursor(cursor));
    await tooFar.return();
  });

  it("cut off a reader whose queue is full", async () => {
    const slowHub = new LiveHub({ maxQueue: 2 });
    const slowListener = connect(slowHub);
    try {
      await listening(slowHub);
      const author = await createUser();
      const stream = slowHub.subscribe({ kind: "user", authorId: author.id }, null);
      // A reader that keeps up shows when the slow one has been offered every message.
      const reader = slowHub.subscribe({ kind: "user", authorId: author.id }, null);
      await slowHub.settled();
      for (let i = 0; i < 3; i++) {
        const posted = await postMessage({ id: author.id }, `unread ${i}`);
        expect(await nextEvent(reader)).toMatchObject({ message: { id: posted.id } });
      }
      await expect(stream.next()).rejects.toMatchObject({ name: "StreamClosed", reason: "slow" });
    } finally {
      await slowListener.close();
    }
  });
});

describe("closing a hub", () => {
  it("ends every stream, also one still catching up, and any opened afterwards", async () => {
    const closing = new LiveHub();
    const caughtUp = closing.subscribe({ kind: "public" }, null);
    await closing.settled();
    const catchingUp = closing.subscribe({ kind: "public" }, null);
    closing.closeAll("shutdown");
    const late = closing.subscribe({ kind: "public" }, null);
    for (const stream of [caughtUp, catchingUp, late]) {
      await expect(stream.next()).rejects.toMatchObject({ name: "StreamClosed", reason: "shutdown" });
    }
    expect(closing.size).toBe(0);
  });
});

describe("stream slots", () => {
  it("hold at most the limit per address and per user, and free a slot when released", async () => {
    const address = `192.0.2.${Math.floor(Math.random() * 250)}`;
    const limits = { perUser: 2, perAddress: 3 };
    const a = await claimStreamSlot({ userKey: "user:-1", address, ...limits });
    const b = await claimStreamSlot({ userKey: "user:-1", address, ...limits });
    expect(await claimStreamSlot({ userKey: "user:-1", address, ...limits })).toBeNull();
    const c = await claimStreamSlot({ userKey: null, address, ...limits });
    expect(await claimStreamSlot({ userKey: null, address, ...limits })).toBeNull();
    await a!.release();
    expect(await claimStreamSlot({ userKey: "user:-1", address, ...limits })).not.toBeNull();
    await Promise.all([b!.release(), c!.release()]);
  });
});
