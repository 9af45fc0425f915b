import { emptySql, query, sql, type Sql } from "../db/sql";
import { DomainError } from "../errors";
import { countBusinessEvent } from "../observability/metrics";
import type { UserSelector } from "./messages";
import { type Page, toPage } from "./pagination";
import type { UserRecord } from "./users";

type FollowOutcome = {
  followerId: number | null;
  targetId: number | null;
  targetUsername: string | null;
  targetEmail: string | null;
  targetRole: UserRecord["role"] | null;
  targetCreatedAt: Date | null;
};

function selectUser(user: UserSelector): Sql {
  return "id" in user
    ? sql`SELECT id FROM users WHERE id = ${user.id}`
    : sql`SELECT id FROM users WHERE username = ${user.username}`;
}

/**
 * Both lookups and the write in one statement, answering which side was missing. A data-modifying
 * CTE runs exactly once whether or not the final SELECT reads it.
 */
async function changeFollow(follower: UserSelector, targetUsername: string, write: Sql): Promise<UserRecord> {
  const rows = await query<FollowOutcome>(sql`
    WITH a AS (${selectUser(follower)}),
         b AS (SELECT id, username, email, role, created_at FROM users WHERE username = ${targetUsername}),
         w AS (${write})
    SELECT (SELECT id FROM a) AS "followerId", b.id AS "targetId", b.username AS "targetUsername",
           b.email AS "targetEmail", b.role AS "targetRole", b.created_at AS "targetCreatedAt"
    FROM (SELECT 1) one LEFT JOIN b ON true`);
  const row = rows[0];
  if (!row || row.followerId === null) throw new DomainError("USER_NOT_FOUND", "The user does not exist");
  if (row.targetId === null || row.targetUsername === null || row.targetEmail === null) {
    throw new DomainError("USER_NOT_FOUND", "The user to follow or unfollow does not exist", "username");
  }
  return {
    id: row.targetId,
    username: row.targetUsername,
    email: row.targetEmail,
    role: row.targetRole ?? "USER",
    createdAt: row.targetCreatedAt ?? new Date(0),
  };
}

/**
 * Idempotent: following twice leaves one row and succeeds, and concurrent duplicates neither fail
 * nor deadlock (ON CONFLICT DO NOTHING). Following yourself is allowed, as in the original.
 */
export async function follow(follower: UserSelector, targetUsername: string): Promise<UserRecord> {
  const target = await changeFollow(
    follower,
    targetUsername,
    sql`INSERT INTO follows (follower_id, followee_id) SELECT a.id, b.id FROM a, b ON CONFLICT DO NOTHING`,
  );
  countBusinessEvent("follow");
  return target;
}

/** Unfollowing someone not followed succeeds too: the simulator does it all the time. */
export async function unfollow(follower: UserSelector, targetUsername: string): Promise<UserRecord> {
  const target = await changeFollow(
    follower,
    targetUsername,
    sql`DELETE FROM follows f USING a, b WHERE f.follower_id = a.id AND f.followee_id = b.id`,
  );
  countBusinessEvent("unfollow");
  return target;
}

export type FollowListRequest = { size: number; after?: number | null };

type UserRow = UserRecord;
const USER_COLUMNS = sql`u.id, u.username, u.email, u.role, u.created_at AS "createdAt"`;

function afterId(column: Sql, after: number | null | undefined): Sql {
  return after ? sql`AND ${column} > ${after}` : emptySql;
}

/** Whom the user follows, in the order of the follows primary key (by user id). */
export async function following(userId: number, page: FollowListRequest): Promise<Page<UserRecord>> {
  const rows = await query<UserRow>(sql`
    SELECT ${USER_COLUMNS} FROM follows f JOIN users u ON u.id = f.followee_id
    WHERE f.follower_id = ${userId} ${afterId(sql`f.followee_id`, page.after)}
    ORDER BY f.followee_id LIMIT ${page.size + 1}`);
  return toPage(rows, page.size);
}

/** Whom the named user follows; USER_NOT_FOUND for an unknown name, in one statement. */
export async function followingByUsername(
  username: string,
  page: FollowListRequest,
): Promise<Page<UserRecord>> {
  const rows = await query<{ ownerId: number } & { [K in keyof UserRow]: UserRow[K] | null }>(sql`
    SELECT o.id AS "ownerId", ${USER_COLUMNS}
    FROM users o LEFT JOIN LATERAL (
      SELECT followee_id FROM follows f
      WHERE f.follower_id = o.id ${afterId(sql`f.followee_id`, page.after)}
      ORDER BY f.followee_id LIMIT ${page.size + 1}
    ) f ON true
    LEFT JOIN users u ON u.id = f.followee_id
    WHERE o.username = ${username}
    ORDER BY f.followee_id`);
  if (rows.length === 0) throw new DomainError("USER_NOT_FOUND", "The user does not exist");
  const users: UserRecord[] = [];
  for (const row of rows) {
    if (
      row.id !== null &&
      row.username !== null &&
      row.email !== null &&
      row.role !== null &&
      row.createdAt
    ) {
      users.push({
        id: row.id,
        username: row.username,
        email: row.email,
        role: row.role,
        createdAt: row.createdAt,
      });
    }
  }
  return toPage(users, page.size);
}

/** Who follows the user, in the order of the followee index (by user id). */
export async function followers(userId: number, page: FollowListRequest): Promise<Page<UserRecord>> {
  const rows = await query<UserRow>(sql`
    SELECT ${USER_COLUMNS} FROM follows f JOIN users u ON u.id = f.follower_id
    WHERE f.followee_id = ${userId} ${afterId(sql`f.follower_id`, page.after)}
    ORDER BY f.follower_id LIMIT ${page.size + 1}`);
  return toPage(rows, page.size);
}

export async function followingCounts(userIds: readonly number[]): Promise<Map<number, number>> {
  const rows = await query<{ id: number; n: number }>(sql`
    SELECT follower_id AS id, count(*)::int AS n FROM follows
    WHERE follower_id = ANY(${userIds}::int[]) GROUP BY follower_id`);
  return new Map(rows.map((row) => [row.id, row.n]));
}

export async function followerCounts(userIds: readonly number[]): Promise<Map<number, number>> {
  const rows = await query<{ id: number; n: number }>(sql`
    SELECT followee_id AS id, count(*)::int AS n FROM follows
    WHERE followee_id = ANY(${userIds}::int[]) GROUP BY followee_id`);
  return new Map(rows.map((row) => [row.id, row.n]));
}

/** Which of the given users the follower follows. */
export async function followedAmong(followerId: number, userIds: readonly number[]): Promise<Set<number>> {
  const rows = await query<{ id: number }>(sql`
    SELECT followee_id AS id FROM follows
    WHERE follower_id = ${followerId} AND followee_id = ANY(${userIds}::int[])`);
  return new Set(rows.map((row) => row.id));
}
