import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { gravatarUrl, type RegistrationRules, validateRegistration } from "./users";

function firstError(input: { username: string; email: string; password: string }, rules: RegistrationRules) {
  try {
    validateRegistration(input, rules);
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, message: error.message, field: error.field };
    throw error;
  }
  return null;
}

const ok = { username: "alice", email: "alice@example.com", password: "correct horse" };

describe("validateRegistration", () => {
  it.each(["web", "simulator"] as const)("checks in the original order (%s)", (rules) => {
    expect(firstError({ username: "", email: "", password: "" }, rules)?.message).toBe(
      "You have to enter a username",
    );
    expect(firstError({ username: "a", email: "no-at-sign", password: "" }, rules)?.message).toBe(
      "You have to enter a valid email address",
    );
    expect(firstError({ username: "a", email: "", password: "x" }, rules)?.message).toBe(
      "You have to enter a valid email address",
    );
    expect(firstError({ username: "a", email: "a@b", password: "" }, rules)).toEqual({
      code: "BAD_USER_INPUT",
      message: "You have to enter a password",
      field: "password",
    });
  });

  it("holds web sign-ups to 8..128 character passwords, not the simulator", () => {
    expect(firstError({ ...ok, password: "short" }, "web")?.field).toBe("password");
    expect(firstError({ ...ok, password: "x".repeat(129) }, "web")?.field).toBe("password");
    expect(firstError({ ...ok, password: "x".repeat(128) }, "web")).toBeNull();
    expect(firstError({ ...ok, password: "short" }, "simulator")).toBeNull();
  });

  it("refuses names that collide with routes or break URLs, on the web and the simulator alike", () => {
    for (const username of [
      "public",
      "Login",
      "api",
      "_next",
      "favicon.ico",
      "a/b",
      "a?b",
      "a#b",
      "100%",
      "tab\there",
    ]) {
      for (const rules of ["web", "simulator"] as const) {
        expect(firstError({ ...ok, username }, rules)?.field, `${rules}: ${username}`).toBe("username");
      }
    }
    expect(firstError({ ...ok, username: "   " }, "web")?.message).toBe("You have to enter a username");
    expect(firstError({ ...ok, username: "   " }, "simulator")?.message).toBe("You have to enter a username");
  });

  it("lets the simulator use spaces and non-ASCII letters", () => {
    expect(firstError({ ...ok, username: "Roger Histand" }, "simulator")).toBeNull();
    expect(firstError({ ...ok, username: "Zoë Ångström" }, "simulator")).toBeNull();
  });

  it("caps usernames at 64 characters under both rules", () => {
    for (const rules of ["web", "simulator"] as const) {
      expect(firstError({ ...ok, username: "é".repeat(64) }, rules)).toBeNull();
      expect(firstError({ ...ok, username: "é".repeat(65) }, rules)?.field).toBe("username");
    }
  });

  it("refuses NUL, which PostgreSQL cannot store", () => {
    expect(firstError({ ...ok, username: "a\u0000b" }, "simulator")?.code).toBe("BAD_USER_INPUT");
    expect(firstError({ ...ok, email: "a@b\u0000" }, "simulator")?.field).toBe("email");
  });
});

describe("gravatarUrl", () => {
  it("hashes the trimmed, lower-cased address like the original", () => {
    // md5("myemailaddress@example.com"), Gravatar's documented example.
    expect(gravatarUrl("  MyEmailAddress@example.com ")).toBe(
      "https://www.gravatar.com/avatar/0bc83cb571cd1c50ba6f3e8a78ef1346?d=identicon&s=48",
    );
  });
});
