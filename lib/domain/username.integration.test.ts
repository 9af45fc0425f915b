import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../db/prisma";
import { isUniqueViolation } from "../db/guards";
import { DomainError } from "./errors";
import { uniqueName } from "../../e2e/support/fixtures";
import { registerUser } from "./users";

afterAll(disconnectDb);

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string } | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, message: error.message };
    throw error;
  }
  return undefined;
}

const account = (username: string) => ({ username, email: "x@example.com", password: "correct horse" });

describe("usernames are unique regardless of case and Unicode form", () => {
  it("answers “taken” for a case variant, on the web and the simulator alike", async () => {
    const name = uniqueName("Carol");
    await registerUser(account(name), "web");
    for (const variant of [name.toLowerCase(), name.toUpperCase()]) {
      for (const rules of ["web", "simulator"] as const) {
        expect(await failure(registerUser(account(variant), rules))).toEqual({
          code: "USERNAME_TAKEN",
          message: "The username is already taken",
        });
      }
    }
  });

  it("stores one spelling (NFC), so a decomposed variant is the same name", async () => {
    const suffix = uniqueName("");
    const decomposed = `Zoe\u0308${suffix}`;
    const user = await registerUser(account(decomposed), "simulator");
    expect(user.username).toBe(`Zoë${suffix}`);
    expect((await failure(registerUser(account(`ZOË${suffix}`), "web")))?.code).toBe("USERNAME_TAKEN");
  });

  it("is enforced by the database for every writer, not only sign-up", async () => {
    const name = uniqueName("dbcase");
    await db().$executeRaw`INSERT INTO users (username, email, pw_hash) VALUES (${name}, 'a@b', 'x')`;
    const error = await db()
      .$executeRaw`INSERT INTO users (username, email, pw_hash) VALUES (${name.toUpperCase()}, 'a@b', 'x')`.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(isUniqueViolation(error)).toBe(true);
  });
});
