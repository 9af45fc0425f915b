import { describe, expect, it } from "vitest";
import { decodeFlash, encodeFlash, fromHeaderValue, toHeaderValue } from "./flash";

describe("flash cookie value", () => {
  it("round-trips a message and form feedback", () => {
    const flash = {
      message: 'You are now following "Ann; Lee"',
      form: { form: "login" as const, error: "Invalid password", values: { username: "ann=1" } },
    };
    expect(decodeFlash(encodeFlash(flash))).toEqual(flash);
  });

  it("ignores values that are not ours", () => {
    expect(decodeFlash(undefined)).toBeUndefined();
    expect(decodeFlash("{not json")).toBeUndefined();
    expect(decodeFlash("[1,2]")).toBeUndefined();
    expect(decodeFlash('{"form":{"form":"nope","error":"x"}}')).toBeUndefined();
    expect(decodeFlash('{"message":3}')).toBeUndefined();
  });

  it("drops typed values rather than overflow a cookie", () => {
    const flash = {
      form: { form: "add_message" as const, error: "too long", values: { text: "x".repeat(5000) } },
    };
    expect(decodeFlash(encodeFlash(flash))).toEqual({ form: { ...flash.form, values: {} } });
  });
});

describe("flash header transport", () => {
  it("carries any text as ASCII", () => {
    const value = encodeFlash({ message: 'You are now following "Zoë 🐦"' });
    const header = toHeaderValue(value);
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(fromHeaderValue(header)).toBe(value);
    expect(fromHeaderValue("%E0%A4%A")).toBeUndefined();
  });
});
