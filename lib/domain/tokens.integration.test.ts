import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../db/prisma";
import { DomainError } from "./errors";
import { createUser } from "../../e2e/support/fixtures";
import {
  authenticateApiToken,
  createApiToken,
  hashApiToken,
  listApiTokens,
  MAX_ACTIVE_API_TOKENS,
  revokeApiToken,
} from "./tokens";

afterAll(disconnectDb);

describe("API tokens", () => {
  it("are shown once, stored as SHA-256 only, and authenticate until revoked", async () => {
    const user = await createUser();
    const { token, record } = await createApiToken(user.id, "  my script ");
    expect(token).toMatch(/^mt_[A-Za-z0-9_-]{43}$/);
    expect(record.name).toBe("my script");
    const row = await db().apiToken.findUnique({ where: { id: record.id } });
    expect(row?.tokenHash).toBe(hashApiToken(token));
    expect(row?.tokenHash).not.toContain(token.slice(3));

    const identity = await authenticateApiToken(token);
    expect(identity).toEqual({
      tokenId: record.id,
      user: { id: user.id, username: user.username, role: "USER" },
    });
    expect((await listApiTokens(user.id))[0]?.lastUsedAt).toBeInstanceOf(Date);

    await revokeApiToken(user.id, record.id);
    expect(await authenticateApiToken(token)).toBeNull();
    // Revoking twice is harmless and keeps the first revocation time.
    const again = await revokeApiToken(user.id, record.id);
    expect(again.revokedAt).toEqual((await listApiTokens(user.id))[0]?.revokedAt);
  });

  it("refuse malformed or unknown tokens without a match", async () => {
    expect(await authenticateApiToken("mt_" + "A".repeat(43))).toBeNull();
    expect(await authenticateApiToken("Bearer nonsense")).toBeNull();
  });

  it("cannot be revoked by someone else", async () => {
    const owner = await createUser();
    const other = await createUser();
    const { token, record } = await createApiToken(owner.id, "mine");
    const error = await revokeApiToken(other.id, record.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("BAD_USER_INPUT");
    expect(await authenticateApiToken(token)).not.toBeNull();
  });

  it("need a name", async () => {
    const user = await createUser();
    await expect(createApiToken(user.id, "   ")).rejects.toThrow(DomainError);
  });

  it("are bounded per user: revoke one to make room", async () => {
    const user = await createUser();
    const made = [];
    for (let i = 0; i < MAX_ACTIVE_API_TOKENS; i++) made.push(await createApiToken(user.id, `t${i}`));
    const error = await createApiToken(user.id, "one too many").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("FORBIDDEN");
    expect((error as DomainError).message).toMatch(/10 active API tokens, the most allowed: revoke one/);
    // Another user is not affected.
    await expect(createApiToken((await createUser()).id, "mine")).resolves.toBeDefined();
    await revokeApiToken(user.id, made[0]!.record.id);
    await expect(createApiToken(user.id, "replacement")).resolves.toBeDefined();
  });

  it("are bounded even when created in parallel", async () => {
    const user = await createUser();
    const results = await Promise.allSettled(
      Array.from({ length: MAX_ACTIVE_API_TOKENS + 5 }, (_, i) => createApiToken(user.id, `p${i}`)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(MAX_ACTIVE_API_TOKENS);
    expect((await listApiTokens(user.id)).filter((t) => t.revokedAt === null)).toHaveLength(
      MAX_ACTIVE_API_TOKENS,
    );
  });
});
