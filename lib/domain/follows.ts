import { isForeignKeyViolation, isUniqueViolation, rejectNul } from "../db/guards";
import { db } from "../db/prisma";
import { Prisma } from "../generated/prisma/client";
import { DomainError } from "./errors";
import { countBusinessEvent } from "../observability/metrics";
import type { UserSelector } from "./messages";
import { type Page, toPage } from "./pagination";
import { recordingLatest } from "./simulator";
import { forgetUserIds, userIdsByName } from "./user-ids";
import type { UserRecord } from "./users";

type Pair = { followerId: number; target: { id: number; username: string } };

/**
 * Both users' ids, remembered ones without a query and the rest in one, answering which side was
 * missing. A name may be both (following yourself is allowed, as in the original).
 */
async function pair(follower: UserSelector, targetUsername: string, fresh = false): Promise<Pair> {
  const names = "id" in follower ? [targetUsername] : [follower.username, targetUsername];
  const ids = await userIdsByName(names, { fresh });
  const followerId = "id" in follower ? follower.id : ids.get(follower.username);
  if (followerId === undefined) throw new DomainError("USER_NOT_FOUND", "The user does not exist");
  const targetId = ids.get(targetUsername);
  if (targetId === undefined) {
    throw new DomainError("USER_NOT_FOUND", "The user to follow or unfollow does not exist", "username");
  }
  return { followerId, target: { id: targetId, username: targetUsername } };
}

function forget(follower: UserSelector, targetUsername: string): void {
  forgetUserIds(targetUsername, ...("id" in follower ? [] : [follower.username]));
}

/**
 * The simulator's follow: the INSERT also records its `latest` (lib/domain/simulator.ts), and an
 * existing row is skipped rather than failed, which would roll the recording back. Raw SQL: the model
 * API cannot put a second table's write into the same statement.
 */
async function insertFollowRecordingLatest(followerId: number, followeeId: number, latest: bigint) {
  await db().$executeRaw`${recordingLatest(latest)}
    INSERT INTO follows (follower_id, followee_id) VALUES (${followerId}::int, ${followeeId}::int)
    ON CONFLICT DO NOTHING`;
}

/**
 * Idempotent: following twice leaves one row and succeeds, and concurrent duplicates neither fail
 * nor deadlock: one INSERT, whose unique violation (P2002) means the row is already there.
 * (`createMany` with `skipDuplicates` would wrap the same insert in a transaction: two more round
 * trips.) Following yourself is allowed, as in the original. A user deleted since their id was
 * remembered fails the foreign key (P2003): the names are looked up again, once. With `latest` (the
 * simulator's), the same INSERT records it.
 */
export async function follow(
  follower: UserSelector,
  targetUsername: string,
  options: { latest?: bigint } = {},
): Promise<Pair["target"]> {
  for (let attempt = 0; ; attempt++) {
    const { followerId, target } = await pair(follower, targetUsername, attempt > 0);
    try {
      if (options.latest === undefined) {
        await db().follow.create({
          data: { followerId, followeeId: target.id },
          select: { followerId: true },
        });
      } else {
        await insertFollowRecordingLatest(followerId, target.id, options.latest);
      }
    } catch (error) {
      if (isUniqueViolation(error)) {
        // Already followed.
      } else if (isForeignKeyViolation(error)) {
        if (attempt > 0) throw new DomainError("USER_NOT_FOUND", "The user does not exist");
        forget(follower, targetUsername);
        continue;
      } else {
        throw error;
      }
    }
    countBusinessEvent("follow");
    return target;
  }
}

/**
 * Unfollowing someone not followed succeeds too: the simulator does it all the time. When nothing
 * was deleted, the names are checked in the database (a remembered id may belong to a deleted user).
 * With `latest` (the simulator's), the first DELETE records it: raw SQL, as the model API cannot put
 * a second table's write into the same statement.
 */
