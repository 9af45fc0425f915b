import { describe, expect, it } from "vitest";
import { isUniqueViolation, rejectNul } from "./guards";

describe("rejectNul", () => {
  it.each([["a\u0000b"], [["ok", "b\u0000"]]])("refuses a NUL as bad input (%j)", (value) => {
    expect(() => rejectNul("fine", value)).toThrow(
      expect.objectContaining({ code: "BAD_USER_INPUT", message: "Text must not contain NUL characters" }),
    );
  });

  it("lets any other text through", () => {
    expect(() => rejectNul("", ["é", "😀", "'; DROP TABLE users; --"])).not.toThrow();
  });
});

describe("isUniqueViolation", () => {
  it("recognises unique violations from pg and from Prisma", () => {
    expect(isUniqueViolation({ code: "23505" })).toBe(true);
    expect(isUniqueViolation({ code: "P2002" })).toBe(true);
    expect(isUniqueViolation({ code: "23503" })).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});
