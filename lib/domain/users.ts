import { isUniqueViolation, rejectNul } from "../db/guards";
import { db } from "../db/prisma";
import type { User } from "../generated/prisma/client";
import { DomainError } from "./errors";
import { countBusinessEvent } from "../observability/metrics";
import { normalizeUsername, usernameProblem } from "./username";
import { hashPassword, needsRehash, verifyDummyPassword, verifyPassword } from "./password";
import { upgradePasswordHash } from "./upgrade-password-hash";

export type { Role } from "../generated/prisma/client";
import type { Role } from "../generated/prisma/client";

/** Who is acting: the signed-in user (web session or API token), as every layer sees them. */
export type Viewer = { id: number; username: string; role: Role };

/** A user as the application sees one: Prisma's row, never the password hash. */
export type UserRecord = Omit<User, "pwHash">;

export type RegistrationRules = "web" | "simulator";

export const MAX_EMAIL_LENGTH = 320;
/** Beyond this a password only makes hashing slow: refused on the web, after the original's checks. */
export const MAX_WEB_PASSWORD_LENGTH = 128;

export { MAX_USERNAME_LENGTH, RESERVED_USERNAMES } from "./username";

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
  // The web and the simulator now share every check here; the web's extra policy is passwordPolicyError.
  _rules: RegistrationRules,
): void {
  const { username, email, password } = input;
  // The same name rules for every way in, the simulator's included (lib/domain/username.ts).
  const problem = usernameProblem(username);
  if (problem !== null) throw invalid("username", problem);
  if (email === "" || !email.includes("@") || email.length > MAX_EMAIL_LENGTH || email.includes("\u0000")) {
    throw invalid("email", "You have to enter a valid email address");
  }
  if (password === "") throw invalid("password", "You have to enter a password");
}

/**
 * The operator's password policy for web sign-ups (`PASSWORD_MIN_LENGTH`, default 1: the original's
 * non-empty password), or null when the password meets it. Checked only after every check of the
 * original has passed, so a client written against the original sees the original's messages first.
 */
export function passwordPolicyError(password: string, minLength: number): DomainError | null {
  const length = codePoints(password);
  if (length < minLength) {
    return invalid("password", `The password must be at least ${minLength} characters`);
  }
  if (length > MAX_WEB_PASSWORD_LENGTH) {
    return invalid("password", `The password must be at most ${MAX_WEB_PASSWORD_LENGTH} characters`);
  }
  return null;
}

function usernameTaken(): DomainError {
  return new DomainError("USERNAME_TAKEN", "The username is already taken", "username");
}

/**
 * Whether a name is taken regardless of case and Unicode form. Raw SQL: the key is an expression index
 * (users_username_ci_key) that the model API cannot name.
 */
async function usernameExists(username: string): Promise<boolean> {
  const rows = await db().$queryRaw<{ one: number }[]>`
    SELECT 1 AS one FROM users WHERE lower(normalize(username, NFC)) = lower(normalize(${username}, NFC)) LIMIT 1`;
  return rows.length > 0;
}

/**
 * Registers a user. The original's checks come first (in its order, "taken" last); only then the
 * web's password policy, so its message never hides one the original would have shown.
 */
export async function registerUser(
  input: { username: string; email: string; password: string },
  rules: RegistrationRules,
  passwordMinLength = 1,
): Promise<{ id: number; username: string }> {
  validateRegistration(input, rules);
  const username = normalizeUsername(input.username);
  const policy = rules === "web" ? passwordPolicyError(input.password, passwordMinLength) : null;
  if (policy) {
    throw (await usernameExists(username)) ? usernameTaken() : policy;
  }
  const pwHash = await hashPassword(input.password);
  try {
    // The unique indexes turn the race between two sign-ups of one name into "taken" for the loser; a
    // name that differs only in case violates the index on its key (users_username_ci_key), also "taken".
    const user = await db().user.create({
      data: { username, email: input.email, pwHash },
      select: { id: true, username: true },
    });
    countBusinessEvent("registration");
    return user;
  } catch (error) {
    if (isUniqueViolation(error)) throw usernameTaken();
    throw error;
  }
}

export type CredentialsResult =
  { ok: true; user: Viewer } | { ok: false; reason: "USER_NOT_FOUND" | "BAD_PASSWORD" };

export async function verifyCredentials(username: string, password: string): Promise<CredentialsResult> {
  rejectNul(username);
  const row = await db().user.findUnique({
    where: { username },
    select: { id: true, username: true, role: true, pwHash: true },
  });
  if (!row) {
    await verifyDummyPassword(password);
    return { ok: false, reason: "USER_NOT_FOUND" };
  }
  if (!(await verifyPassword(row.pwHash, password))) return { ok: false, reason: "BAD_PASSWORD" };
  if (needsRehash(row.pwHash)) await upgradePasswordHash(row.id, row.pwHash, password);
  return { ok: true, user: { id: row.id, username: row.username, role: row.role } };
}

export async function findUserByUsername(username: string): Promise<UserRecord | null> {
  rejectNul(username);
  return db().user.findUnique({ where: { username } });
}

export async function findUsersByIds(ids: readonly number[]): Promise<UserRecord[]> {
  return db().user.findMany({ where: { id: { in: [...ids] } } });
}

export async function findUsersByUsernames(usernames: readonly string[]): Promise<UserRecord[]> {
  rejectNul(usernames);
  return db().user.findMany({ where: { username: { in: [...usernames] } } });
}
