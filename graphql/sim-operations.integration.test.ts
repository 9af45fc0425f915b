import { parse } from "graphql";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db/prisma";
import { env } from "@/lib/runtime/env";
import { DomainError } from "@/lib/domain/errors";
import { createMessage, createUser, uniqueName } from "@/e2e/support/fixtures";
import { countQueries } from "@/e2e/support/query-counter";
import { runOperation, runOperationOrThrow } from "./execute";
import {
  SimFollowDocument,
  SimFollowsDocument,
  SimLatestDocument,
  SimPostMessageDocument,
  SimPublicMessagesDocument,
  SimRecordLatestDocument,
  SimRegisterDocument,
  SimUnfollowDocument,
  SimUserMessagesDocument,
} from "./generated/operations";
import { anonymous, signedIn, simulator } from "./test-helpers";

/** The actions' variables when the request carried no `latest`. */
const NO_LATEST = { latest: null };

afterAll(disconnectDb);

async function domainErrorOf(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a domain error");
}

describe("simulator operations, in process", () => {
  it("record and read latest; only the simulator may record", async () => {
    const value = String(9_007_199_254_740_993n + BigInt(Math.floor(Math.random() * 1000)));
    const recorded = await runOperationOrThrow(SimRecordLatestDocument, { value }, simulator());
    expect(recorded.recordLatest.latest).toBe(value);
    expect((await runOperationOrThrow(SimLatestDocument, {}, anonymous())).latest).toBe(value);

    const denied = await runOperation(SimRecordLatestDocument, { value: "1" }, anonymous());
    expect(denied.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const user = await createUser();
    const alsoDenied = await runOperation(SimRecordLatestDocument, { value: "1" }, signedIn(user));
    expect(alsoDenied.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
  });

  it("refuse a latest outside 64 bits as BAD_USER_INPUT", async () => {
    const result = await runOperation(SimRecordLatestDocument, { value: "9223372036854775808" }, simulator());
    expect(result.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
  });

  it("register with the simulator's rules and texts, in the protocol's order", async () => {
    const username = `Roger Histand ${uniqueName()}`;
    const ok = await runOperationOrThrow(
      SimRegisterDocument,
      { username, email: "r@h", password: "x" },
      simulator(),
    );
    expect(ok.register.user.databaseId).toBeGreaterThan(0);

    const cases: [Record<string, string>, string][] = [
      [{ username: "", email: "", password: "" }, "You have to enter a username"],
      [{ username: "a", email: "nope", password: "" }, "You have to enter a valid email address"],
      [{ username: "a", email: "a@b", password: "" }, "You have to enter a password"],
      [{ username, email: "a@b", password: "p" }, "The username is already taken"],
    ];
    for (const [input, message] of cases) {
      const error = await domainErrorOf(
        runOperationOrThrow(
          SimRegisterDocument,
          input as { username: string; email: string; password: string },
          simulator(),
        ),
      );
      expect(error.message).toBe(message);
      expect(error.code).toBe(message.includes("taken") ? "USERNAME_TAKEN" : "BAD_USER_INPUT");
    }
  });

  it("post as a named user, and list public and per-user messages with authors", async () => {
    const author = await createUser({ username: `Zoë ${uniqueName()}` });
    const text = 'Grüße 😀 "quoted" \\ back';
    const posted = await runOperationOrThrow(
      SimPostMessageDocument,
      { username: author.username, text, ...NO_LATEST },
      simulator(),
    );
    expect(posted.postMessage.message.databaseId).toBeGreaterThan(0);

    const mine = await runOperationOrThrow(
      SimUserMessagesDocument,
      { username: author.username, first: 10 },
      simulator(),
    );
    expect(mine.userTimeline.edges).toHaveLength(1);
    const node = mine.userTimeline.edges[0]!.node;
    expect(node).toEqual({
      text,
      pubDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      author: { username: author.username },
    });

    const all = await runOperationOrThrow(SimPublicMessagesDocument, { first: 100 }, simulator());
    expect(all.publicTimeline.edges.map((e) => e.node.text)).toContain(text);
  });

  it("answer USER_NOT_FOUND for unknown users on every per-user operation", async () => {
    const ghost = uniqueName("ghost");
    const known = await createUser();
    const attempts = [
      () => runOperationOrThrow(SimUserMessagesDocument, { username: ghost, first: 10 }, simulator()),
      () =>
        runOperationOrThrow(
          SimPostMessageDocument,
          { username: ghost, text: "hi", ...NO_LATEST },
          simulator(),
        ),
      () => runOperationOrThrow(SimFollowsDocument, { username: ghost, first: 10 }, simulator()),
      () =>
        runOperationOrThrow(
          SimFollowDocument,
          { username: ghost, target: known.username, ...NO_LATEST },
          simulator(),
        ),
      () =>
        runOperationOrThrow(
          SimFollowDocument,
          { username: known.username, target: ghost, ...NO_LATEST },
          simulator(),
        ),
      () =>
        runOperationOrThrow(
          SimUnfollowDocument,
          { username: known.username, target: ghost, ...NO_LATEST },
          simulator(),
        ),
    ];
    for (const attempt of attempts) expect((await domainErrorOf(attempt())).code).toBe("USER_NOT_FOUND");
  });

  it("follow, list and unfollow by name, idempotently", async () => {
    const a = await createUser();
    const b = await createUser();
    const c = await createUser();
    for (const target of [b.username, c.username, b.username]) {
      await runOperationOrThrow(
        SimFollowDocument,
        { username: a.username, target, ...NO_LATEST },
        simulator(),
      );
    }
    const follows = await runOperationOrThrow(
      SimFollowsDocument,
      { username: a.username, first: 100 },
      simulator(),
    );
    expect(follows.userFollowing.edges.map((e) => e.node.username)).toEqual([b.username, c.username]);

    await runOperationOrThrow(
      SimUnfollowDocument,
      { username: a.username, target: b.username, ...NO_LATEST },
      simulator(),
    );
    await runOperationOrThrow(
      SimUnfollowDocument,
      { username: a.username, target: b.username, ...NO_LATEST },
      simulator(),
    );
    const after = await runOperationOrThrow(
      SimFollowsDocument,
      { username: a.username, first: 1 },
      simulator(),
    );
    expect(after.userFollowing.edges.map((e) => e.node.username)).toEqual([c.username]);
  });

  it("refuse acting as someone else to anyone but the simulator", async () => {
    const a = await createUser();
    const b = await createUser();
    const asUser = await runOperation(
      SimPostMessageDocument,
      { username: b.username, text: "x", ...NO_LATEST },
      signedIn(a),
    );
    expect(asUser.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const asAnon = await runOperation(
      SimFollowDocument,
      { username: a.username, target: b.username, ...NO_LATEST },
      anonymous(),
    );
    expect(asAnon.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
  });

  it("cost one statement per action once the names are known, and per list, none in a transaction", async () => {
    const a = await createUser();
    const b = await createUser();
    for (let i = 0; i < 40; i++) await createMessage(i % 2 ? a.id : b.id, `m${i}`);
    const post = () =>
      runOperationOrThrow(
        SimPostMessageDocument,
        { username: a.username, text: "one", ...NO_LATEST },
        simulator(),
      );
    const follow = () =>
      runOperationOrThrow(
        SimFollowDocument,
        { username: a.username, target: b.username, ...NO_LATEST },
        simulator(),
      );
    const unfollow = () =>
      runOperationOrThrow(
        SimUnfollowDocument,
        { username: a.username, target: b.username, ...NO_LATEST },
        simulator(),
      );
    // Names not seen before: one look-up for both users, then the write.
    expect((await countQueries(follow)).queries).toHaveLength(2);
    // Then the write alone; a page and its authors in one batch (Prisma's `include`); the
    // single-statement raw look-ups by name.
    const cases: [number, () => Promise<unknown>][] = [
      [1, post],
      [1, follow],
      [1, unfollow],
      // Nothing to delete: the names are checked in the database.
      [2, unfollow],
      [1, () => runOperationOrThrow(SimFollowsDocument, { username: a.username, first: 100 }, simulator())],
      [
        1,
        () => runOperationOrThrow(SimUserMessagesDocument, { username: a.username, first: 100 }, simulator()),
      ],
      [2, () => runOperationOrThrow(SimPublicMessagesDocument, { first: 100 }, simulator())],
      [1, () => runOperationOrThrow(SimRecordLatestDocument, { value: "7" }, simulator())],
      [1, () => runOperationOrThrow(SimLatestDocument, {}, simulator())],
    ];
    for (const [expected, run] of cases) {
      const { queries } = await countQueries(run);
      expect(queries).toHaveLength(expected);
      expect(queries).not.toContain("BEGIN");
    }
  });

  it("record `latest` in the action's own statement, and not at all when the action fails", async () => {
    const a = await createUser();
    const b = await createUser();
    const latestOf = async () => (await runOperationOrThrow(SimLatestDocument, {}, simulator())).latest;
    const cases: [string, () => Promise<unknown>][] = [
      [
        "4242",
        () =>
          runOperationOrThrow(
            SimFollowDocument,
            { username: a.username, target: b.username, latest: "4242" },
            simulator(),
          ),
      ],
      // Already followed: skipped, not failed, so the recording stands.
      [
        "4243",
        () =>
          runOperationOrThrow(
            SimFollowDocument,
            { username: a.username, target: b.username, latest: "4243" },
            simulator(),
          ),
      ],
      [
        "4244",
        () =>
          runOperationOrThrow(
            SimPostMessageDocument,
            { username: a.username, text: "with latest", latest: "4244" },
            simulator(),
          ),
      ],
      [
        "4245",
        () =>
          runOperationOrThrow(
            SimUnfollowDocument,
            { username: a.username, target: b.username, latest: "4245" },
            simulator(),
          ),
      ],
    ];
    // Each action is one statement, latest included, once the names are known (a post, below).
    for (const [value, run] of cases) {
      const { queries } = await countQueries(run);
      expect(queries.at(-1)).toMatch(/simulator_state[\s\S]*(messages|follows)/);
      expect(await latestOf()).toBe(value);
    }
    const { queries } = await countQueries(() =>
      runOperationOrThrow(
        SimPostMessageDocument,
        { username: a.username, text: "again", latest: "4246" },
        simulator(),
      ),
    );
    expect(queries).toHaveLength(1);

    // A failed action records nothing (the protocol layer then records `latest` on its own).
    const failed = await runOperation(
      SimPostMessageDocument,
      { username: uniqueName("ghost"), text: "hi", latest: "4343" },
      simulator(),
    );
    expect(failed.errors?.[0]?.extensions.code).toBe("USER_NOT_FOUND");
    expect(await latestOf()).toBe("4246");

    // Only the simulator may send one.
    const ownPost = parse(
      'mutation { postMessage(input: { text: "x", latest: "1" }) { message { databaseId } } }',
    );
    const denied = await runOperation(ownPost, {}, signedIn(b));
    expect(denied.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    expect(await latestOf()).toBe("4246");
  });

  it("let the simulator page beyond 100, up to its configured cap", async () => {
    const page = await runOperation(SimPublicMessagesDocument, { first: 1000 }, simulator());
    expect(page.errors).toBeUndefined();
    const tooMany = await runOperation(
      SimPublicMessagesDocument,
      { first: env().simMaxPageSize + 1 },
      simulator(),
    );
    expect(tooMany.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    const web = await runOperation(SimPublicMessagesDocument, { first: 101 }, anonymous());
    expect(web.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "first" });
  });
});
