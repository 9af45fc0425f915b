import { describe, expect, it } from "vitest";
import { emailHash, identiconCells, identiconColour, identiconSvg } from "./identicon";

describe("emailHash", () => {
  it("is the md5 of the trimmed, lower-cased address (Gravatar's key)", () => {
    // Gravatar's documented example.
    expect(emailHash(" MyEmailAddress@example.com ")).toBe("0bc83cb571cd1c50ba6f3e8a78ef1346");
  });
});

describe("identicon", () => {
  const a = emailHash("alice@example.com");
  const b = emailHash("bob@example.com");

  it("is deterministic", () => {
    expect(identiconSvg(a)).toBe(identiconSvg(a));
  });

  it("differs between addresses", () => {
    expect(identiconSvg(a)).not.toBe(identiconSvg(b));
  });

  it("is a mirror-symmetric 5x5 grid", () => {
    const cells = identiconCells(a);
    expect(cells).toHaveLength(5);
    for (const row of cells) {
      expect(row).toHaveLength(5);
      expect(row[0]).toBe(row[4]);
      expect(row[1]).toBe(row[3]);
    }
  });

  it("follows the hash digits: even nibbles fill a cell", () => {
    const cells = identiconCells("02468ace13579bdf0000000000000000");
    expect(cells[0]).toEqual([true, true, true, true, true]);
    expect(cells[3]).toEqual([false, false, false, false, false]);
    expect(cells[4]).toEqual([false, false, false, false, false]);
  });

  it("draws one square per filled cell, in the hash's colour", () => {
    const svg = identiconSvg(a);
    const filled = identiconCells(a).flat().filter(Boolean).length;
    expect(svg.match(/<rect x=/g) ?? []).toHaveLength(filled);
    expect(svg).toContain(`fill="${identiconColour(a)}"`);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it("rejects anything but a hash, so nothing else reaches the SVG", () => {
    expect(() => identiconSvg("<script>")).toThrow();
    expect(() => identiconSvg(a.toUpperCase())).toThrow();
  });
});
