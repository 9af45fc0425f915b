import { DomainError } from "./errors";

/**
 * Keyset pagination. A cursor names the last row a page showed; the next page starts strictly after
 * it in the list's order, so rows inserted meanwhile (always newer, hence earlier in the order) can
 * neither repeat nor push rows out of the next page the way an OFFSET would.
 */

export const DEFAULT_PAGE_SIZE = 30;
export const MAX_PAGE_SIZE = 100;

export type Page<T> = { rows: T[]; hasNextPage: boolean };

/**
 * The instants a cursor may name: years 1 to 9999. PostgreSQL's timestamps reach only 4713 BC while a
 * JavaScript date reaches 271821 BC, so a crafted cursor outside this range would fail in the database.
 */
export const MIN_CURSOR_MILLIS = Date.parse("0001-01-01T00:00:00.000Z");
export const MAX_CURSOR_MILLIS = Date.parse("9999-12-31T23:59:59.999Z");

/** Position in a list ordered by `pub_date DESC, id DESC`. */
export type MessageKey = { pubDate: Date; id: number };

function badCursor(): DomainError {
  return new DomainError("BAD_USER_INPUT", "The cursor is not valid", "after");
}

function decode(cursor: string, tag: string): string[] {
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badCursor();
  const parts = Buffer.from(cursor, "base64url").toString("utf8").split(":");
  if (parts[0] !== tag) throw badCursor();
  return parts.slice(1);
}

function positiveInt(raw: string | undefined): number {
  if (raw === undefined || !/^\d{1,10}$/.test(raw)) throw badCursor();
  const value = Number(raw);
  if (value > 2_147_483_647) throw badCursor();
  return value;
}

export function encodeMessageCursor(key: MessageKey): string {
  return Buffer.from(`m:${key.pubDate.getTime()}:${key.id}`, "utf8").toString("base64url");
}

export function decodeMessageCursor(cursor: string): MessageKey {
  const [millis, id, ...rest] = decode(cursor, "m");
  if (rest.length > 0 || millis === undefined || !/^-?\d{1,16}$/.test(millis)) throw badCursor();
  const time = Number(millis);
  if (!(time >= MIN_CURSOR_MILLIS && time <= MAX_CURSOR_MILLIS)) throw badCursor();
  const pubDate = new Date(time);
  return { pubDate, id: positiveInt(id) };
}

/** Whether a message cursor would be accepted (for a page that must answer 400 before rendering). */
export function isMessageCursor(cursor: string): boolean {
  try {
    decodeMessageCursor(cursor);
    return true;
  } catch {
    return false;
  }
}

/** Position in a list ordered by a user id (follow lists, served by the follows indexes). */
export function encodeIdCursor(id: number): string {
  return Buffer.from(`u:${id}`, "utf8").toString("base64url");
}

export function decodeIdCursor(cursor: string): number {
  const [id, ...rest] = decode(cursor, "u");
  if (rest.length > 0) throw badCursor();
  return positiveInt(id);
}

/**
 * The page size a caller asked for, within 1..max. The simulator protocol may read pages far larger
 * than a web client, so the bound is the caller's to give.
 */
export function pageSize(first: number | null | undefined, max: number = MAX_PAGE_SIZE): number {
  if (first === null || first === undefined) return Math.min(DEFAULT_PAGE_SIZE, max);
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw new DomainError("BAD_USER_INPUT", `first must be between 1 and ${max}`, "first");
  }
  return first;
}

/** Splits the one-row look-ahead off a query that fetched `size + 1` rows. */
export function toPage<T>(rows: T[], size: number): Page<T> {
  if (rows.length > size) return { rows: rows.slice(0, size), hasNextPage: true };
  return { rows, hasNextPage: false };
}
