import { describe, expect, it } from "vitest";
import { formatPubDate } from "./format-date";

describe("formatPubDate", () => {
  it("formats in UTC whatever the offset it was given in", () => {
    expect(formatPubDate(new Date("2024-03-09T23:59:59.999-02:00"))).toBe("2024-03-10 @ 01:59");
  });

  it("pads single digits", () => {
    expect(formatPubDate(new Date(Date.UTC(2009, 0, 2, 3, 4)))).toBe("2009-01-02 @ 03:04");
  });
});
