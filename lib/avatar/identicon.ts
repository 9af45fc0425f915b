import { createHash } from "node:crypto";

/** md5 of the trimmed, lower-cased address: the key Gravatar and the original MiniTwit used. */
export function emailHash(email: string): string {
  return createHash("md5").update(email.trim().toLowerCase()).digest("hex");
}

export const EMAIL_HASH_PATTERN = /^[0-9a-f]{32}$/;

const GRID = 5;
const CELL = 10;
const PADDING = 5;
const SIZE = GRID * CELL + 2 * PADDING;

/**
 * Which cells of the 5x5 grid are filled. Only the left three columns come from the hash and the
 * right two mirror them, so every identicon is symmetric like Gravatar's.
 */
export function identiconCells(hash: string): boolean[][] {
  if (!EMAIL_HASH_PATTERN.test(hash)) throw new Error("identicon needs a 32-digit lower-case hex hash");
  const nibbles = [...hash].map((digit) => parseInt(digit, 16));
  const rows: boolean[][] = [];
  for (let row = 0; row < GRID; row++) {
    const left = [0, 1, 2].map((col) => (nibbles[row * 3 + col] ?? 0) % 2 === 0);
    rows.push([left[0]!, left[1]!, left[2]!, left[1]!, left[0]!]);
  }
  return rows;
}

/** A foreground colour from the last hash digits: any hue, with saturation and lightness kept readable. */
export function identiconColour(hash: string): string {
  const hue = parseInt(hash.slice(25, 28), 16) % 360;
  const saturation = 45 + (parseInt(hash.slice(28, 30), 16) % 20);
  const lightness = 45 + (parseInt(hash.slice(30, 32), 16) % 12);
  return `hsl(${hue} ${saturation}% ${lightness}%)`;
}

/** A deterministic SVG identicon for the hash (same input, same bytes). */
export function identiconSvg(hash: string): string {
  const cells = identiconCells(hash);
  const rects: string[] = [];
  cells.forEach((row, y) =>
    row.forEach((filled, x) => {
      if (filled) {
        rects.push(
          `<rect x="${PADDING + x * CELL}" y="${PADDING + y * CELL}" width="${CELL}" height="${CELL}"/>`,
        );
      }
    }),
  );
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${SIZE} ${SIZE}" width="${SIZE}" height="${SIZE}" shape-rendering="crispEdges">` +
    `<rect width="${SIZE}" height="${SIZE}" fill="#f0f0f0"/>` +
    `<g fill="${identiconColour(hash)}">${rects.join("")}</g></svg>`
  );
}
