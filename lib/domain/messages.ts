import { emptySql, query, sql, type Sql } from "../db/sql";
import { DomainError } from "../errors";
import { countBusinessEvent } from "../observability/metrics";
import { type MessageKey, type Page, toPage } from "./pagination";
import type { UserRecord } from "./users";

export const MAX_MESSAGE_LENGTH = 5000;

export type MessageRecord = {
  id: number;
  authorId: number;
  text: string;
  pubDate: Date;
  flagged: boolean;
  author: UserRecord;
};

/** Who a message or an action is for: the signed-in user by id, the simulator by name. */
export type UserSelector = { id: number } | { username: string };

export type MessagePageRequest = { size: number; after?: MessageKey | null };

type MessageRow = {
  id: number;
  authorId: number;
  text: string;
  pubDate: Date;
  flagged: boolean;
  uId: number;
  uUsername: string;
  uEmail: string;
  uRole: UserRecord["role"];
  uCreatedAt: Date;
};

// Every message list joins its authors in the same statement, so a page costs one query.
const MESSAGE_COLUMNS = sql`m.id, m.author_id AS "authorId", m.text, m.pub_date AS "pubDate", m.flagged,
  u.id AS "uId", u.username AS "uUsername", u.email AS "uEmail", u.role AS "uRole", u.created_at AS "uCreatedAt"`;

function toRecord(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    authorId: row.authorId,
    text: row.text,
    pubDate: row.pubDate,
    flagged: row.flagged,
    author: {
      id: row.uId,
      username: row.uUsername,
      email: row.uEmail,
      role: row.uRole,
      createdAt: row.uCreatedAt,
    },
  };
}

function before(after: MessageKey | null | undefined): Sql {
  return after ? sql`AND (m.pub_date, m.id) < (${after.pubDate}, ${after.id})` : emptySql;
}

