import { createHash, randomBytes } from "node:crypto";
import { db } from "../db/prisma";
import { query, sql } from "../db/sql";
import { DomainError } from "../errors";
import type { Role } from "./users";

/** A recognisable prefix lets secret scanners and humans tell a Minitwit token at a glance. */
export const API_TOKEN_PREFIX = "mt_";
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^mt_[A-Za-z0-9_-]{43}$/;
export const MAX_TOKEN_NAME_LENGTH = 100;
/**
 * Active (unrevoked) tokens a user may hold. Each token has its own rate-limit budget, so without a
 * bound a user could multiply their allowance by minting tokens.
 */
export const MAX_ACTIVE_API_TOKENS = 10;
/** last_used_at is advisory: writing it on every request would turn each read into a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

export type ApiTokenRecord = {
  id: number;
  userId: number;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const TOKEN_COLUMNS = sql`id, user_id AS "userId", name, created_at AS "createdAt",
  last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Creates a token; the secret is returned this once and only its SHA-256 is stored. */
export async function createApiToken(
  userId: number,
  name: string,
): Promise<{ token: string; record: ApiTokenRecord }> {
  const trimmed = name.trim();
  if (trimmed === "" || trimmed.length > MAX_TOKEN_NAME_LENGTH || /\p{Cc}/u.test(trimmed)) {
    throw new DomainError(
      "BAD_USER_INPUT",
      `The token name must be 1 to ${MAX_TOKEN_NAME_LENGTH} printable characters`,
      "name",
    );
  }
  const token = API_TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString("base64url");
  const record = await db().$transaction(async (tx) => {
    // Locking the user's row makes concurrent creations take turns, so the count below stays true
    // until this insert commits. Raw SQL: the model API has no SELECT … FOR UPDATE.
    await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${userId} FOR UPDATE`;
    const active = await tx.apiToken.count({ where: { userId, revokedAt: null } });
    if (active >= MAX_ACTIVE_API_TOKENS) {
      throw new DomainError(
        "FORBIDDEN",
        `You already have ${MAX_ACTIVE_API_TOKENS} active API tokens, the most allowed: revoke one first`,
      );
    }
    return tx.apiToken.create({
      data: { userId, name: trimmed, tokenHash: hashApiToken(token) },
      select: { id: true, userId: true, name: true, createdAt: true, lastUsedAt: true, revokedAt: true },
    });
  });
  return { token, record };
}

/** Revoking twice is fine; a token that is not the user's reads as unknown, not as someone else's. */
export async function revokeApiToken(userId: number, tokenId: number): Promise<ApiTokenRecord> {
  const rows = await query<ApiTokenRecord>(sql`
    UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, now())
    WHERE id = ${tokenId} AND user_id = ${userId}
    RETURNING ${TOKEN_COLUMNS}`);
  const record = rows[0];
  if (!record) throw new DomainError("BAD_USER_INPUT", "There is no such API token", "id");
  return record;
}

export async function listApiTokens(userId: number): Promise<ApiTokenRecord[]> {
  return query<ApiTokenRecord>(
    sql`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = ${userId} ORDER BY id DESC`,
  );
}

export type TokenIdentity = { tokenId: number; user: { id: number; username: string; role: Role } };

/** The user a presented token stands for, or null when it is malformed, unknown or revoked. */
export async function authenticateApiToken(token: string): Promise<TokenIdentity | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const rows = await query<{
    tokenId: number;
    lastUsedAt: Date | null;
    id: number;
    username: string;
    role: Role;
  }>(sql`
    SELECT t.id AS "tokenId", t.last_used_at AS "lastUsedAt", u.id, u.username, u.role
    FROM api_tokens t JOIN users u ON u.id = t.user_id
    WHERE t.token_hash = ${hashApiToken(token)} AND t.revoked_at IS NULL`);
  const row = rows[0];
  if (!row) return null;
  if (row.lastUsedAt === null || Date.now() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await query(sql`UPDATE api_tokens SET last_used_at = now() WHERE id = ${row.tokenId}`);
  }
  return { tokenId: row.tokenId, user: { id: row.id, username: row.username, role: row.role } };
}
