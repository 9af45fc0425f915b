import { describe, expect, it } from "vitest";
import { compareKeys, parseNotice } from "./notice";

describe("parseNotice", () => {
  it("reads the triggers' payloads", () => {
    expect(parseNotice("posted:12:3:1764655200123")).toEqual({
      kind: "posted",
      id: 12,
      authorId: 3,
      key: { id: 12, pubDate: new Date(1764655200123) },
    });
    expect(parseNotice("withdrawn:12:3:1764655200123")?.kind).toBe("withdrawn");
  });

  it("ignores payloads it does not know", () => {
    for (const payload of ["", "posted:12:3", "edited:1:2:3", "posted:x:3:4", "posted:1:2:3:4"]) {
      expect(parseNotice(payload)).toBeNull();
    }
  });
});

describe("compareKeys", () => {
  it("orders by date, then id", () => {
    const at = (ms: number, id: number) => ({ pubDate: new Date(ms), id });
    expect(compareKeys(at(1, 9), at(2, 1))).toBeLessThan(0);
    expect(compareKeys(at(2, 2), at(2, 1))).toBeGreaterThan(0);
    expect(compareKeys(at(2, 2), at(2, 2))).toBe(0);
  });
});
