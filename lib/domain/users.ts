import { createHash } from "node:crypto";
import { query, sql, isUniqueViolation } from "../db/sql";
import { DomainError } from "../errors";
import { countBusinessEvent } from "../observability/metrics";
import { normalizeUsername, usernameProblem } from "./username";
import { hashPassword, needsRehash, verifyDummyPassword, verifyPassword } from "./password";
import { upgradePasswordHash } from "./upgrade-password-hash";

export type Role = "USER" | "ADMIN";

/** A user as the application sees one: never the password hash. */
export type UserRecord = { id: number; username: string; email: string; role: Role; createdAt: Date };

export type RegistrationRules = "web" | "simulator";

export const MAX_EMAIL_LENGTH = 320;
export const MIN_WEB_PASSWORD_LENGTH = 8;
export const MAX_WEB_PASSWORD_LENGTH = 128;

export { MAX_USERNAME_LENGTH, RESERVED_USERNAMES } from "./username";

const USER_COLUMNS = sql`id, username, email, role, created_at AS "createdAt"`;

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function invalid(field: string, message: string): DomainError {
  return new DomainError("BAD_USER_INPUT", message, field);
}

/**
 * Checks a registration in the order the original MiniTwit did, so the first error a form or the
 * simulator sees is the one the reference would show.
 */
export function validateRegistration(
  input: { username: string; email: string; password: string },
  rules: RegistrationRules,
): void {
  const { username, email, password } = input;
  // The same name rules for every way in, the simulator's included (lib/domain/username.ts).
  const problem = usernameProblem(username);
  if (problem !== null) throw invalid("username", problem);
  if (email === "" || !email.includes("@") || email.length > MAX_EMAIL_LENGTH || email.includes("\u0000")) {
    throw invalid("email", "You have to enter a valid email address");
  }
  if (password === "") throw invalid("password", "You have to enter a password");
  if (rules === "web") {
    const length = codePoints(password);
    if (length < MIN_WEB_PASSWORD_LENGTH) {
      throw invalid("password", `The password must be at least ${MIN_WEB_PASSWORD_LENGTH} characters`);
    }
    if (length > MAX_WEB_PASSWORD_LENGTH) {
      throw invalid("password", `The password must be at most ${MAX_WEB_PASSWORD_LENGTH} characters`);
    }
  }
}

function usernameTaken(): DomainError {
  return new DomainError("USERNAME_TAKEN", "The username is already taken", "username");
}

export async function registerUser(
  input: { username: string; email: string; password: string },
  rules: RegistrationRules,
): Promise<{ id: number; username: string }> {
  validateRegistration(input, rules);
  const username = normalizeUsername(input.username);
  const pwHash = await hashPassword(input.password);
  let rows: { id: number; username: string }[];
  try {
    // ON CONFLICT turns the race between two sign-ups of one name into "taken" for the loser; a name
    // that differs only in case violates the index on its key (users_username_ci_key), also "taken".
    rows = await query(sql`
      INSERT INTO users (username, email, pw_hash) VALUES (${username}, ${input.email}, ${pwHash})
      ON CONFLICT (username) DO NOTHING
      RETURNING id, username`);
  } catch (error) {
    if (isUniqueViolation(error)) throw usernameTaken();
    throw error;
  }
  const user = rows[0];
  if (!user) throw usernameTaken();
  countBusinessEvent("registration");
  return user;
}

export type CredentialsResult =
  | { ok: true; user: { id: number; username: string; role: Role } }
  | { ok: false; reason: "USER_NOT_FOUND" | "BAD_PASSWORD" };

export async function verifyCredentials(username: string, password: string): Promise<CredentialsResult> {
  const rows = await query<{ id: number; username: string; role: Role; pwHash: string }>(
    sql`SELECT id, username, role, pw_hash AS "pwHash" FROM users WHERE username = ${username}`,
  );
  const row = rows[0];
  if (!row) {
    await verifyDummyPassword(password);
    return { ok: false, reason: "USER_NOT_FOUND" };
  }
  if (!(await verifyPassword(row.pwHash, password))) return { ok: false, reason: "BAD_PASSWORD" };
  if (needsRehash(row.pwHash)) await upgradePasswordHash(row.id, row.pwHash, password);
  return { ok: true, user: { id: row.id, username: row.username, role: row.role } };
}

export async function findUserByUsername(username: string): Promise<UserRecord | null> {
  const rows = await query<UserRecord>(sql`SELECT ${USER_COLUMNS} FROM users WHERE username = ${username}`);
  return rows[0] ?? null;
}

export async function findUsersByIds(ids: readonly number[]): Promise<UserRecord[]> {
  return query<UserRecord>(sql`SELECT ${USER_COLUMNS} FROM users WHERE id = ANY(${ids}::int[])`);
}

export async function findUsersByUsernames(usernames: readonly string[]): Promise<UserRecord[]> {
  return query<UserRecord>(sql`SELECT ${USER_COLUMNS} FROM users WHERE username = ANY(${usernames}::text[])`);
}

/** The original's Gravatar identicon: md5 of the trimmed, lower-cased address. */
export function gravatarUrl(email: string, size = 48): string {
  const digest = createHash("md5").update(email.trim().toLowerCase()).digest("hex");
  return `https://www.gravatar.com/avatar/${digest}?d=identicon&s=${size}`;
}
