import { DomainError } from "../domain/errors";

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

/**
 * A unique constraint refused the write: SQLSTATE 23505, Prisma's P2002 for a model write, or P2010
 * (a raw statement failed) whose driver error is the same violation.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, meta } = error as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
  };
  if (code === "23505" || code === "P2002") return true;
  return code === "P2010" && meta?.driverAdapterError?.cause?.originalCode === "23505";
}

/**
 * A foreign key refused the write (the row it points to is gone): SQLSTATE 23503, Prisma's P2003 for
 * a model write, or P2010 (a raw statement failed) whose driver error is the same violation.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, meta } = error as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
  };
  if (code === "23503" || code === "P2003") return true;
  return code === "P2010" && meta?.driverAdapterError?.cause?.originalCode === "23503";
}