export async function unfollow(
  follower: UserSelector,
  targetUsername: string,
  options: { latest?: bigint } = {},
): Promise<Pair["target"]> {
  const remembered = await pair(follower, targetUsername);
  const where = ({ followerId, target }: Pair) => ({ followerId, followeeId: target.id });
  const count =
    options.latest === undefined
      ? (await db().follow.deleteMany({ where: where(remembered) })).count
      : await db().$executeRaw`${recordingLatest(options.latest)}
          DELETE FROM follows
          WHERE follower_id = ${remembered.followerId}::int AND followee_id = ${remembered.target.id}::int`;
  let result = remembered;
  if (count === 0) {
    result = await pair(follower, targetUsername, true);
    const moved = result.followerId !== remembered.followerId || result.target.id !== remembered.target.id;
    // A name registered again since its id was remembered: the follow, if any, is the new user's.
    if (moved) await db().follow.deleteMany({ where: where(result) });
  }
  countBusinessEvent("unfollow");
  return result.target;
}

export type FollowListRequest = { size: number; after?: number | null };

/** Whom the user follows, in the order of the follows primary key (by user id). */
export async function following(userId: number, page: FollowListRequest): Promise<Page<UserRecord>> {
  const rows = await db().follow.findMany({
    where: { followerId: userId, ...(page.after ? { followeeId: { gt: page.after } } : {}) },
    orderBy: { followeeId: "asc" },
    take: page.size + 1,
    select: { followee: true },
  });
  return toPage(
    rows.map((row) => row.followee),
    page.size,
  );
}

/**
 * Whom the named user follows; USER_NOT_FOUND for an unknown name. Raw SQL: one statement (a lateral
 * join) tells an unknown user from one who follows nobody, where the model API needs two queries.
 */
export async function followingByUsername(
  username: string,
  page: FollowListRequest,
): Promise<Page<UserRecord>> {
  rejectNul(username);
  type Row = { ownerId: number } & (
    { [K in keyof UserRecord]: UserRecord[K] } | { [K in keyof UserRecord]: null }
  );
  const after = page.after ? Prisma.sql`AND f.followee_id > ${page.after}::int` : Prisma.empty;
  const rows = await db().$queryRaw<Row[]>`
    SELECT o.id AS "ownerId", u.id, u.username, u.email, u.role::text AS role, u.created_at AS "createdAt"
    FROM users o LEFT JOIN LATERAL (
      SELECT followee_id FROM follows f
      WHERE f.follower_id = o.id ${after}
      ORDER BY f.followee_id LIMIT ${page.size + 1}::int
    ) f ON true
    LEFT JOIN users u ON u.id = f.followee_id
    WHERE o.username = ${username}
    ORDER BY f.followee_id`;
  if (rows.length === 0) throw new DomainError("USER_NOT_FOUND", "The user does not exist");
  const users: UserRecord[] = [];
  for (const { ownerId: _, ...user } of rows) if (user.id !== null) users.push(user);
  return toPage(users, page.size);
}

/** Who follows the user, in the order of the followee index (by user id). */
export async function followers(userId: number, page: FollowListRequest): Promise<Page<UserRecord>> {
  const rows = await db().follow.findMany({
    where: { followeeId: userId, ...(page.after ? { followerId: { gt: page.after } } : {}) },
    orderBy: { followerId: "asc" },
    take: page.size + 1,
    select: { follower: true },
  });
  return toPage(
    rows.map((row) => row.follower),
    page.size,
  );
}

export async function followingCounts(userIds: readonly number[]): Promise<Map<number, number>> {
  const rows = await db().follow.groupBy({
    by: ["followerId"],
    where: { followerId: { in: [...userIds] } },
    _count: { _all: true },
  });
  return new Map(rows.map((row) => [row.followerId, row._count._all]));
}

export async function followerCounts(userIds: readonly number[]): Promise<Map<number, number>> {
  const rows = await db().follow.groupBy({
    by: ["followeeId"],
    where: { followeeId: { in: [...userIds] } },
    _count: { _all: true },
  });
  return new Map(rows.map((row) => [row.followeeId, row._count._all]));
}

/** Which of the given users the follower follows. */
export async function followedAmong(followerId: number, userIds: readonly number[]): Promise<Set<number>> {
  const rows = await db().follow.findMany({
    where: { followerId, followeeId: { in: [...userIds] } },
    select: { followeeId: true },
  });
  return new Set(rows.map((row) => row.followeeId));
}
