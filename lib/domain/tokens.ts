import { createHash, randomBytes } from "node:crypto";
import { db } from "../db/prisma";
import type { ApiToken } from "../generated/prisma/client";
import { DomainError } from "./errors";
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

/** Prisma's token row without its hash. */
export type ApiTokenRecord = Omit<ApiToken, "tokenHash">;

const TOKEN_FIELDS = { tokenHash: false } as const;

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
      omit: TOKEN_FIELDS,
    });
  });
  return { token, record };
}

/** Revoking twice is fine; a token that is not the user's reads as unknown, not as someone else's. */
export async function revokeApiToken(userId: number, tokenId: number): Promise<ApiTokenRecord> {
  const [revoked] = await db().apiToken.updateManyAndReturn({
    where: { id: tokenId, userId, revokedAt: null },
    data: { revokedAt: new Date() },
    omit: TOKEN_FIELDS,
  });
  // Nothing changed: already revoked (answered as it is), or not this user's token.
  const record =
    revoked ?? (await db().apiToken.findFirst({ where: { id: tokenId, userId }, omit: TOKEN_FIELDS }));
  if (!record) throw new DomainError("BAD_USER_INPUT", "There is no such API token", "id");
  return record;
}

export async function listApiTokens(userId: number): Promise<ApiTokenRecord[]> {
  return db().apiToken.findMany({ where: { userId }, orderBy: { id: "desc" }, omit: TOKEN_FIELDS });
}

export type TokenIdentity = { tokenId: number; user: { id: number; username: string; role: Role } };

/** The user a presented token stands for, or null when it is malformed, unknown or revoked. */
export async function authenticateApiToken(token: string): Promise<TokenIdentity | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const row = await db().apiToken.findUnique({
    where: { tokenHash: hashApiToken(token) },
    select: {
      id: true,
      lastUsedAt: true,
      revokedAt: true,
      user: { select: { id: true, username: true, role: true } },
    },
  });
  if (!row || row.revokedAt !== null) return null;
  if (row.lastUsedAt === null || Date.now() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return { tokenId: row.id, user: row.user };
}
