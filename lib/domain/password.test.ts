import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password";

describe("password hashing", () => {
  it("uses argon2id with OWASP's parameters and a fresh salt", async () => {
    const a = await hashPassword("correct horse battery staple");
    const b = await hashPassword("correct horse battery staple");
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
  });

  it("verifies the right password only", async () => {
    const stored = await hashPassword("p'\"\\ä😀");
    expect(await verifyPassword(stored, "p'\"\\ä😀")).toBe(true);
    expect(await verifyPassword(stored, "p'\"\\a😀")).toBe(false);
  });

  it("reads a corrupt stored hash as a wrong password", async () => {
    expect(await verifyPassword("not-a-hash", "anything")).toBe(false);
  });
});
