import { passwordHashFormat } from "../../domain/password";
import { MAX_USERNAME_LENGTH } from "../../domain/users";
import type { LegacyFollow, LegacyMessage, LegacyUser } from "./source";
import { isReservedUsername, usernameKey, usernameProblem } from "./username-key";

/**
 * What the importer does with each row of an original MiniTwit database, decided without touching
 * the target: pure functions over the file's rows and the target's existing usernames.
 */

export type PlannedUser = { legacyId: number; username: string; email: string; pwHash: string };

export type Collision = {
  legacyId: number;
  username: string;
  /** The existing user's name, the earlier row of the file, or the route the name is reserved for. */
  with: { kind: "existing"; username: string } | { kind: "file"; legacyId: number } | { kind: "reserved" };
  /** The name it is imported as with --rename-collisions. */
  renamedTo: string;
};

export type InvalidUser = { legacyId: number; username: string | null; problem: string };

export type UserPlan = {
  users: PlannedUser[];
  collisions: Collision[];
  invalid: InvalidUser[];
  /** Count of users per stored hash format (`scrypt`, `pbkdf2:sha256`, `unsupported`, ...). */
  hashFormats: Map<string, number>;
  missingEmails: number;
};

function codePoints(text: string): string[] {
  return Array.from(text);
}

/** `name_2`, `name_3`, ...: the first whose key is free, shortened to fit the length limit. */
function freeName(username: string, taken: Set<string>): string {
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const base = codePoints(username)
      .slice(0, MAX_USERNAME_LENGTH - suffix.length)
      .join("");
    const candidate = `${base}${suffix}`;
    if (!taken.has(usernameKey(candidate)) && !isReservedUsername(candidate)) return candidate;
  }
}

/**
 * Users keep their names unless a name collides (case-insensitively) with an existing user, with an
 * earlier row of the file (by user_id) or with one of the app's own routes; such a user gets a
 * suffixed name (used only with --rename-collisions, otherwise the collisions stop the import).
 * Names the app cannot hold at all are invalid and always stop it.
 */
export function planUsers(rows: readonly LegacyUser[], existingUsernames: Iterable<string>): UserPlan {
  const existing = new Map<string, string>();
  for (const name of existingUsernames) existing.set(usernameKey(name), name);
  const taken = new Set(existing.keys());
  const fileOwners = new Map<string, number>();
  const invalid: InvalidUser[] = [];
  const hashFormats = new Map<string, number>();
  let missingEmails = 0;

  const valid: { row: LegacyUser; username: string }[] = [];
  for (const row of rows) {
    const problem =
      usernameProblem(row.username) ??
      (row.email?.includes("\u0000") ? "its email address contains a NUL character" : null) ??
      (row.pwHash?.includes("\u0000") ? "its password hash contains a NUL character" : null);
    if (problem !== null || row.username === null) {
      invalid.push({ legacyId: row.userId, username: row.username, problem: problem ?? "it is empty" });
      continue;
    }
    valid.push({ row, username: row.username });
    const key = usernameKey(row.username);
    if (!fileOwners.has(key)) fileOwners.set(key, row.userId);
    taken.add(key);
  }

  const users: PlannedUser[] = [];
  const collisions: Collision[] = [];
  for (const { row, username } of valid) {
    const key = usernameKey(username);
    const existingName = existing.get(key);
    const firstInFile = fileOwners.get(key);
    const clash: Collision["with"] | null =
      existingName !== undefined
        ? { kind: "existing", username: existingName }
        : firstInFile !== undefined && firstInFile !== row.userId
          ? { kind: "file", legacyId: firstInFile }
          : isReservedUsername(username)
            ? { kind: "reserved" }
            : null;
    let finalName = username;
    if (clash) {
      finalName = freeName(username, taken);
      taken.add(usernameKey(finalName));
      collisions.push({ legacyId: row.userId, username, with: clash, renamedTo: finalName });
    }
    const format = passwordHashFormat(row.pwHash ?? "");
    hashFormats.set(format, (hashFormats.get(format) ?? 0) + 1);
    if (row.email === null || row.email === "") missingEmails++;
    users.push({
      legacyId: row.userId,
      username: finalName,
      email: row.email ?? "",
      pwHash: row.pwHash ?? "",
    });
  }
  return { users, collisions, invalid, hashFormats, missingEmails };
}

export type FollowStats = { total: number; imported: number; duplicates: number; dangling: number };

/** Keeps each (who, whom) pair once, between users that exist; counts what it drops. */
export class FollowPlanner {
  readonly stats: FollowStats = { total: 0, imported: 0, duplicates: 0, dangling: 0 };
  private readonly seen = new Map<number, Set<number>>();

  constructor(private readonly userIds: ReadonlyMap<number, number>) {}

