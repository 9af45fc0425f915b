import { describe, expect, it } from "vitest";
import { pgArray } from "./pg-array";

describe("pgArray", () => {
  it("quotes every text, escaping only quotes and backslashes", () => {
    expect(pgArray(['he said "hi"', "back\\slash", "{a,b}", "NULL", "", "😀"])).toBe(
      String.raw`{"he said \"hi\"","back\\slash","{a,b}","NULL","","😀"}`,
    );
  });

  it("writes numbers and booleans bare, and refuses what is not a number", () => {
    expect(pgArray([1, -2, 1600000000.123])).toBe("{1,-2,1600000000.123}");
    expect(pgArray([true, false])).toBe("{t,f}");
    expect(pgArray([])).toBe("{}");
    expect(() => pgArray([Number.NaN])).toThrow(/not a finite number/);
  });
});
