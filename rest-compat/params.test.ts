import { describe, expect, it } from "vitest";

import { parseLatest, parsePageSize } from "./params";

describe("parseLatest", () => {
  it.each([
    ["42", 42n],
    ["0", 0n],
    ["-2", -2n],
    ["+7", 7n],
    [" 8 ", 8n],
    ["9223372036854775807", 9223372036854775807n],
    ["-9223372036854775808", -9223372036854775808n],
  ])("records %j as %s", (raw, expected) => {
    expect(parseLatest(raw)).toBe(expected);
  });

  it.each([
    ["absent", null],
    ["the reference's 'nothing' value", "-1"],
    ["empty", ""],
    ["a word", "abc"],
    ["a decimal", "1.5"],
    ["an exponent", "1e3"],
    ["hex", "0x10"],
    ["beyond int64", "9223372036854775808"],
    ["below int64", "-9223372036854775809"],
    ["SQL", "1; DROP TABLE users"],
  ])("ignores %s", (_name, raw) => {
    expect(parseLatest(raw)).toBeUndefined();
  });
});

describe("parsePageSize", () => {
  it.each([
    [null, 100],
    ["20", 20],
    ["0", 0],
    ["-5", 100],
    ["abc", 100],
    ["2.5", 100],
    ["", 100],
    ["10000", 10000],
    ["10001", 10000],
    ["99999999999999999999999", 10000],
  ])("no=%j gives %d", (raw, expected) => {
    expect(parsePageSize(raw, 10_000)).toBe(expected);
  });

  it("never exceeds a cap below the default", () => {
    expect(parsePageSize(null, 50)).toBe(50);
    expect(parsePageSize("70", 50)).toBe(50);
  });
});