  /** The new ids of the pair, or null when the row is dropped. */
  add(row: LegacyFollow): { followerId: number; followeeId: number } | null {
    this.stats.total++;
    const followerId = typeof row.who === "number" ? this.userIds.get(row.who) : undefined;
    const followeeId = typeof row.whom === "number" ? this.userIds.get(row.whom) : undefined;
    if (followerId === undefined || followeeId === undefined) {
      this.stats.dangling++;
      return null;
    }
    let followees = this.seen.get(followerId);
    if (!followees) this.seen.set(followerId, (followees = new Set()));
    if (followees.has(followeeId)) {
      this.stats.duplicates++;
      return null;
    }
    followees.add(followeeId);
    this.stats.imported++;
    return { followerId, followeeId };
  }
}

export type MessageStats = {
  total: number;
  imported: number;
  /** Imported hidden: flagged 1, or any value but 0 (NULL included), as the original's `flagged = 0` hid them. */
  hidden: number;
  /** Of the hidden, those whose flag was NULL or not 0/1. */
  unusualFlags: number;
  unknownAuthor: number;
  withoutText: number;
  /** Texts that held NUL characters, which PostgreSQL cannot store: imported without them. */
  nulRemoved: number;
  /** NULL publication times, set to the import time. */
  missingPubDate: number;
  /** Publication times that are not a number of seconds in years 1 to 9999, also set to the import time. */
  unreadablePubDate: number;
};

// Years 1 to 9999, the range every part of the stack (JavaScript, PostgreSQL, the UI's dates) shows.
const MIN_SECONDS = -62_135_596_800;
const MAX_SECONDS = 253_402_300_799;

/** Unix seconds as the original stored them (an integer, sometimes a real or numeric text). */
export function readPubDate(value: LegacyMessage["pubDate"]): Date | "missing" | "unreadable" {
  if (value === null) return "missing";
  const seconds =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(seconds) || seconds < MIN_SECONDS || seconds > MAX_SECONDS) return "unreadable";
  return new Date(Math.round(seconds * 1000));
}

export type PlannedMessage = { id: number; authorId: number; text: string; pubDate: Date; flagged: boolean };

/**
 * Maps each message to its row in Minitwit, or drops it (unknown author, no text). `newId` gives the
 * message's id, chosen so that Minitwit's (pub_date, id) order repeats the original's.
 */
export class MessagePlanner {
  readonly stats: MessageStats = {
    total: 0,
    imported: 0,
    hidden: 0,
    unusualFlags: 0,
    unknownAuthor: 0,
    withoutText: 0,
    nulRemoved: 0,
    missingPubDate: 0,
    unreadablePubDate: 0,
  };

  constructor(
    private readonly userIds: ReadonlyMap<number, number>,
    private readonly newId: (messageId: number) => number | undefined,
    private readonly importTime: Date,
  ) {}

  add(row: LegacyMessage): PlannedMessage | null {
    this.stats.total++;
    const authorId = typeof row.authorId === "number" ? this.userIds.get(row.authorId) : undefined;
    const id = this.newId(row.messageId);
    if (authorId === undefined || id === undefined) {
      this.stats.unknownAuthor++;
      return null;
    }
    if (row.text === null) {
      this.stats.withoutText++;
      return null;
    }
    const read = readPubDate(row.pubDate);
    let pubDate = this.importTime;
    if (read === "missing") this.stats.missingPubDate++;
    else if (read === "unreadable") this.stats.unreadablePubDate++;
    else pubDate = read;
    const flagged = !(typeof row.flagged === "number" && row.flagged === 0);
    if (flagged) {
      this.stats.hidden++;
      if (row.flagged !== 1) this.stats.unusualFlags++;
    }
    let text = row.text;
    if (text.includes("\u0000")) {
      text = text.replaceAll("\u0000", "");
      this.stats.nulRemoved++;
    }
    this.stats.imported++;
    return { id, authorId, text, pubDate, flagged };
  }
}

/**
 * New ids for messages, from the original public timeline's order (newest first) and ids allocated
 * in ascending order: the first listed gets the highest id, so that among equal publication times
 * Minitwit's `ORDER BY pub_date DESC, id DESC` lists them as the original did.
 */
export function messageIdsInOriginalOrder(
  order: readonly number[],
  allocated: readonly number[],
): (messageId: number) => number | undefined {
  if (allocated.length !== order.length) throw new Error("one id per message is needed");
  const last = order.length - 1;
  let max = 0;
  for (const messageId of order) if (messageId > max) max = messageId;
  // The original's ids are autoincrement, dense in practice: an array indexed by id is a fraction of
  // a Map's time and memory for a million messages. Sparse ids (or negative ones) take the Map.
  if (max <= 4 * order.length + 1024 && order.every((messageId) => messageId > 0)) {
    const ids = new Int32Array(max + 1);
    order.forEach((messageId, position) => {
      ids[messageId] = allocated[last - position]!;
    });
    return (messageId) =>
      Number.isInteger(messageId) && messageId > 0 && messageId <= max
        ? ids[messageId] || undefined
        : undefined;
  }
  const ids = new Map<number, number>();
  order.forEach((messageId, position) => {
    ids.set(messageId, allocated[last - position]!);
  });
  return (messageId) => ids.get(messageId);
}