function userCondition(user: UserSelector, alias: Sql): Sql {
  return "id" in user ? sql`${alias}.id = ${user.id}` : sql`${alias}.username = ${user.username}`;
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

/** Posts as the given author in one statement; the text is stored exactly as given. */
export async function postMessage(author: UserSelector, text: string): Promise<MessageRecord> {
  validateMessageText(text);
  const rows = await query<MessageRow>(sql`
    WITH u AS (SELECT id, username, email, role, created_at FROM users u WHERE ${userCondition(author, sql`u`)}),
         m AS (INSERT INTO messages (author_id, text) SELECT id, ${text} FROM u
               RETURNING id, author_id, text, pub_date, flagged)
    SELECT ${MESSAGE_COLUMNS} FROM m JOIN u ON u.id = m.author_id`);
  const row = rows[0];
  if (!row) throw userNotFound();
  countBusinessEvent("message");
  return toRecord(row);
}

export async function publicTimeline(page: MessagePageRequest): Promise<Page<MessageRecord>> {
  const rows = await query<MessageRow>(sql`
    SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN users u ON u.id = m.author_id
    WHERE NOT m.flagged ${before(page.after)}
    ORDER BY m.pub_date DESC, m.id DESC LIMIT ${page.size + 1}`);
  return toPage(rows.map(toRecord), page.size);
}

/** One user's messages; the user is known to exist (GraphQL resolves the user first). */
export async function userTimeline(userId: number, page: MessagePageRequest): Promise<Page<MessageRecord>> {
  const rows = await query<MessageRow>(sql`
    SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN users u ON u.id = m.author_id
    WHERE m.author_id = ${userId} AND NOT m.flagged ${before(page.after)}
    ORDER BY m.pub_date DESC, m.id DESC LIMIT ${page.size + 1}`);
  return toPage(rows.map(toRecord), page.size);
}

/**
 * One user's messages by name, telling an unknown user (USER_NOT_FOUND) from one without messages
 * in the same single statement: the simulator asks by name and pays one round trip.
 */
export async function userTimelineByUsername(
  username: string,
  page: MessagePageRequest,
): Promise<Page<MessageRecord>> {
  const rows = await query<Omit<MessageRow, "id"> & { id: number | null }>(sql`
    SELECT ${MESSAGE_COLUMNS}
    FROM users u LEFT JOIN LATERAL (
      SELECT m.id, m.author_id, m.text, m.pub_date, m.flagged FROM messages m
      WHERE m.author_id = u.id AND NOT m.flagged ${before(page.after)}
      ORDER BY m.pub_date DESC, m.id DESC LIMIT ${page.size + 1}
    ) m ON true
    WHERE u.username = ${username}
    ORDER BY m.pub_date DESC, m.id DESC`);
  if (rows.length === 0) throw userNotFound();
  const messages = rows.filter((row): row is MessageRow => row.id !== null).map(toRecord);
  return toPage(messages, page.size);
}

/** Flagged messages among a home page's candidates that the fast path absorbs before falling back. */
const FLAGGED_SLACK = 8;
/** Fewest keys read per followed author on the fast path. */
const MIN_KEYS_PER_AUTHOR = 8;

/**
 * The user's own messages and those of everyone they follow, without sorting all of their messages.
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
  type Row = (MessageRow | { [K in keyof MessageRow]: null }) & { considered: number; exhausted: boolean };
  // The two flags come on every row, and on a lone all-null row when the page is empty.
  const rows = await query<Row>(sql`
    WITH authors AS (
      SELECT ${userId}::int AS id UNION SELECT followee_id FROM follows WHERE follower_id = ${userId}
    ),
    per_author AS (
      SELECT greatest(${MIN_KEYS_PER_AUTHOR}::int, ceil(2.0 * ${candidates}::int / count(*))::int) AS n FROM authors
    ),
    keys AS (
      SELECT k.pub_date, k.id, k.rank = (SELECT n FROM per_author) AS last_read
      FROM authors a CROSS JOIN LATERAL (
        SELECT m.pub_date, m.id, row_number() OVER (ORDER BY m.pub_date DESC, m.id DESC) AS rank
        FROM messages m
        WHERE m.author_id = a.id ${before(page.after)}
        ORDER BY m.pub_date DESC, m.id DESC LIMIT (SELECT n FROM per_author)
      ) k
      ORDER BY k.pub_date DESC, k.id DESC LIMIT ${candidates}
    )
    SELECT c.considered, c.exhausted, p.*
    FROM (SELECT count(*)::int AS considered, coalesce(bool_or(last_read), false) AS exhausted FROM keys) c
    LEFT JOIN LATERAL (
      SELECT ${MESSAGE_COLUMNS}
      FROM keys JOIN messages m ON m.id = keys.id JOIN users u ON u.id = m.author_id
      WHERE NOT m.flagged
      ORDER BY m.pub_date DESC, m.id DESC LIMIT ${page.size + 1}
    ) p ON true
    ORDER BY p."pubDate" DESC, p.id DESC`);
  const head = rows[0];
  const messages = rows.filter((row): row is MessageRow & Row => row.id !== null);
  const complete =
    head !== undefined && !head.exhausted && (messages.length > page.size || head.considered < candidates);
  if (complete) return toPage(messages.map(toRecord), page.size);
  return exactHomeTimeline(userId, page);
}

/** The home timeline with the flagged filter inside each author's scan: exact whatever is flagged. */
async function exactHomeTimeline(userId: number, page: MessagePageRequest): Promise<Page<MessageRecord>> {
  const rows = await query<MessageRow>(sql`
    SELECT ${MESSAGE_COLUMNS}
    FROM (SELECT ${userId}::int AS id UNION SELECT followee_id FROM follows WHERE follower_id = ${userId}) a
    CROSS JOIN LATERAL (
      SELECT m.id, m.author_id, m.text, m.pub_date, m.flagged FROM messages m
      WHERE m.author_id = a.id AND NOT m.flagged ${before(page.after)}
      ORDER BY m.pub_date DESC, m.id DESC LIMIT ${page.size + 1}
    ) m
    JOIN users u ON u.id = m.author_id
    ORDER BY m.pub_date DESC, m.id DESC LIMIT ${page.size + 1}`);
  return toPage(rows.map(toRecord), page.size);
}

/** Messages by id, flagged ones included: callers decide who may see those. */
export async function findMessagesByIds(ids: readonly number[]): Promise<MessageRecord[]> {
  const rows = await query<MessageRow>(sql`
    SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN users u ON u.id = m.author_id
    WHERE m.id = ANY(${ids}::int[])`);
  return rows.map(toRecord);
}

/** Hides (or shows again) messages by id; returns the ids that exist. */
export async function setFlagged(ids: readonly number[], flagged: boolean): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await query<{ id: number }>(
    sql`UPDATE messages SET flagged = ${flagged} WHERE id = ANY(${ids}::int[]) RETURNING id`,
  );
  return rows.map((row) => row.id);
}
