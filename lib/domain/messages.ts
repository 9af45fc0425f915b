import { isForeignKeyViolation, rejectNul } from "../db/guards";
import { db } from "../db/prisma";
import { Prisma, type Message } from "../generated/prisma/client";
import { DomainError } from "./errors";
import { countBusinessEvent } from "../observability/metrics";
import { type MessageKey, type Page, toPage } from "./pagination";
import { recordingLatest } from "./simulator";
import { forgetUserIds, userIdsByName } from "./user-ids";
import type { UserRecord } from "./users";

export const MAX_MESSAGE_LENGTH = 5000;

/** Prisma's message row with its author (never the author's password hash). */
export type MessageRecord = Message & { author: UserRecord };

/** Who a message or an action is for: the signed-in user by id, the simulator by name. */
export type UserSelector = { id: number } | { username: string };

export type MessagePageRequest = { size: number; after?: MessageKey | null };

/** Newest first, the order of every timeline and of both message indexes. */
const NEWEST_FIRST = [{ pubDate: "desc" }, { id: "desc" }] satisfies Prisma.MessageOrderByWithRelationInput[];

/**
 * Strictly after the cursor in NEWEST_FIRST order. The `lte` bound lets the index scan start at the
 * cursor; the OR only drops the rows of the cursor's own millisecond that the last page showed.
 */
function before(after: MessageKey | null | undefined): Prisma.MessageWhereInput {
  if (!after) return {};
  return {
    pubDate: { lte: after.pubDate },
    OR: [{ pubDate: { lt: after.pubDate } }, { id: { lt: after.id } }],
  };
}

/** Refuses what no timeline should show: nothing but whitespace, oversize texts, or NUL (PostgreSQL cannot store it). */
export function validateMessageText(text: string): void {
  if (text.trim() === "") throw new DomainError("BAD_USER_INPUT", "The message must not be empty", "text");
  let length = 0;
  for (const _ of text) {
    if (++length > MAX_MESSAGE_LENGTH) {
      throw new DomainError(
        "BAD_USER_INPUT",
        `The message must be at most ${MAX_MESSAGE_LENGTH} characters`,
        "text",
      );
    }
  }
  if (text.includes("\u0000")) {
    throw new DomainError("BAD_USER_INPUT", "The message must not contain NUL characters", "text");
  }
}

function userNotFound(): DomainError {
  return new DomainError("USER_NOT_FOUND", "The user does not exist");
}

/** The author's id: the signed-in user's, or the simulator's named user's (remembered per process). */
async function authorId(author: UserSelector, fresh = false): Promise<number> {
  if ("id" in author) return author.id;
  const id = (await userIdsByName([author.username], { fresh })).get(author.username);
  if (id === undefined) throw userNotFound();
  return id;
}

/**
 * The INSERT that also records the simulator's `latest` (lib/domain/simulator.ts). Raw SQL: the
 * model API cannot put a second table's write into the same statement.
 */
async function insertRecordingLatest(authorId: number, text: string, latest: bigint): Promise<Message> {
  const [message] = await db().$queryRaw<Message[]>`${recordingLatest(latest)}
    INSERT INTO messages (author_id, text) VALUES (${authorId}::int, ${text})
    RETURNING id, author_id AS "authorId", text, pub_date AS "pubDate", flagged`;
  if (message === undefined) throw new Error("INSERT ... RETURNING returned no row");
  return message;
}

/**
 * Posts as the given author; the text is stored exactly as given. One INSERT when the author's id is
 * known (a nested `connect` by name would cost a transaction and four more round trips); the foreign
 * key catches an author deleted meanwhile, whose remembered id is then dropped and the name looked
 * up once more. The result carries the author's id; GraphQL loads the author if asked. With
 * `latest` (the simulator's), the same INSERT records it.
 */
export async function postMessage(
  author: UserSelector,
  text: string,
  options: { latest?: bigint } = {},
): Promise<Message> {
  validateMessageText(text);
  for (let attempt = 0; ; attempt++) {
    const id = await authorId(author, attempt > 0);
    try {
      const message =
        options.latest === undefined
          ? await db().message.create({ data: { text, authorId: id } })
          : await insertRecordingLatest(id, text, options.latest);
      countBusinessEvent("message");
      return message;
    } catch (error) {
      if (!isForeignKeyViolation(error)) throw error;
      if ("id" in author || attempt > 0) throw userNotFound();
      forgetUserIds(author.username);
    }
  }
}

