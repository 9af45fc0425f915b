import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../db/prisma";
import { DomainError } from "./errors";
import { createMessage, createUser, uniqueName } from "../../e2e/support/fixtures";
import { follow } from "./follows";
import {
  homeTimeline,
  MAX_MESSAGE_LENGTH,
  postMessage,
  publicTimeline,
  setFlagged,
  userTimeline,
  userTimelineByUsername,
} from "./messages";
import { decodeMessageCursor, encodeMessageCursor } from "./pagination";

afterAll(disconnectDb);

async function errorOf(promise: Promise<unknown>): Promise<DomainError | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  return undefined;
}

describe("postMessage", () => {
  it("stores the text byte for byte, by id or by username", async () => {
    const author = await createUser({ username: `Zoë ${uniqueName()}` });
    const text = "  «Grüße» 😀 <b>bold</b>\n\ttabs and a trailing space ";
    const byId = await postMessage({ id: author.id }, text);
    const byName = await postMessage({ username: author.username }, text);
    expect(byId.text).toBe(text);
    expect(byName.text).toBe(text);
    expect(byName.authorId).toBe(author.id);
    const page = await userTimeline(author.id, { size: 10 });
    expect(page.rows.map((m) => m.text)).toEqual([text, text]);
  });

  it("posts as a user whose name was remembered, deleted and registered again", async () => {
    const username = uniqueName("again");
    const first = await createUser({ username });
    await postMessage({ username }, "one");
    await db().user.delete({ where: { id: first.id } });
    expect((await errorOf(postMessage({ username }, "gone")))?.code).toBe("USER_NOT_FOUND");
    const second = await createUser({ username });
    await postMessage({ username }, "two");
    const again = await createUser({ username: uniqueName("again") });
    await postMessage({ username: again.username }, "warm");
    await db().user.delete({ where: { id: again.id } });
    const renewed = await createUser({ username: again.username });
    // The remembered id is gone: the foreign key says so, and the name is looked up again.
    expect((await postMessage({ username: again.username }, "three")).authorId).toBe(renewed.id);
    expect((await userTimeline(second.id, { size: 10 })).rows.map((m) => m.text)).toEqual(["two"]);
  });

  it("answers USER_NOT_FOUND for an unknown author", async () => {
    expect((await errorOf(postMessage({ username: uniqueName("ghost") }, "hi")))?.code).toBe(
      "USER_NOT_FOUND",
    );
  });

  it("refuses empty, whitespace-only, oversize and NUL texts", async () => {
    const author = await createUser();
    for (const text of ["", "  \n\t", "x".repeat(MAX_MESSAGE_LENGTH + 1), "a\u0000b"]) {
      const error = await errorOf(postMessage({ id: author.id }, text));
      expect(error?.code).toBe("BAD_USER_INPUT");
      expect(error?.field).toBe("text");
    }
    // The limit counts characters, not UTF-16 units: 5000 emoji fit.
    expect((await postMessage({ id: author.id }, "😀".repeat(MAX_MESSAGE_LENGTH))).text).toHaveLength(10_000);
  });
});

