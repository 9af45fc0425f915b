import { DomainError } from "../errors";

/**
 * PostgreSQL text cannot hold NUL: no stored value contains one, and binding one fails the query
 * with a driver error. Input that carries one (a looked-up name, a text, a token) is bad input, said
 * so before it reaches the database.
 */
export function rejectNul(...values: readonly (string | readonly string[])[]): void {
  for (const value of values) {
    const strings = typeof value === "string" ? [value] : value;
    if (strings.some((v) => v.includes("\u0000"))) {
      throw new DomainError("BAD_USER_INPUT", "Text must not contain NUL characters");
    }
  }
}

/** A unique constraint refused the write: SQLSTATE 23505, or Prisma's P2002 for the same. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === "23505" || code === "P2002";
}
