import { describe, expect, it } from "vitest";
import { FollowPlanner, MessagePlanner, messageIdsInOriginalOrder, planUsers, readPubDate } from "./plan";
import type { LegacyMessage, LegacyUser } from "./source";

const SCRYPT = `scrypt:32768:8:1$salt$${"ab".repeat(64)}`;
const PBKDF2 = `pbkdf2:sha256:600000$salt$${"ab".repeat(32)}`;

function user(
  userId: number,
  username: string | null,
  pwHash: string | null = SCRYPT,
  email: string | null = "e@x",
): LegacyUser {
  return { userId, username, email, pwHash };
}

describe("planUsers", () => {
  it("keeps names, emails and hashes, and counts the hash formats", () => {
    const plan = planUsers(
      [user(1, "alice"), user(2, "bob", PBKDF2), user(3, "eve", "plain$$pw", null)],
      ["carol"],
    );
    expect(plan.users).toEqual([
      { legacyId: 1, username: "alice", email: "e@x", pwHash: SCRYPT },
      { legacyId: 2, username: "bob", email: "e@x", pwHash: PBKDF2 },
      { legacyId: 3, username: "eve", email: "", pwHash: "plain$$pw" },
    ]);
    expect(plan.collisions).toEqual([]);
    expect(plan.invalid).toEqual([]);
    expect(Object.fromEntries(plan.hashFormats)).toEqual({ scrypt: 1, "pbkdf2:sha256": 1, unsupported: 1 });
    expect(plan.missingEmails).toBe(1);
  });

  it("finds collisions case-insensitively with existing users, earlier rows and reserved names", () => {
    const decomposed = "A\u030Angstr\u00f6m"; // Å as A + combining ring
    const plan = planUsers(
      [
        user(1, "Dave"),
        user(2, "alice"),
        user(3, "ALICE"),
        user(4, decomposed),
        user(5, "Login"),
        user(6, "dave_2"),
      ],
      ["dave", "\u00c5ngstr\u00f6m"],
    );
    expect(plan.collisions.map((c) => [c.legacyId, c.with, c.renamedTo])).toEqual([
      [1, { kind: "existing", username: "dave" }, "Dave_3"],
      [3, { kind: "file", legacyId: 2 }, "ALICE_2"],
      [4, { kind: "existing", username: "\u00c5ngstr\u00f6m" }, `${decomposed}_2`],
      [5, { kind: "reserved" }, "Login_2"],
    ]);
    // The renamed users are imported under the new names; the rest as they were.
    expect(plan.users.map((u) => u.username)).toEqual([
      "Dave_3",
      "alice",
      "ALICE_2",
      `${decomposed}_2`,
      "Login_2",
      "dave_2",
    ]);
    const keys = plan.users.map((u) => u.username.normalize("NFC").toLowerCase());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("keeps a renamed name within the length limit", () => {
    const long = "x".repeat(64);
    const plan = planUsers([user(1, long)], [long]);
    expect(plan.collisions[0]?.renamedTo).toBe(`${"x".repeat(62)}_2`);
  });

  it("refuses names the app cannot hold", () => {
    const plan = planUsers(
      [
        user(1, ""),
        user(2, "   "),
        user(3, null),
        user(4, "bell\u0007"),
        user(5, "y".repeat(65)),
        user(6, "ok", SCRYPT, "a\u0000@x"),
        user(7, "fine"),
      ],
      [],
    );
    expect(plan.invalid.map((u) => [u.legacyId, u.problem])).toEqual([
      [1, "it is empty"],
      [2, "it is empty"],
      [3, "it is empty"],
      [4, "it contains control characters"],
      [5, "it is longer than 64 characters"],
      [6, "its email address contains a NUL character"],
    ]);
    expect(plan.users.map((u) => u.username)).toEqual(["fine"]);
  });
});

describe("FollowPlanner", () => {
  it("keeps each pair once between known users, self-follows included, and counts the rest", () => {
    const planner = new FollowPlanner(
      new Map([
        [1, 101],
        [2, 102],
      ]),
    );
    const rows = [
      { who: 1, whom: 2 },
      { who: 1, whom: 2 },
      { who: 2, whom: 1 },
      { who: 2, whom: 2 },
      { who: 1, whom: 9 },
      { who: 9, whom: 1 },
      { who: null, whom: 1 },
      { who: "1", whom: 2 },
    ];
    expect(rows.map((row) => planner.add(row))).toEqual([
      { followerId: 101, followeeId: 102 },
      null,
      { followerId: 102, followeeId: 101 },
      { followerId: 102, followeeId: 102 },
      null,
      null,
      null,
      null,
    ]);
    expect(planner.stats).toEqual({ total: 8, imported: 3, duplicates: 1, dangling: 4 });
  });
});

describe("MessagePlanner", () => {
  const importTime = new Date("2026-12-01T12:00:00Z");
  const message = (over: Partial<LegacyMessage>): LegacyMessage => ({
    messageId: 1,
    authorId: 1,
    text: "hello",
    pubDate: 1_600_000_000,
    flagged: 0,
    ...over,
  });

  it("keeps texts, times and flags; hides what the original's `flagged = 0` hid", () => {
    const planner = new MessagePlanner(new Map([[1, 7]]), (id) => id + 1000, importTime);
    expect(planner.add(message({}))).toEqual({
      id: 1001,
      authorId: 7,
      text: "hello",
      pubDate: new Date(1_600_000_000_000),
      flagged: false,
    });
    expect(planner.add(message({ messageId: 2, flagged: 1 }))?.flagged).toBe(true);
    expect(planner.add(message({ messageId: 3, flagged: null }))?.flagged).toBe(true);
    expect(planner.add(message({ messageId: 4, flagged: 2 }))?.flagged).toBe(true);
    expect(planner.add(message({ messageId: 5, flagged: "0" }))?.flagged).toBe(true);
    expect(planner.add(message({ messageId: 6, pubDate: null }))?.pubDate).toEqual(importTime);
    expect(planner.add(message({ messageId: 7, pubDate: "yesterday" }))?.pubDate).toEqual(importTime);
    expect(planner.add(message({ messageId: 8, authorId: 2 }))).toBeNull();
    expect(planner.add(message({ messageId: 9, text: null }))).toBeNull();
    expect(planner.add(message({ messageId: 10, text: "a\u0000b\u0000" }))?.text).toBe("ab");
    expect(planner.stats).toEqual({
      total: 10,
      imported: 8,
      hidden: 4,
      unusualFlags: 3,
      unknownAuthor: 1,
      withoutText: 1,
      nulRemoved: 1,
      missingPubDate: 1,
      unreadablePubDate: 1,
    });
  });

  it("drops a message that the order does not place (its author unknown to SQLite's join)", () => {
    const planner = new MessagePlanner(new Map([[1, 7]]), () => undefined, importTime);
    expect(planner.add(message({}))).toBeNull();
    expect(planner.stats.unknownAuthor).toBe(1);
  });
});

describe("readPubDate", () => {
  it("reads Unix seconds as integers, reals or numeric text, within years 1 to 9999", () => {
    expect(readPubDate(0)).toEqual(new Date(0));
    expect(readPubDate(1.5)).toEqual(new Date(1500));
    expect(readPubDate(" 1600000000 ")).toEqual(new Date(1_600_000_000_000));
    expect(readPubDate(-1)).toEqual(new Date(-1000));
    expect(readPubDate(null)).toBe("missing");
    expect(readPubDate("2020-01-01")).toBe("unreadable");
    expect(readPubDate(253_402_300_800)).toBe("unreadable");
    expect(readPubDate(Number.NaN)).toBe("unreadable");
    expect(readPubDate(new Uint8Array([1]))).toBe("unreadable");
  });
});

describe("messageIdsInOriginalOrder", () => {
  it("gives the first message of the original's timeline the highest id", () => {
    const newId = messageIdsInOriginalOrder([30, 10, 20], [5, 6, 9]);
    expect([newId(30), newId(10), newId(20), newId(40), newId(0), newId(-1)]).toEqual([
      9,
      6,
      5,
      undefined,
      undefined,
      undefined,
    ]);
    // Sparse or negative ids, as a hand-edited file may have.
    const sparse = messageIdsInOriginalOrder([-5, 1e9, 7], [1, 2, 3]);
    expect([sparse(-5), sparse(1e9), sparse(7), sparse(8)]).toEqual([3, 2, 1, undefined]);
  });
});