describe("timelines", () => {
  it("order by time then insertion, and page without gaps or duplicates while messages arrive", async () => {
    const author = await createUser();
    const sameTime = new Date("2020-01-01T00:00:00.000Z");
    const ids: number[] = [];
    for (let i = 0; i < 25; i++)
      ids.push(await createMessage(author.id, `m${i}`, i < 10 ? sameTime : undefined));
    const expected = [...ids.slice(10).reverse(), ...ids.slice(0, 10).reverse()];

    const seen: number[] = [];
    let after = null;
    for (;;) {
      const page = await userTimeline(author.id, { size: 4, after });
      seen.push(...page.rows.map((m) => m.id));
      // New messages keep arriving at the top while we page.
      await createMessage(author.id, "late");
      if (!page.hasNextPage) break;
      const last = page.rows.at(-1);
      if (!last) throw new Error("non-empty page expected");
      after = decodeMessageCursor(encodeMessageCursor(last));
    }
    expect(seen).toEqual(expected);
  });

  it("hide flagged messages from every list", async () => {
    const author = await createUser();
    const reader = await createUser();
    await follow({ id: reader.id }, author.username);
    const keep = await createMessage(author.id, "keep");
    const hide = await createMessage(author.id, "hide");
    expect(await setFlagged([hide], true)).toEqual([hide]);

    const lists = [
      (await userTimeline(author.id, { size: 10 })).rows,
      (await userTimelineByUsername(author.username, { size: 10 })).rows,
      (await homeTimeline(reader.id, { size: 10 })).rows,
      (await publicTimeline({ size: 100 })).rows.filter((m) => m.authorId === author.id),
    ];
    for (const rows of lists) expect(rows.map((m) => m.id)).toEqual([keep]);

    await setFlagged([hide], false);
    expect((await userTimeline(author.id, { size: 10 })).rows.map((m) => m.id)).toEqual([hide, keep]);
  });

  it("home timeline: own messages and followed users' only, newest first", async () => {
    const me = await createUser();
    const friend = await createUser();
    const stranger = await createUser();
    await follow({ id: me.id }, friend.username);
    const a = await createMessage(me.id, "mine");
    await createMessage(stranger.id, "not for me");
    const b = await createMessage(friend.id, "friend's");
    const page = await homeTimeline(me.id, { size: 10 });
    expect(page.rows.map((m) => m.id)).toEqual([b, a]);
    expect(page.rows[0]?.author.username).toBe(friend.username);
  });

  it("home timeline stays exact when many of the newest messages are flagged", async () => {
    const me = await createUser();
    const friend = await createUser();
    await follow({ id: me.id }, friend.username);
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) ids.push(await createMessage(friend.id, `f${i}`));
    await setFlagged(ids.slice(20), true);
    const page = await homeTimeline(me.id, { size: 5 });
    expect(page.rows.map((m) => m.id)).toEqual(ids.slice(15, 20).reverse());
    expect(page.hasNextPage).toBe(true);
    await setFlagged(ids.slice(0, 20), true);
    expect(await homeTimeline(me.id, { size: 5 })).toEqual({ rows: [], hasNextPage: false });
  });

  it("home timeline stays exact when one prolific author fills the page", async () => {
    const me = await createUser();
    const prolific = await createUser();
    await follow({ id: me.id }, prolific.username);
    // Many quiet authors make each author's share of the page small, so few keys are read per author.
    const old: number[] = [];
    for (let i = 0; i < 10; i++) {
      const quiet = await createUser();
      await follow({ id: me.id }, quiet.username);
      old.push(await createMessage(quiet.id, `q${i}`, new Date(Date.UTC(2020, 0, 1 + i))));
    }
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) ids.push(await createMessage(prolific.id, `p${i}`));
    const seen: number[] = [];
    let after = null;
    for (;;) {
      const page = await homeTimeline(me.id, { size: 20, after });
      seen.push(...page.rows.map((m) => m.id));
      const last = page.rows.at(-1);
      if (!page.hasNextPage || !last) break;
      after = { pubDate: last.pubDate, id: last.id };
    }
    expect(seen).toEqual([...ids.reverse(), ...old.reverse()]);
  });

  it("home timeline pages through several authors without gaps", async () => {
    const me = await createUser();
    const expected: number[] = [];
    for (let f = 0; f < 3; f++) {
      const friend = await createUser();
      await follow({ id: me.id }, friend.username);
      for (let i = 0; i < 4; i++) expected.push(await createMessage(friend.id, `f${f}m${i}`));
    }
    const seen: number[] = [];
    let after = null;
    for (;;) {
      const page = await homeTimeline(me.id, { size: 5, after });
      seen.push(...page.rows.map((m) => m.id));
      const last = page.rows.at(-1);
      if (!page.hasNextPage || !last) break;
      after = { pubDate: last.pubDate, id: last.id };
    }
    expect(seen).toEqual(expected.reverse());
  });

  it("by username: USER_NOT_FOUND for an unknown name, an empty page for a silent user", async () => {
    expect((await errorOf(userTimelineByUsername(uniqueName("ghost"), { size: 5 })))?.code).toBe(
      "USER_NOT_FOUND",
    );
    const silent = await createUser();
    expect(await userTimelineByUsername(silent.username, { size: 5 })).toEqual({
      rows: [],
      hasNextPage: false,
    });
  });
});