export async function publicTimeline(page: MessagePageRequest): Promise<Page<MessageRecord>> {
  const rows = await db().message.findMany({
    where: { flagged: false, ...before(page.after) },
    orderBy: NEWEST_FIRST,
    take: page.size + 1,
    include: { author: true },
  });
  return toPage(rows, page.size);
}

/** One user's messages; the user is known to exist (GraphQL resolves the user first). */
export async function userTimeline(userId: number, page: MessagePageRequest): Promise<Page<MessageRecord>> {
  const rows = await db().message.findMany({
    where: { authorId: userId, flagged: false, ...before(page.after) },
    orderBy: NEWEST_FIRST,
    take: page.size + 1,
    include: { author: true },
  });
  return toPage(rows, page.size);
}

/** A raw row of MESSAGE_COLUMNS: the message's columns, then its author's prefixed with `u_`. */
type JoinedRow = Message & { [K in keyof UserRecord as `u_${K}`]: UserRecord[K] };

// Raw statements join the authors in the same statement, so a page costs one query.
const MESSAGE_COLUMNS = Prisma.sql`m.id, m.author_id AS "authorId", m.text, m.pub_date AS "pubDate", m.flagged,
  u.id AS "u_id", u.username AS "u_username", u.email AS "u_email", u.role::text AS "u_role",
  u.created_at AS "u_createdAt"`;

function fromJoinedRow(row: JoinedRow): MessageRecord {
  return {
    id: row.id,
    authorId: row.authorId,
    text: row.text,
    pubDate: row.pubDate,
    flagged: row.flagged,
    author: {
      id: row.u_id,
      username: row.u_username,
      email: row.u_email,
      role: row.u_role,
      createdAt: row.u_createdAt,
    },
  };
}

function rawBefore(after: MessageKey | null | undefined): Prisma.Sql {
  return after
    ? Prisma.sql`AND (m.pub_date, m.id) < (${after.pubDate.toISOString()}::timestamptz, ${after.id}::int)`
    : Prisma.empty;
}

/**
 * One user's messages by name, telling an unknown user (USER_NOT_FOUND) from one without messages.
 * Raw SQL: one statement (a lateral join) where the model API needs a user query and a message query.
 */
export async function userTimelineByUsername(
  username: string,
  page: MessagePageRequest,
): Promise<Page<MessageRecord>> {
  rejectNul(username);
  type Row = JoinedRow | ({ [K in keyof Message]: null } & Omit<JoinedRow, keyof Message>);
  const rows = await db().$queryRaw<Row[]>`
    SELECT ${MESSAGE_COLUMNS}
    FROM users u LEFT JOIN LATERAL (
      SELECT m.id, m.author_id, m.text, m.pub_date, m.flagged FROM messages m
      WHERE m.author_id = u.id AND NOT m.flagged ${rawBefore(page.after)}
      ORDER BY m.pub_date DESC, m.id DESC LIMIT ${page.size + 1}
    ) m ON true
    WHERE u.username = ${username}
    ORDER BY m.pub_date DESC, m.id DESC`;
  if (rows.length === 0) throw userNotFound();
  const messages = rows.filter((row): row is JoinedRow => row.id !== null).map(fromJoinedRow);
  return toPage(messages, page.size);
}

/** Flagged messages among a home page's candidates that the fast path absorbs before falling back. */
const FLAGGED_SLACK = 8;
/** Fewest keys read per followed author on the fast path. */
const MIN_KEYS_PER_AUTHOR = 8;

/**
 * The user's own messages and those of everyone they follow, without sorting all of their messages.
 * Raw SQL: the model API has no lateral join, and without one PostgreSQL sorts every message of
 * every followed author (the plan this avoids).
 *
 * Fast path, one statement: read a few of the newest keys of each author from the (author_id,
 * pub_date, id) index alone (an index-only scan, no table rows), about twice an author's fair share of
 * the page; merge them and keep one page plus some slack; only then read those few rows, dropping
 * flagged ones. Its cost follows the number of followed users, not the number of their messages.
 *
 * It is exact unless an author's last key read made the cut (that author may have more that belong
 * on the page) or more flagged messages than the slack sat among the candidates; then the page is
 * read again the exhaustive way. Both are rare when one follows many users, and cheap when few.
 */
