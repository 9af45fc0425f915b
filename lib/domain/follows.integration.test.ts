import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../db/prisma";
import { DomainError } from "./errors";
import { createUser, uniqueName } from "../../e2e/support/fixtures";
import {
  follow,
  followedAmong,
  followerCounts,
  followers,
  following,
  followingByUsername,
  followingCounts,
  unfollow,
} from "./follows";

afterAll(disconnectDb);

async function rowsBetween(a: number, b: number): Promise<number> {
  return db().follow.count({ where: { followerId: a, followeeId: b } });
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof DomainError ? `${error.code}:${error.field ?? ""}` : String(error);
  }
  return undefined;
}

describe("follow / unfollow", () => {
  it("are idempotent, also when duplicates race", async () => {
    const a = await createUser();
    const b = await createUser();
    await Promise.all(Array.from({ length: 8 }, () => follow({ username: a.username }, b.username)));
    expect(await rowsBetween(a.id, b.id)).toBe(1);
    await Promise.all(Array.from({ length: 8 }, () => unfollow({ id: a.id }, b.username)));
    expect(await rowsBetween(a.id, b.id)).toBe(0);
    // Unfollowing someone not followed succeeds.
    expect((await unfollow({ id: a.id }, b.username)).id).toBe(b.id);
  });

  it("act on the user a name belongs to now, after it was deleted and registered again", async () => {
    const a = await createUser();
    const name = uniqueName("again");
    const old = await createUser({ username: name });
    await follow({ username: a.username }, name);
    await db().user.delete({ where: { id: old.id } });
    // The remembered id is gone: unknown, not a silent success.
    expect(await codeOf(follow({ username: a.username }, name))).toBe("USER_NOT_FOUND:username");
    expect(await codeOf(unfollow({ username: a.username }, name))).toBe("USER_NOT_FOUND:username");
    const renewed = await createUser({ username: name });
    await follow({ username: a.username }, name);
    expect(await rowsBetween(a.id, renewed.id)).toBe(1);
    const again = await createUser({ username: uniqueName("again") });
    await follow({ username: a.username }, again.username);
    await db().user.delete({ where: { id: again.id } });
    const back = await createUser({ username: again.username });
    await db().follow.create({ data: { followerId: a.id, followeeId: back.id } });
    // Remembered id stale, the new user followed: the unfollow still removes the new user's row.
    await unfollow({ username: a.username }, again.username);
    expect(await rowsBetween(a.id, back.id)).toBe(0);
  });

  it("allow following yourself, as the original did", async () => {
    const a = await createUser();
    await follow({ id: a.id }, a.username);
    expect(await rowsBetween(a.id, a.id)).toBe(1);
  });

  it("tell which side is unknown", async () => {
    const a = await createUser();
    expect(await codeOf(follow({ username: uniqueName("ghost") }, a.username))).toBe("USER_NOT_FOUND:");
    expect(await codeOf(follow({ username: a.username }, uniqueName("ghost")))).toBe(
      "USER_NOT_FOUND:username",
    );
    expect(await codeOf(unfollow({ username: a.username }, uniqueName("ghost")))).toBe(
      "USER_NOT_FOUND:username",
    );
  });
});

describe("follow lists", () => {
  it("page through whom a user follows and who follows them, with counts", async () => {
    const me = await createUser();
    const others = [await createUser(), await createUser(), await createUser()];
    for (const other of others) await follow({ id: me.id }, other.username);
    await follow({ id: others[0]!.id }, me.username);

    const first = await following(me.id, { size: 2 });
    expect(first.hasNextPage).toBe(true);
    const rest = await following(me.id, { size: 2, after: first.rows.at(-1)?.id });
    expect([...first.rows, ...rest.rows].map((u) => u.id)).toEqual(others.map((u) => u.id));
    expect(rest.hasNextPage).toBe(false);

    expect((await followers(me.id, { size: 10 })).rows.map((u) => u.id)).toEqual([others[0]!.id]);
    expect((await followingCounts([me.id, others[1]!.id])).get(me.id)).toBe(3);
    expect((await followerCounts([me.id])).get(me.id)).toBe(1);
    expect([...(await followedAmong(me.id, [others[1]!.id, me.id]))]).toEqual([others[1]!.id]);
  });

  it("by username: USER_NOT_FOUND for an unknown name, empty for a user who follows nobody", async () => {
    expect(await codeOf(followingByUsername(uniqueName("ghost"), { size: 5 }))).toBe("USER_NOT_FOUND:");
    const loner = await createUser();
    expect(await followingByUsername(loner.username, { size: 5 })).toEqual({ rows: [], hasNextPage: false });
    const fan = await createUser();
    await follow({ id: fan.id }, loner.username);
    const page = await followingByUsername(fan.username, { size: 5 });
    expect(page.rows.map((u) => u.username)).toEqual([loner.username]);
  });
});
