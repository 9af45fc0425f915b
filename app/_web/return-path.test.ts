import { describe, expect, it } from "vitest";
import { safeReturnPath } from "./return-path";

describe("safeReturnPath", () => {
  it.each([
    ["/public", "/public"],
    ["/alice?after=abc#m1", "/alice?after=abc#m1"],
    ["/Ünïcode name", "/%C3%9Cn%C3%AFcode%20name"],
  ])("keeps the same-origin path %j", (candidate, expected) => {
    expect(safeReturnPath(candidate, "/fallback")).toBe(expected);
  });

  it.each([
    null,
    "",
    "public",
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/x",
    "/\r\nSet-Cookie: a=b",
    "/a\u0000b",
    "https://evil.example/",
    "javascript:alert(1)",
  ])("falls back for %j", (candidate) => {
    expect(safeReturnPath(candidate, "/fallback")).toBe("/fallback");
  });
});
