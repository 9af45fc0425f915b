import { db } from "../db/prisma";
import { Prisma } from "../generated/prisma/client";
import { findMessagesByIds, type MessageRecord } from "../domain/messages";
import type { MessageKey } from "../domain/pagination";
import { compareKeys } from "./notice";

/** What a live stream follows: everyone's messages, a viewer's home timeline, or one author's. */
export type LiveTimeline =
  { kind: "public" } | { kind: "home"; viewerId: number } | { kind: "user"; authorId: number };

/**
 * The newest message's position: a stream opened without a cursor starts there, so that after a
 * lost database connection it knows where to catch up from. Any message at all will do (flagged or
 * not, anyone's): it only has to lie before everything still to come.
 */
export async function newestKey(): Promise<MessageKey> {
  const newest = await db().message.findFirst({
    orderBy: [{ pubDate: "desc" }, { id: "desc" }],
    select: { pubDate: true, id: true },
  });
  return newest ?? { pubDate: new Date(0), id: 0 };
}

function authors(timeline: LiveTimeline): Prisma.Sql {
  switch (timeline.kind) {
    case "public":
      return Prisma.sql`true`;
    case "user":
      return Prisma.sql`m.author_id = ${timeline.authorId}`;
    case "home":
      return Prisma.sql`m.author_id IN (SELECT ${timeline.viewerId}::int UNION SELECT followee_id FROM follows WHERE follower_id = ${timeline.viewerId})`;
  }
}

/**
 * The timeline's visible messages after `after`, oldest first, at most `limit`. Walks the same
 * (author_id,) pub_date, id indexes as the timelines, forwards from the cursor. Raw SQL: the model
 * API cannot write the row comparison `(pub_date, id) > (…)` that keeps this one index range scan.
 */
export async function messagesAfter(
  timeline: LiveTimeline,
  after: MessageKey,
  limit: number,
): Promise<MessageRecord[]> {
  const rows = await db().$queryRaw<{ id: number }[]>`
    SELECT m.id FROM messages m
    WHERE ${authors(timeline)} AND NOT m.flagged
      AND (m.pub_date, m.id) > (${after.pubDate.toISOString()}::timestamptz, ${after.id}::int)
    ORDER BY m.pub_date, m.id LIMIT ${limit}`;
  return visibleInOrder(rows.map((row) => row.id));
}

/** The messages by id that are not flagged (now), oldest first. */
export async function visibleInOrder(ids: readonly number[]): Promise<MessageRecord[]> {
  if (ids.length === 0) return [];
  const messages = await findMessagesByIds(ids);
  return messages
    .filter((message) => !message.flagged)
    .sort((a, b) => compareKeys({ pubDate: a.pubDate, id: a.id }, { pubDate: b.pubDate, id: b.id }));
}

/** Which of the (follower, followee) pairs are follows now, as `follower:followee` strings. */
export async function followPairs(pairs: readonly [number, number][]): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const rows = await db().follow.findMany({
    where: { OR: pairs.map(([followerId, followeeId]) => ({ followerId, followeeId })) },
    select: { followerId: true, followeeId: true },
  });
  return new Set(rows.map((row) => `${row.followerId}:${row.followeeId}`));
}
