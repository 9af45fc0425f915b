import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import {
  decodeIdCursor,
  decodeMessageCursor,
  encodeIdCursor,
  encodeMessageCursor,
  pageSize,
  toPage,
} from "./pagination";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? error.code : "other";
  }
  return undefined;
}

describe("cursors", () => {
  it("round-trip a message position to the millisecond", () => {
    const key = { pubDate: new Date("2024-05-06T07:08:09.123Z"), id: 42 };
    const cursor = encodeMessageCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeMessageCursor(cursor)).toEqual(key);
  });

  it("round-trip a user position", () => {
    expect(decodeIdCursor(encodeIdCursor(7))).toBe(7);
  });

  it("refuse garbage, other kinds of cursor and out-of-range ids as BAD_USER_INPUT", () => {
    expect(codeOf(() => decodeMessageCursor("!!"))).toBe("BAD_USER_INPUT");
    expect(codeOf(() => decodeMessageCursor(encodeIdCursor(3)))).toBe("BAD_USER_INPUT");
    expect(codeOf(() => decodeIdCursor(encodeMessageCursor({ pubDate: new Date(0), id: 1 })))).toBe(
      "BAD_USER_INPUT",
    );
    expect(codeOf(() => decodeIdCursor(Buffer.from("u:99999999999").toString("base64url")))).toBe(
      "BAD_USER_INPUT",
    );
    expect(codeOf(() => decodeMessageCursor(Buffer.from("m:abc:1").toString("base64url")))).toBe(
      "BAD_USER_INPUT",
    );
  });

  it("refuse instants PostgreSQL cannot hold (the crafted `m:-8640000000000000:1`)", () => {
    for (const millis of ["-8640000000000000", "8640000000000000", "-62135596800001", "253402300800000"]) {
      const cursor = Buffer.from(`m:${millis}:1`).toString("base64url");
      expect(
        codeOf(() => decodeMessageCursor(cursor)),
        millis,
      ).toBe("BAD_USER_INPUT");
    }
    expect(codeOf(() => decodeMessageCursor("bTotODY0MDAwMDAwMDAwMDAwMDox"))).toBe("BAD_USER_INPUT");
    for (const iso of ["0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"]) {
      const key = { pubDate: new Date(iso), id: 1 };
      expect(decodeMessageCursor(encodeMessageCursor(key))).toEqual(key);
    }
  });
});

describe("pageSize", () => {
  it("defaults to 30 and accepts 1..100", () => {
    expect(pageSize(undefined)).toBe(30);
    expect(pageSize(null)).toBe(30);
    expect(pageSize(1)).toBe(1);
    expect(pageSize(100)).toBe(100);
  });

  it("refuses 0, negatives and more than the maximum", () => {
    for (const first of [0, -1, 101]) expect(codeOf(() => pageSize(first))).toBe("BAD_USER_INPUT");
  });

  it("lets a caller with a larger bound ask for more", () => {
    expect(pageSize(5000, 10_000)).toBe(5000);
  });
});

describe("toPage", () => {
  it("uses the extra row only to say there is a next page", () => {
    expect(toPage([1, 2, 3], 2)).toEqual({ rows: [1, 2], hasNextPage: true });
    expect(toPage([1, 2], 2)).toEqual({ rows: [1, 2], hasNextPage: false });
  });
});
