import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../db/prisma";
import { DomainError } from "./errors";
import { uniqueName } from "../../e2e/support/fixtures";
import { findUserByUsername, registerUser, verifyCredentials } from "./users";

afterAll(disconnectDb);

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof DomainError ? error.code : String(error);
  }
  return undefined;
}

describe("registerUser", () => {
  it("stores an argon2id hash, never the password, and the user can sign in", async () => {
    const username = uniqueName("reg");
    const user = await registerUser(
      { username, email: `${username}@x.test`, password: "s3cret-pass" },
      "web",
    );
    expect(user.username).toBe(username);
    const row = await db().user.findUnique({ where: { id: user.id }, select: { pwHash: true } });
    expect(row?.pwHash).toMatch(/^\$argon2id\$/);
    expect(row?.pwHash).not.toContain("s3cret-pass");
    expect(await verifyCredentials(username, "s3cret-pass")).toEqual({
      ok: true,
      user: { id: user.id, username, role: "USER" },
    });
    expect(await verifyCredentials(username, "wrong-pass")).toEqual({ ok: false, reason: "BAD_PASSWORD" });
    expect(await verifyCredentials(uniqueName("nobody"), "whatever")).toEqual({
      ok: false,
      reason: "USER_NOT_FOUND",
    });
  });

  it("answers USERNAME_TAKEN for a second registration of a name", async () => {
    const username = uniqueName("dup");
    await registerUser({ username, email: "a@b", password: "x" }, "simulator");
    const error = await registerUser({ username, email: "a@b", password: "y" }, "simulator").catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe("USERNAME_TAKEN");
    expect(error.message).toBe("The username is already taken");
  });

  it("lets exactly one of several racing registrations of one name win", async () => {
    const username = uniqueName("race");
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        codeOf(registerUser({ username, email: "a@b", password: "pw" }, "simulator")),
      ),
    );
    expect(outcomes.filter((code) => code === undefined)).toHaveLength(1);
    expect(outcomes.filter((code) => code === "USERNAME_TAKEN")).toHaveLength(4);
  });

  it("keeps simulator names with spaces and non-ASCII letters exactly", async () => {
    const username = `Roger Histand ${uniqueName("Zoë")}`;
    await registerUser({ username, email: "r@h", password: "pw" }, "simulator");
    expect((await findUserByUsername(username))?.username).toBe(username);
  });

  it("checks the password policy only after the original's checks, a taken name first", async () => {
    const username = uniqueName("policy");
    await registerUser({ username, email: "p@h", password: "default" }, "web");
    const taken = await registerUser({ username, email: "p@h", password: "short" }, "web", 10).catch(
      (e) => e,
    );
    expect(taken.code).toBe("USERNAME_TAKEN");
    const fresh = uniqueName("policy");
    const short = await registerUser({ username: fresh, email: "p@h", password: "default" }, "web", 10).catch(
      (e) => e,
    );
    expect(short).toMatchObject({
      code: "BAD_USER_INPUT",
      message: "The password must be at least 10 characters",
    });
    expect(await findUserByUsername(fresh)).toBeNull();
    // The simulator keeps the protocol's rules whatever the web's policy.
    await registerUser({ username: fresh, email: "p@h", password: "x" }, "simulator", 10);
  });

  it("never returns the password hash from a lookup", async () => {
    const username = uniqueName("nohash");
    await registerUser({ username, email: "n@h", password: "pw" }, "simulator");
    const user = await findUserByUsername(username);
    expect(user).not.toBeNull();
    expect(Object.keys(user ?? {}).sort()).toEqual(["createdAt", "email", "id", "role", "username"]);
  });
});
