import { randomBytes } from "node:crypto";
import { query, sql } from "../db/sql";
import type { Role, UserRecord } from "../domain/users";

/** Integration tests share one database with other files: every name they create is unique. */
export function uniqueName(prefix = "u"): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

/**
 * A user inserted directly, with a hash no password matches: far faster than argon2 for tests that
 * are not about passwords.
 */
export async function createUser(options: { username?: string; role?: Role } = {}): Promise<UserRecord> {
  const username = options.username ?? uniqueName();
  const rows = await query<UserRecord>(sql`
    INSERT INTO users (username, email, pw_hash, role)
    VALUES (${username}, ${`${username}@example.test`}, 'not-a-hash', ${options.role ?? "USER"}::"Role")
    RETURNING id, username, email, role, created_at AS "createdAt"`);
  const user = rows[0];
  if (!user) throw new Error("fixture user not created");
  return user;
}

/** A message with an explicit publication time, for ordering tests. */
export async function createMessage(authorId: number, text: string, pubDate?: Date): Promise<number> {
  const rows = await query<{ id: number }>(sql`
    INSERT INTO messages (author_id, text, pub_date)
    VALUES (${authorId}, ${text}, COALESCE(${pubDate ?? null}::timestamptz, now())) RETURNING id`);
  const row = rows[0];
  if (!row) throw new Error("fixture message not created");
  return row.id;
}
