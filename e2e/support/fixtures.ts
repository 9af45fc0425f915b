import { randomBytes } from "node:crypto";
import { db } from "../../lib/db/prisma";
import type { Role, UserRecord } from "../../lib/domain/users";

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
  return db().user.create({
    data: { username, email: `${username}@example.test`, pwHash: "not-a-hash", role: options.role ?? "USER" },
  });
}

/** A message with an explicit publication time, for ordering tests. */
export async function createMessage(authorId: number, text: string, pubDate?: Date): Promise<number> {
  const row = await db().message.create({ data: { authorId, text, pubDate }, select: { id: true } });
  return row.id;
}
