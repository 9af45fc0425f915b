/**
 * Query parameters of the protocol, read the way the reference's `request.args.get(..., type=int)`
 * reads them (Python's `int()`: optional sign and surrounding blanks), but bounded: a value that is
 * not an integer, or does not fit where it goes, counts as absent rather than failing the request.
 */

const INTEGER = /^\s*([+-]?\d+)\s*$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function integer(raw: string | null): bigint | undefined {
  if (raw === null) return undefined;
  const match = INTEGER.exec(raw);
  return match?.[1] === undefined ? undefined : BigInt(match[1]);
}

/** The `latest` id to record, or undefined when there is none (absent, not an int64, or -1). */
export function parseLatest(raw: string | null): bigint | undefined {
  const value = integer(raw);
  if (value === undefined || value === -1n || value < INT64_MIN || value > INT64_MAX) return undefined;
  return value;
}

export const DEFAULT_PAGE_SIZE = 100;

/** The `no` page size: default 100, also for junk and negatives; 0 means none; cut to `cap`. */
export function parsePageSize(raw: string | null, cap: number): number {
  const value = integer(raw);
  if (value === undefined || value < 0n) return Math.min(DEFAULT_PAGE_SIZE, cap);
  return value > BigInt(cap) ? cap : Number(value);
}
