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

  it("recognises a raw statement's unique violation (P2010) by its driver error, and nothing else", () => {
    const raw = (originalCode: string) => ({
      code: "P2010",
      meta: { driverAdapterError: { cause: { originalCode, kind: "UniqueConstraintViolation" } } },
    });
    expect(isUniqueViolation(raw("23505"))).toBe(true);
    expect(isUniqueViolation(raw("23503"))).toBe(false);
    expect(isUniqueViolation({ code: "P2010" })).toBe(false);
  });
});
