import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import { passwordPolicyError, type RegistrationRules, validateRegistration } from "./users";

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

  it("accepts any non-empty password, as the original did (its test users use `default`)", () => {
    for (const rules of ["web", "simulator"] as const) {
      expect(firstError({ ...ok, password: "x" }, rules)).toBeNull();
      expect(firstError({ ...ok, password: "default" }, rules)).toBeNull();
    }
  });
});

describe("passwordPolicyError", () => {
  it("is the original's rule by default and PASSWORD_MIN_LENGTH's when set", () => {
    expect(passwordPolicyError("x", 1)).toBeNull();
    expect(passwordPolicyError("default", 10)).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "password",
      message: "The password must be at least 10 characters",
    });
    expect(passwordPolicyError("ten chars!", 10)).toBeNull();
    // Code points, not UTF-16 units: nine emoji are nine characters.
    expect(passwordPolicyError("😀".repeat(9), 10)?.field).toBe("password");
  });

  it("caps web passwords at 128 characters", () => {
    expect(passwordPolicyError("x".repeat(128), 1)).toBeNull();
    expect(passwordPolicyError("x".repeat(129), 1)?.message).toBe(
      "The password must be at most 128 characters",
    );
  });
});

describe("validateRegistration: usernames", () => {
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