export async function homeTimeline(userId: number, page: MessagePageRequest): Promise<Page<MessageRecord>> {
  const candidates = page.size + 1 + FLAGGED_SLACK;
  type Row = (JoinedRow | { [K in keyof JoinedRow]: null }) & { considered: number; exhausted: boolean };
  // The two flags come on every row, and on a lone all-null row when the page is empty.
  const rows = await db().$queryRaw<Row[]>`
    WITH authors AS (
      SELECT ${userId}::int AS id UNION SELECT followee_id FROM follows WHERE follower_id = ${userId}::int
    ),
    per_author AS (
      SELECT greatest(${MIN_KEYS_PER_AUTHOR}::int, ceil(2.0 * ${candidates}::int / count(*))::int) AS n FROM authors
    ),
    keys AS (
      SELECT k.pub_date, k.id, k.rank = (SELECT n FROM per_author) AS last_read
      FROM authors a CROSS JOIN LATERAL (
        SELECT m.pub_date, m.id, row_number() OVER (ORDER BY m.pub_date DESC, m.id DESC) AS rank
        FROM messages m
        WHERE m.author_id = a.id ${rawBefore(page.after)}
        ORDER BY m.pub_date DESC, m.id DESC LIMIT (SELECT n FROM per_author)
      ) k
      ORDER BY k.pub_date DESC, k.id DESC LIMIT ${candidates}::int
    )
    SELECT c.considered, c.exhausted, p.*
    FROM (SELECT count(*)::int AS considered, coalesce(bool_or(last_read), false) AS exhausted FROM keys) c
    LEFT JOIN LATERAL (
      SELECT ${MESSAGE_COLUMNS}
      FROM keys JOIN messages m ON m.id = keys.id JOIN users u ON u.id = m.author_id
      WHERE NOT m.flagged
      ORDER BY m.pub_date DESC, m.id DESC LIMIT ${page.size + 1}::int
    ) p ON true
    ORDER BY p."pubDate" DESC, p.id DESC`;
  const head = rows[0];
  const messages = rows.filter((row): row is JoinedRow & Row => row.id !== null);
  const complete =
    head !== undefined && !head.exhausted && (messages.length > page.size || head.considered < candidates);
  if (complete) return toPage(messages.map(fromJoinedRow), page.size);
  return exactHomeTimeline(userId, page);
}

/**
 * The home timeline with the flagged filter inside each author's scan: exact whatever is flagged.
 * Raw SQL for the same lateral join as the fast path.
 */
async function exactHomeTimeline(userId: number, page: MessagePageRequest): Promise<Page<MessageRecord>> {
  const rows = await db().$queryRaw<JoinedRow[]>`
    SELECT ${MESSAGE_COLUMNS}
    FROM (SELECT ${userId}::int AS id UNION SELECT followee_id FROM follows WHERE follower_id = ${userId}::int) a
    CROSS JOIN LATERAL (
      SELECT m.id, m.author_id, m.text, m.pub_date, m.flagged FROM messages m
      WHERE m.author_id = a.id AND NOT m.flagged ${rawBefore(page.after)}
      ORDER BY m.pub_date DESC, m.id DESC LIMIT ${page.size + 1}::int
    ) m
    JOIN users u ON u.id = m.author_id
    ORDER BY m.pub_date DESC, m.id DESC LIMIT ${page.size + 1}::int`;
  return toPage(rows.map(fromJoinedRow), page.size);
}

/** Messages by id, flagged ones included: callers decide who may see those. */
export async function findMessagesByIds(ids: readonly number[]): Promise<MessageRecord[]> {
  return db().message.findMany({ where: { id: { in: [...ids] } }, include: { author: true } });
}

/** Hides (or shows again) messages by id; returns the ids that exist. */
export async function setFlagged(ids: readonly number[], flagged: boolean): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db().message.updateManyAndReturn({
    where: { id: { in: [...ids] } },
    data: { flagged },
    select: { id: true },
  });
  return rows.map((row) => row.id);
}
